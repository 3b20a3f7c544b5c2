/* Which interpreter's pymalloc state serves the calling thread (the trace's
 * `interp` column, docs/trace-format.md). From CPython 3.12 an isolated
 * sub-interpreter (use_main_obmalloc=0) has a state of its own
 * (interp->obmalloc, Objects/obmalloc.c get_state()); every other
 * interpreter, and every earlier version, uses the main one's. */
#ifndef MEMREPLAY_INTERP_H
#define MEMREPLAY_INTERP_H

#include <Python.h>

/* Whether this CPython can have more than one pymalloc state (3.12+). */
#define INTERP_COLUMN (PY_VERSION_HEX >= 0x030C0000)

/* The id of the interpreter whose own pymalloc state the calling thread's
 * OBJ/MEM calls go to; 0 for the main interpreter's state (also without a
 * thread state). */
long long interp_state_id(void);

#endif
