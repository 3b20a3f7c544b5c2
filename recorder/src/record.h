/* Trace records (one CSV line each) and the state every hook shares.
 *
 * Columns: op,addr,size,old_addr,domain,ts,thread,stack,frames,label, and
 * from 3.12 interp (interp.h; written only when not the main state's)
 * (docs/trace-format.md). `ts` is CLOCK_MONOTONIC nanoseconds since the
 * recorder started, `thread` the Linux thread id (threading.get_native_id()).
 *
 * Callers serialize: the OBJ and MEM hooks run under the GIL; with --raw
 * every hook takes record_lock() first (RAW calls come without the GIL), and
 * from 3.12 too (an isolated sub-interpreter has a GIL of its own). */
#ifndef MEMREPLAY_RECORD_H
#define MEMREPLAY_RECORD_H

#include <Python.h>
#include <pthread.h>
#include <stdint.h>

enum { DOMAIN_OBJ, DOMAIN_MEM, DOMAIN_RAW, DOMAIN_NATIVE };

typedef struct {
    int recording;     /* hooks write records (0 before the header, after the end, in forked children) */
    int stacks;        /* capture Python stacks */
    int locking;       /* --raw: a mutex around every record */
    size_t arena_size; /* pymalloc's arena size for this version */
    uint64_t events;   /* records written (stack records excluded) */
    int csv_too;       /* for the tests: `.mrt` and CSV side by side, the same records in each */
    pthread_mutex_t lock;
} record_state;

extern record_state g_rec;

/* 0 when stacks were asked for and cannot be captured. */
int record_init(int fd, int stacks, int max_frames, int locking, size_t arena_size);

static inline void record_lock(void) {
    if (g_rec.locking) pthread_mutex_lock(&g_rec.lock);
}
static inline void record_unlock(void) {
    if (g_rec.locking) pthread_mutex_unlock(&g_rec.lock);
}

/* alloc / calloc (size = nelem * elsize): the result at addr. */
void record_alloc(int calloc_op, int domain, const void *addr, size_t size);
void record_realloc(int domain, const void *addr, const void *old, size_t size);
void record_free(int domain, const void *addr);
/* A native record (--native): op alloc, calloc, realloc, free, mmap, munmap
 * or mremap; size (size_t)-1 and old NULL leave their fields empty; stack 0
 * none. */
void record_native(const char *op, size_t op_len, const void *addr, size_t size, const void *old, uint32_t stack);
void record_arena(int alloc_op, const void *addr, size_t size);
/* A mark with a label from Python (str) or from C (UTF-8). */
void record_mark_str(PyObject *label);
void record_mark(const char *label);
/* Write out what is recorded so far (the CSV buffer, or the current `.mrt`
 * chunk, handed to its compressor). */
void record_flush(void);
/* Any other line, written as is (the `#` preamble and the header row). */
void record_raw_line(const char *text);

#endif
