/* See frames.h. Checked against CPython's Python/tracemalloc.c of each
 * version (traceback_get_frames, tracemalloc_get_frame). */
#include <Python.h>

#if PY_VERSION_HEX >= 0x030B0000
/* The 3.11+ frame layout is internal. Python.h above was read without
 * Py_BUILD_CORE; the internal headers only need it defined for themselves. */
#  define Py_BUILD_CORE 1
#  include "internal/pycore_frame.h"
#else
#  include <frameobject.h>
#endif

#include "frames.h"

int frames_init(void) {
    /* Code objects are not GC-tracked in 3.8-3.13: a code object's block
     * starts with its PyObject header. (Were it tracked, the header would sit
     * after the GC header, past the end of the smallest blocks.) */
    return (PyCode_Type.tp_flags & Py_TPFLAGS_HAVE_GC) == 0;
}

/* PyThread_get_thread_ident() is a call per allocation, and a thread's
 * ident never changes (a forked child's one thread keeps its parent's). */
static __thread unsigned long t_ident;

static inline unsigned long own_ident(void) {
    if (t_ident == 0) t_ident = PyThread_get_thread_ident();
    return t_ident;
}

PyThreadState *frames_thread_state(void) {
#if PY_VERSION_HEX >= 0x030D0000
    PyThreadState *ts = PyThreadState_GetUnchecked();
#else
    PyThreadState *ts = _PyThreadState_UncheckedGet();
#endif
    /* Before 3.12 this is the state of the thread holding the GIL, which may
     * be another thread when a RAW call comes from a thread without it. */
    if (ts == NULL || ts->thread_id != own_ident()) return NULL;
    return ts;
}

PyThreadState *frames_own_thread_state(void) {
    PyThreadState *ts = frames_thread_state();
    if (ts != NULL) return ts;
    /* The state this thread had when it released the GIL (NULL before the
     * runtime is initialized and after the thread state is deleted). */
    ts = PyGILState_GetThisThreadState();
    if (ts == NULL || ts->thread_id != PyThread_get_thread_ident()) return NULL;
    return ts;
}

#if PY_VERSION_HEX >= 0x030B0000

static inline PyCodeObject *code_of(_PyInterpreterFrame *f) {
#  if PY_VERSION_HEX >= 0x030D0000
    return (PyCodeObject *)f->f_executable;
#  else
    return f->f_code;
#  endif
}

/* Frames tracemalloc and tracebacks skip: the C-stack shims (3.12+) and
 * frames whose code has not reached its first traceable instruction. */
static inline int skipped(_PyInterpreterFrame *f) {
#  if PY_VERSION_HEX >= 0x030C0000
    if (f->owner == FRAME_OWNED_BY_CSTACK) return 1;
#  endif
#  if PY_VERSION_HEX >= 0x030D0000
    if (f->f_executable == NULL || !PyCode_Check(f->f_executable)) return 1;
#  endif
    return _PyFrame_IsIncomplete(f);
}

/* Inlined twice (frames_walk): with no `entry`, the loop tests nothing of it. */
static inline __attribute__((always_inline)) int walk(PyThreadState *ts, raw_frame *out, uint8_t *entry, int max) {
#  if PY_VERSION_HEX >= 0x030D0000
    _PyInterpreterFrame *f = ts->current_frame;
#  else
    if (ts->cframe == NULL) return 0;
    _PyInterpreterFrame *f = ts->cframe->current_frame;
#  endif
    int n = 0;
    for (; f != NULL && n < max; f = f->previous) {
#  if PY_VERSION_HEX >= 0x030C0000
        /* 3.12+: each C call of the eval loop pushes a shim frame below the
         * first Python frame it runs. */
        if (f->owner == FRAME_OWNED_BY_CSTACK && entry != NULL && n > 0) entry[n - 1] = 1;
#  endif
        if (skipped(f)) continue;
        out[n].code = (PyObject *)code_of(f);
        out[n].where = (uint32_t)(_PyInterpreterFrame_LASTI(f) + 1);
        if (entry != NULL) {
#  if PY_VERSION_HEX >= 0x030C0000
            entry[n] = 0;
#  else
            entry[n] = f->is_entry;
#  endif
        }
        n++;
    }
    if (entry != NULL && n > 0) entry[n - 1] = 1;
    return n;
}

int frames_walk(PyThreadState *ts, raw_frame *out, uint8_t *entry, int max) {
    return entry == NULL ? walk(ts, out, NULL, max) : walk(ts, out, entry, max);
}

int frames_line(const raw_frame *f) {
    if (f->where & LINE_KNOWN) return (int)(f->where & ~LINE_KNOWN);
    int lasti = (int)f->where - 1;
    return PyCode_Addr2Line((PyCodeObject *)f->code, lasti * (int)sizeof(_Py_CODEUNIT));
}

PyObject *frames_function(PyObject *code) {
    return ((PyCodeObject *)code)->co_qualname;
}

#else /* 3.8 - 3.10 */

int frames_walk(PyThreadState *ts, raw_frame *out, uint8_t *entry, int max) {
    int n = 0;
    for (PyFrameObject *f = ts->frame; f != NULL && n < max; f = f->f_back) {
        if (entry != NULL) entry[n] = 1; /* one C call of the eval loop per frame */
        out[n].code = (PyObject *)f->f_code;
#  if PY_VERSION_HEX >= 0x030A0000
        /* 3.10 keeps f_lineno only while tracing; f_lasti counts code units. */
        out[n].where = f->f_lineno != 0 ? (LINE_KNOWN | (uint32_t)f->f_lineno) : (uint32_t)(f->f_lasti + 1);
#  else
        out[n].where = f->f_trace != NULL ? (LINE_KNOWN | (uint32_t)f->f_lineno) : (uint32_t)(f->f_lasti + 1);
#  endif
        n++;
    }
    return n;
}

int frames_line(const raw_frame *f) {
    if (f->where & LINE_KNOWN) return (int)(f->where & ~LINE_KNOWN);
    int lasti = (int)f->where - 1;
#  if PY_VERSION_HEX >= 0x030A0000
    if (lasti < 0) return ((PyCodeObject *)f->code)->co_firstlineno;
    return PyCode_Addr2Line((PyCodeObject *)f->code, lasti * (int)sizeof(_Py_CODEUNIT));
#  else
    return PyCode_Addr2Line((PyCodeObject *)f->code, lasti);
#  endif
}

PyObject *frames_function(PyObject *code) {
    return ((PyCodeObject *)code)->co_name;
}

#endif

PyObject *frames_filename(PyObject *code) {
    return ((PyCodeObject *)code)->co_filename;
}
