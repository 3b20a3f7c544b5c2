/* The trace writer: one fixed buffer, emptied with write(2).
 *
 * It runs inside the allocator hooks, so it must never allocate through
 * Python's allocators (that would change the trace it records) and should not
 * allocate at all: no stdio, no malloc. Lines are formatted in place with the
 * small number formatters below. */
#ifndef MEMREPLAY_WRITER_H
#define MEMREPLAY_WRITER_H

#include <stddef.h>
#include <stdint.h>

/* Large enough for the longest line we ever write (a stack record of 256
 * frames of at most 1,100 bytes each) with room to spare. */
#define WRITER_CAPACITY (1u << 20)

typedef struct {
    int fd;
    size_t used;
    int failed;         /* a write(2) failed: errno in err; nothing more is written */
    int err;
    uint64_t bytes;     /* bytes handed to write(2) so far */
    uint64_t flushes;   /* buffers written so far (native.c refreshes its module map after each) */
    char buf[WRITER_CAPACITY];
} writer_t;

extern writer_t g_writer;

void writer_init(int fd);
/* Write out the buffer (called when it is full and at the end). */
void writer_flush(void);
/* End the process now (exit_group) or, if a write(2) of the trace is under
 * way, right after it: the file then ends with a whole line. What waits in
 * the buffer is lost. Async-signal-safe. */
void writer_exit_between_writes(int status);
/* Around every write(2) of the trace, from any thread (the `.mrt`
 * compressor's too): a request to end the process made meanwhile waits
 * until the write is whole. */
void writer_write_begin(void);
void writer_write_end(void);

/* Room for n more bytes (n <= WRITER_CAPACITY); returns where to write. */
static inline char *writer_reserve(size_t n) {
    if (g_writer.used + n > WRITER_CAPACITY) writer_flush();
    return g_writer.buf + g_writer.used;
}

static inline void writer_commit(const char *end) {
    g_writer.used = (size_t)(end - g_writer.buf);
}

static inline char *put_str(char *p, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = s[i];
    return p + n;
}

#define PUT_LIT(p, lit) put_str((p), (lit), sizeof(lit) - 1)

extern const char WRITER_DIGIT_PAIRS[201];

/* Decimal, written straight into place: the digit count first (from the bit
 * length), then two digits at a time from the end. */
static inline char *put_u64(char *p, uint64_t v) {
    static const uint64_t POW10[20] = {
        1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
        1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
        100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
        1000000000000000000ull, 10000000000000000000ull,
    };
    if (v < 10) {
        *p = (char)('0' + v);
        return p + 1;
    }
    int t = ((64 - __builtin_clzll(v)) * 1233) >> 12; /* log10 estimate: exact or one too many */
    int n = t + 1 - (v < POW10[t]);
    char *q = p + n;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        q -= 2;
        q[0] = WRITER_DIGIT_PAIRS[2 * r];
        q[1] = WRITER_DIGIT_PAIRS[2 * r + 1];
    }
    if (v >= 10) {
        q -= 2;
        q[0] = WRITER_DIGIT_PAIRS[2 * v];
        q[1] = WRITER_DIGIT_PAIRS[2 * v + 1];
    } else {
        *--q = (char)('0' + v);
    }
    return p + n;
}
char *put_hex(char *p, uint64_t v);   /* 0x-prefixed lowercase hex, no leading zeros */

#endif
