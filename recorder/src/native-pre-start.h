/* Blocks the C library gave out before the recording began (the dynamic
 * loader, library constructors, the interpreter reading its command line):
 * they are in no trace, so their free is not written either. Counted, and
 * said at the end, rather than left as an untracked free the user would have
 * to look into. */
#ifndef MEMREPLAY_NATIVE_PRE_START_H
#define MEMREPLAY_NATIVE_PRE_START_H

#include <stdint.h>

/* Before the recording: `p` was handed out (0 ignored). */
void pre_start_add(void *p);
/* 1 when `p` was handed out before the recording and is taken off (freed,
 * reallocated, or its address handed out again). */
int pre_start_take(void *p);
/* Frees of such blocks during the recording (not written). */
uint64_t pre_start_frees(void);
void pre_start_count_free(void);

#endif
