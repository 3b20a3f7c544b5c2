#include "stats.h"

#include <Python.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cpython-private.h"
#include "final-tstate.h"
#include "hooks.h"
#include "record.h"
#include "writer.h"

static const char *g_stats_path;
static PyObject *g_debugmallocstats; /* sys._debugmallocstats, looked up in advance */
static int g_taken;
static unsigned long long g_window_calls;

int stats_taken(void) { return g_taken; }
unsigned long long stats_window_calls(void) { return g_window_calls; }

static int open_out(const char *path) {
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

static void write_mark(const char *label) {
    record_lock();
    record_mark(label);
    /* A trace cut short later (a crash, a kill) still has everything up to here. */
    record_flush();
    record_unlock();
}

/* The atexit callback. Calling sys._debugmallocstats through the object
 * looked up at start allocates nothing (a no-argument vectorcall). */
static PyObject *stats_mark(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    if (!g_rec.recording) Py_RETURN_NONE;
    int fd = open_out(g_stats_path);
    if (fd < 0) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, g_stats_path);
        return NULL;
    }
    fflush(stderr);
    int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
    write_mark("stats");
    unsigned long long before = hooks_calls();
    dup2(fd, 2);
    hooks_unwrap_obj();
    PyObject *r = PyObject_CallObject(g_debugmallocstats, NULL);
    hooks_rewrap_obj();
    fflush(stderr);
    dup2(saved, 2);
    g_window_calls += hooks_calls() - before;
    close(saved);
    close(fd);
    if (r == NULL) return NULL;
    Py_DECREF(r);
    g_taken = 1;
    Py_RETURN_NONE;
}

static PyMethodDef stats_mark_def = {"_memreplay_stats_mark", stats_mark, METH_NOARGS, NULL};

int stats_register(const char *stats_path) {
    g_stats_path = stats_path;
    final_tstate_prepare();
    if (stats_path == NULL) return 0;
    g_debugmallocstats = PySys_GetObject("_debugmallocstats"); /* borrowed */
    if (g_debugmallocstats == NULL) return -1;
    Py_INCREF(g_debugmallocstats);
    PyObject *callback = PyCFunction_New(&stats_mark_def, NULL);
    PyObject *atexit = PyImport_ImportModule("atexit");
    PyObject *r = callback && atexit ? PyObject_CallMethod(atexit, "register", "O", callback) : NULL;
    Py_XDECREF(r);
    Py_XDECREF(atexit);
    Py_XDECREF(callback);
    if (r == NULL) {
        PyErr_Print();
        return -1;
    }
    return 0;
}

int stats_final(const char *final_path) {
    if (!g_rec.recording) return 0;
    write_mark("final");
    if (final_path == NULL) return 0;
    int fd = open_out(final_path);
    if (fd < 0) return 0;
    FILE *out = fdopen(fd, "w");
    if (out == NULL) {
        close(fd);
        return 0;
    }
    unsigned long long before = hooks_calls();
    int printed = 0;
    if (final_tstate_enter()) {
        hooks_unwrap_obj();
        printed = _PyObject_DebugMallocStats(out);
        hooks_rewrap_obj();
        final_tstate_leave();
    }
    g_window_calls += hooks_calls() - before;
    if (printed) fputc('\n', out);
    fclose(out);
    return printed;
}
