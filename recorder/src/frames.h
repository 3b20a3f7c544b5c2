/* Reading the Python call stack of the current thread the way tracemalloc
 * does: straight from the thread state, without creating frame objects or
 * anything else (sys._getframe() would allocate a frame object in 3.11+).
 *
 *   3.8-3.10  tstate->frame, a chain of PyFrameObject (f_back, f_code, f_lasti)
 *   3.11-3.12 tstate->cframe->current_frame, a chain of _PyInterpreterFrame
 *   3.13      tstate->current_frame
 *
 * In 3.11+ frames still being set up ("incomplete") and the C-stack shim
 * frames are skipped, as tracemalloc and tracebacks skip them. The layout of
 * the 3.11+ frames is only in CPython's internal headers, so frames.c is the
 * one file compiled with Py_BUILD_CORE. */
#ifndef MEMREPLAY_FRAMES_H
#define MEMREPLAY_FRAMES_H

#include <Python.h>
#include <stdint.h>

/* At most this many frames are captured (the importer keeps 256). */
#define FRAMES_MAX 256

typedef struct {
    PyObject *code;  /* the frame's code object (borrowed: only valid now) */
    uint32_t where;  /* instruction offset + 1, or LINE_KNOWN | line when tracing set the line */
} raw_frame;

#define LINE_KNOWN 0x80000000u

/* The current thread's state when this thread may read its frames (it holds
 * the GIL, or it is the thread the state belongs to), else NULL. */
PyThreadState *frames_thread_state(void);

/* The same, or else the state this thread left when it released the GIL
 * (Py_BEGIN_ALLOW_THREADS: ctypes, zlib, sqlite3 around their C work), for
 * native calls: while the thread runs C code its own Python frames cannot
 * change, so they can be read without the GIL. */
PyThreadState *frames_own_thread_state(void);

/* Innermost first; at most max frames. With `entry` (else NULL), entry[i]
 * is 1 when frame i is the first (outermost) Python frame run by its C call
 * of the eval loop (_PyEval_EvalFrameDefault): where a native stack passes
 * through that C frame, frames up to this one are spliced in. The oldest
 * frame returned is always marked. */
int frames_walk(PyThreadState *tstate, raw_frame *out, uint8_t *entry, int max);

/* The line of a frame captured by frames_walk. */
int frames_line(const raw_frame *f);

PyObject *frames_filename(PyObject *code);
/* co_qualname in 3.11+ (Class.method), co_name before. */
PyObject *frames_function(PyObject *code);

/* The code object held by a block about to be freed, or NULL: the cache of
 * code object -> lines must forget it (its address may be reused). Inline:
 * every free of the OBJ domain asks. Every block is at least 16 bytes
 * (pymalloc's smallest class; the C library's smallest chunk holds 24), so
 * ob_type can be read. */
static inline PyObject *frames_code_in_block(const void *block) {
    PyObject *o = (PyObject *)block;
    return o->ob_type == &PyCode_Type ? o : NULL;
}
/* 0 when this interpreter's code objects cannot be recognised that way. */
int frames_init(void);

#endif
