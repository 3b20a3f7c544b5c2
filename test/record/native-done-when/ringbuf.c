/* The issue's "done when" extension (test/record/native-done-when.test.ts),
 * written for that test alone: push(bytes) keeps a malloc'd copy in a ring
 * of 8 slots. The planted bug: once the ring wraps, the copy in the slot is
 * overwritten without being freed, so every call after the 8th leaks one
 * copy. Built with -DCLEAN it is the leak-free twin. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 8
static char *slots[SLOTS];
static unsigned long calls;

/* The C function that calls malloc: where the leak is. */
__attribute__((noinline)) static char *duplicate_payload(const char *data, size_t n) {
    char *copy = malloc(n);
    if (copy != NULL) memcpy(copy, data, n);
    return copy;
}

static PyObject *push(PyObject *self, PyObject *args) {
    const char *data;
    Py_ssize_t n;
    (void)self;
    if (!PyArg_ParseTuple(args, "y#", &data, &n)) return NULL;
    size_t slot = calls++ % SLOTS;
#ifdef CLEAN
    free(slots[slot]);
#endif
    slots[slot] = duplicate_payload(data, (size_t)n);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"push", push, METH_VARARGS, "Keep a copy of the bytes in the ring."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "ringbuf", NULL, -1, methods};

PyMODINIT_FUNC PyInit_ringbuf(void) { return PyModule_Create(&module); }
