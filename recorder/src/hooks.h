/* The allocator wrappers: PyMem_SetAllocator for OBJ and MEM (and RAW with
 * --raw), PyObject_SetArenaAllocator for pymalloc's arenas. Each wrapper
 * calls the original and writes one record. */
#ifndef MEMREPLAY_HOOKS_H
#define MEMREPLAY_HOOKS_H

#include <Python.h>

/* Install after Py_PreInitialize(), before Py_InitializeFromConfig(). */
void hooks_install(int raw);

/* Put pymalloc itself back as the OBJ allocator, and the wrapper again.
 * _PyObject_DebugMallocStats() prints nothing unless the OBJ allocator is
 * pymalloc, so the statistics are taken between these two calls. */
void hooks_unwrap_obj(void);
void hooks_rewrap_obj(void);

/* Non-zero while this thread is inside a recorded Python allocator call:
 * a C library call made then is part of it (native.c does not write it). */
extern __thread int t_inside;

/* Wrapped calls so far, in the recorded domains (to check that none happens
 * between a mark and its statistics). */
unsigned long long hooks_calls(void);

#endif
