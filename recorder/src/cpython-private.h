/* Functions libpython exports (3.8-3.13) whose declarations moved into the
 * internal headers over the versions. Declared here with their signatures. */
#ifndef MEMREPLAY_CPYTHON_PRIVATE_H
#define MEMREPLAY_CPYTHON_PRIVATE_H

#include <Python.h>
#include <stdio.h>

/* Prints the pymalloc part of sys._debugmallocstats(); returns 0 (and
 * prints nothing) unless the OBJ allocator is pymalloc. */
PyAPI_FUNC(int) _PyObject_DebugMallocStats(FILE *out);

#if PY_VERSION_HEX < 0x030C0000
/* Blocks pymalloc has served and not yet freed (3.8-3.11). */
PyAPI_FUNC(Py_ssize_t) _Py_GetAllocatedBlocks(void);
#endif

#endif
