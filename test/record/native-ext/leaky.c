/* A C extension with planted leaks, for the --native recording tests
 * (test/record/native-recording.test.ts). Built with -DCLEAN it is the
 * leak-free twin: the same calls, every block freed. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define RING 4
static char *ring[RING];
static unsigned long pushed;
static void *pymem_block;
static void *thread_block;

/* The function that calls malloc: the leak's site. */
__attribute__((noinline, noclone)) static char *leaky_copy(const char *data, size_t n) {
    char *c = malloc(n);
    if (c != NULL) memcpy(c, data, n);
    return c;
}

/* push(bytes): keeps a copy in a ring of 4. The planted bug: once the ring
 * wraps, the copy in the slot is overwritten without being freed. */
static PyObject *push(PyObject *self, PyObject *args) {
    const char *data;
    Py_ssize_t n;
    (void)self;
    if (!PyArg_ParseTuple(args, "y#", &data, &n)) return NULL;
    size_t slot = pushed++ % RING;
#ifdef CLEAN
    free(ring[slot]);
#endif
    ring[slot] = leaky_copy(data, (size_t)n);
    Py_RETURN_NONE;
}

/* The planted PyMem leak: a 4242-byte PyMem_Malloc block never freed. */
static PyObject *pymem_leak(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    pymem_block = PyMem_Malloc(4242);
#ifdef CLEAN
    PyMem_Free(pymem_block);
    pymem_block = NULL;
#endif
    Py_RETURN_NONE;
}

/* A 3333-byte RAW block, freed at once: recorded once, never twice. */
static PyObject *raw_roundtrip(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    void *p = PyMem_RawMalloc(3333);
    PyMem_RawFree(p);
    Py_RETURN_NONE;
}

__attribute__((noinline, noclone)) static void *thread_main(void *arg) {
    (void)arg;
    thread_block = malloc(2222);
    return NULL;
}

/* A thread of C's own (no Python frames, no GIL) allocating 2222 bytes. */
static PyObject *c_thread(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    pthread_t t;
    if (pthread_create(&t, NULL, thread_main, NULL) != 0) return PyErr_Format(PyExc_OSError, "pthread_create failed");
    Py_BEGIN_ALLOW_THREADS
    pthread_join(t, NULL);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* Every other interposed call once, each with a size of its own (the
 * test looks for them): calloc, realloc (growing, and to 0: a free),
 * reallocarray, memalign, aligned_alloc, valloc, pvalloc; an anonymous
 * mapping grown with mremap and unmapped; a file mapping (not written). */
__attribute__((noinline, noclone)) static PyObject *exercise(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    static void *volatile sink; /* blocks used, so that gcc keeps each call */
    char *c = calloc(7, 111);
    sink = c;
    char *m = malloc(555);
    char *r = realloc(m, 1777);
    void *gone = realloc(r, 0); /* glibc frees r and returns NULL */
    char *a = reallocarray(NULL, 3, 333);
    sink = a;
    void *blocks[4] = {memalign(128, 1111), aligned_alloc(256, 2560), valloc(3000), pvalloc(3001)};
    for (int i = 0; i < 4; i++) sink = blocks[i];
    free(gone);
    free(c);
    free(a);
    for (int i = 0; i < 4; i++) free(blocks[i]);
    void *map = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) return PyErr_Format(PyExc_OSError, "mmap failed");
    void *moved = mremap(map, 65536, 131072, MREMAP_MAYMOVE);
    if (moved == MAP_FAILED) return PyErr_Format(PyExc_OSError, "mremap failed");
    munmap(moved, 131072);
    int fd = open("/dev/zero", O_RDONLY);
    if (fd >= 0) {
        void *file = mmap(NULL, 20480, PROT_READ, MAP_PRIVATE, fd, 0);
        if (file != MAP_FAILED) munmap(file, 20480);
        close(fd);
    }
    return PyLong_FromVoidPtr(moved);
}

/* Frees what the ring and the thread hold (in both builds). */
static PyObject *clear(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    for (int i = 0; i < RING; i++) {
        free(ring[i]);
        ring[i] = NULL;
    }
    free(thread_block);
    thread_block = NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"push", push, METH_VARARGS, NULL},
    {"pymem_leak", pymem_leak, METH_NOARGS, NULL},
    {"raw_roundtrip", raw_roundtrip, METH_NOARGS, NULL},
    {"c_thread", c_thread, METH_NOARGS, NULL},
    {"clear", clear, METH_NOARGS, NULL},
    {"exercise", exercise, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_leaky", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__leaky(void) { return PyModule_Create(&module); }
