/* The built-in module `memreplay_marks`: every program run by the recorder
 * can `import memreplay_marks` and call `memreplay_marks.mark("iteration 3")`
 * to write a `mark` record at that instant. Outside the recorder the file
 * recorder/memreplay_marks.py stands in for it (marks are then no-ops).
 * Built-in modules are found before sys.path, so the built-in one wins when
 * both exist. */
#include "marks.h"

#include <errno.h>
#include <stdio.h>

#include "cpython-private.h"
#include "hooks.h"
#include "record.h"
#include "writer.h"

static PyObject *mark(PyObject *module, PyObject *label) {
    (void)module;
    if (!PyUnicode_Check(label)) {
        PyErr_Format(PyExc_TypeError, "mark() label must be str, not %.100s", Py_TYPE(label)->tp_name);
        return NULL;
    }
    record_lock();
    if (g_rec.recording) record_mark_str(label);
    record_unlock();
    Py_RETURN_NONE;
}

/* stats_mark(label, path): a mark, then the pymalloc part of
 * sys._debugmallocstats() as the calling interpreter prints it (an isolated
 * sub-interpreter of 3.12+: its own pymalloc state) into the file at path.
 * _PyObject_DebugMallocStats prints only while the OBJ allocator is pymalloc
 * itself, so the hook is lifted for the call; it allocates nothing. (Another
 * interpreter running at that instant would have its OBJ calls unrecorded:
 * take it while the others wait.) */
static PyObject *stats_mark(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *label;
    PyObject *path_obj;
    if (!PyArg_ParseTuple(args, "UO&:stats_mark", &label, PyUnicode_FSConverter, &path_obj)) return NULL;
    FILE *out = fopen(PyBytes_AS_STRING(path_obj), "we");
    if (out == NULL) {
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
        Py_DECREF(path_obj);
        return NULL;
    }
    record_lock();
    if (g_rec.recording) {
        record_mark_str(label);
        record_flush();
    }
    record_unlock();
    hooks_unwrap_obj();
    _PyObject_DebugMallocStats(out);
    hooks_rewrap_obj();
    int failed = fclose(out) != 0;
    if (failed) PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_obj);
    Py_DECREF(path_obj);
    if (failed) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef marks_methods[] = {
    {"mark", mark, METH_O,
     "mark(label)\n--\n\nWrite a `mark` record with this label into the memreplay trace being recorded."},
    {"stats_mark", stats_mark, METH_VARARGS,
     "stats_mark(label, path)\n--\n\nWrite a `mark` record with this label, then the pymalloc part of "
     "sys._debugmallocstats() of the calling interpreter into the file at path."},
    {NULL, NULL, 0, NULL},
};

/* Multi-phase initialisation, so that every interpreter, isolated
 * sub-interpreters (3.12+) included, can import the module: it keeps no
 * state of its own. */
static int marks_exec(PyObject *m) {
    /* (PyModule_AddObjectRef is 3.10+.) */
    Py_INCREF(Py_True);
    if (PyModule_AddObject(m, "recording", Py_True) < 0) {
        Py_DECREF(Py_True);
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot marks_slots[] = {
    {Py_mod_exec, marks_exec},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef marks_module = {
    PyModuleDef_HEAD_INIT,
    "memreplay_marks",
    "Named instants in a memreplay trace (this process is being recorded by `memreplay record`).",
    0,
    marks_methods,
    marks_slots,
    NULL, NULL, NULL,
};

PyObject *marks_module_init(void) { return PyModuleDef_Init(&marks_module); }
