/* The `stats` and `final` marks with CPython's own statistics beside them.
 *
 *   stats  an atexit callback registered before the program starts, so it
 *          runs after all of the program's own: writes `mark ... stats`, then
 *          calls the real sys._debugmallocstats() with its output (C stderr)
 *          sent to the stats file.
 *   final  after Py_RunMain() has finalized the interpreter: writes
 *          `mark ... final`, then _PyObject_DebugMallocStats() (the pymalloc
 *          part) into the final stats file.
 *
 * _PyObject_DebugMallocStats() prints nothing unless the OBJ allocator is
 * pymalloc itself, so pymalloc is put back for exactly that call; nothing
 * allocates between a mark and its statistics (checked: no wrapped call). */
#ifndef MEMREPLAY_STATS_H
#define MEMREPLAY_STATS_H

/* Register the atexit callback (after Py_InitializeFromConfig). 0 on success. */
int stats_register(const char *stats_path);
/* After Py_RunMain(). Returns 1 when the statistics were written. */
int stats_final(const char *final_path);

/* Outcome, for the status report. */
int stats_taken(void);
/* Wrapped calls seen between a mark and the end of its statistics (should be 0). */
unsigned long long stats_window_calls(void);

#endif
