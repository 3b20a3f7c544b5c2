/* The feature flags are internal: this file is compiled with Py_BUILD_CORE,
 * defined before Python.h (3.12's headers declare some functions otherwise
 * with and without it). */
#define Py_BUILD_CORE 1
#include <Python.h>

#include "interp.h"

#if INTERP_COLUMN
#  include "internal/pycore_interp.h"

/* Objects/obmalloc.c has_own_state(): the main interpreter, and any
 * interpreter created without use_main_obmalloc. (CPython also gives a
 * sub-interpreter its own state while the main one is finalizing: a
 * sub-interpreter still alive then is an error CPython reports itself.) */
long long interp_state_id(void) {
#  if PY_VERSION_HEX >= 0x030D0000
    PyThreadState *tstate = PyThreadState_GetUnchecked();
#  else
    PyThreadState *tstate = _PyThreadState_UncheckedGet();
#  endif
    if (tstate == NULL) return 0;
    PyInterpreterState *interp = tstate->interp;
    if (interp == NULL || interp == PyInterpreterState_Main()) return 0;
    if (interp->feature_flags & Py_RTFLAGS_USE_MAIN_OBMALLOC) return 0;
    return (long long)interp->id;
}
#else
long long interp_state_id(void) { return 0; }
#endif
