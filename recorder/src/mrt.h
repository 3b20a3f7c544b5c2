/* The binary trace (`.mrt`, docs/trace-format-binary.md, version 2.0),
 * written by the recorder itself: `memreplay record -o NAME.mrt`.
 *
 * Each record goes to the current chunk (mrt-chunks.h) as it comes, a few
 * stores; the compressor thread codes the chunk's events as the format says
 * (mrt-encode.h). Stacks, frames, threads and mark labels are interned here,
 * in the chunk's table, the first time an event uses them. The same records
 * as the CSV writer (record.c) makes, field for field: the reader turns
 * either into the same events.
 *
 * Callers serialize as for record.h (the GIL or record_lock()). Nothing
 * here allocates but through own-memory.h. */
#ifndef MEMREPLAY_MRT_H
#define MEMREPLAY_MRT_H

#include <stddef.h>
#include <stdint.h>

#include "mrt-chunks.h"

/* The format's op codes (flag byte 0, bits 0-2). */
enum { MRT_OP_ALLOC, MRT_OP_CALLOC, MRT_OP_REALLOC, MRT_OP_FREE, MRT_OP_ARENA_ALLOC, MRT_OP_ARENA_FREE, MRT_OP_MARK };

/* No size field (free, mark). */
#define MRT_NO_SIZE UINT64_MAX

/* The recorder writes `.mrt` (set by mrt_start). */
extern int g_mrt_on;

/* One `# key: value` of the CSV preamble, kept for the `M` chunk; before mrt_start. */
void mrt_meta(const char *key, const char *value);
/* Writes the file header and metadata and starts the compressor thread
 * (deflate at `level`, 0 stored). 0 when it cannot (errno set). */
int mrt_start(int fd, int level);
/* The chunk being filled; set when its table grew (its fullness is then
 * checked); this thread's file id + 1 (0: not interned yet). mrt.c's. */
extern mrt_chunk *g_mrt_chunk;
extern int g_mrt_check;
extern __thread uint32_t t_mrt_thread;
/* This thread interned (a table entry): its file id + 1. */
uint32_t mrt_intern_thread(void);
/* Pass the chunk on when it is full. */
void mrt_chunk_check(void);

/* An event of any op but mark, at ts (clock.h): old is the old address of a
 * realloc (0: none), stack the recorder's stack id (0: none), interp the
 * interpreter id (0: the main one's). Stored as it is, inline: this is once
 * per allocation and free, and the coding is the compressor thread's. */
static inline void mrt_event(int op, int domain, uintptr_t addr, uintptr_t old, uint64_t size, uint64_t ts, uint32_t stack, long long interp) {
    uint32_t thread = t_mrt_thread != 0 ? t_mrt_thread : mrt_intern_thread();
    mrt_chunk *c = g_mrt_chunk;
    mrt_raw_event *e = &c->events[c->n_events];
    e->addr = (uint64_t)addr;
    e->old = (uint64_t)old;
    e->size = size;
    e->ts = ts;
    e->interp = interp;
    e->ref = stack;
    e->thread = thread - 1;
    e->op = (uint8_t)op;
    e->domain = (uint8_t)domain;
    if (++c->n_events >= MRT_CHUNK_EVENTS || g_mrt_check) mrt_chunk_check();
}
/* A mark; label is the CSV field's text (quotes doubled), len bytes. */
void mrt_mark(const char *label, size_t len, uint64_t ts, long long interp);
/* A new stack (the recorder's stacks are numbered 1, 2, ... as they are
 * made, and each is told here once, before an event uses it): its frame ids,
 * innermost first. */
void mrt_stack(const uint32_t *frames, int n);
/* Pass the current chunk on now (a mark whose statistics are taken: a
 * run cut short later keeps everything up to it). */
void mrt_flush(void);
/* The last chunk and the end chunk with the count of events. */
void mrt_finish(uint64_t events);
/* In a forked child: nothing more is written. */
void mrt_after_fork(void);

#endif
