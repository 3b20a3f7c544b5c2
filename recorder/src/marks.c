/* The built-in module `memreplay_marks`: every program run by the recorder
 * can `import memreplay_marks` and call `memreplay_marks.mark("iteration 3")`
 * to write a `mark` record at that instant. Outside the recorder the file
 * recorder/memreplay_marks.py stands in for it (marks are then no-ops).
 * Built-in modules are found before sys.path, so the built-in one wins when
 * both exist. */
#include "marks.h"

#include "record.h"

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

static PyMethodDef marks_methods[] = {
    {"mark", mark, METH_O,
     "mark(label)\n--\n\nWrite a `mark` record with this label into the memreplay trace being recorded."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef marks_module = {
    PyModuleDef_HEAD_INIT,
    "memreplay_marks",
    "Named instants in a memreplay trace (this process is being recorded by `memreplay record`).",
    -1,
    marks_methods,
    NULL, NULL, NULL, NULL,
};

PyObject *marks_module_init(void) {
    PyObject *m = PyModule_Create(&marks_module);
    if (m == NULL) return NULL;
    Py_INCREF(Py_True);
    if (PyModule_AddObject(m, "recording", Py_True) < 0) {
        Py_DECREF(Py_True);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
