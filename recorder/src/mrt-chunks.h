/* The chunks of a binary trace (`.mrt`, docs/trace-format-binary.md) and
 * the thread that compresses and writes them.
 *
 * The program's thread fills one chunk at a time (mrt.c): its events, as
 * they came, and the table entries they are the first to use. A full chunk
 * is handed to the compressor thread, which codes its events (mrt-encode.c),
 * deflates, checksums and writes it, while the program goes on filling the
 * next. MRT_SLOTS chunks
 * exist in all: when every one is full or being written, the program waits
 * (memory stays bounded, and the trace is never behind by more than that).
 *
 * Every buffer is the recorder's own memory (own-memory.h), zlib's included:
 * nothing here moves the program's heap or mappings. */
#ifndef MEMREPLAY_MRT_CHUNKS_H
#define MEMREPLAY_MRT_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

/* A chunk ends at MRT_CHUNK_EVENTS events, or once its table reaches
 * MRT_CHUNK_BYTES (the TypeScript writer's EVENT_CHUNK_BYTES). The events
 * are coded on the compressor thread, so their coded size is not known while
 * the chunk fills: the event bound keeps the coded `E` chunk within what a
 * reader takes (MRT_EVENT_MAX each, 1.5 MiB at most; 4-5 bytes an event is
 * usual, some 75 KiB), and bounds the coder's table of births (mrt-encode.c).
 * 16,384 rather than 65,536: the last chunk is coded and deflated after the
 * program ends, while the launcher waits (startup.py: 4.6 ms against 8.5),
 * and a short run touches a quarter of the memory (2,300 fewer page faults),
 * for 4% fewer compressor instructions and files at most 1.3% larger
 * (callgrind, startup.py and churn.py 30000). */
#define MRT_CHUNK_BYTES (1u << 20)
#define MRT_CHUNK_EVENTS (1u << 14)
/* The most one event adds to its streams: 2 flag bytes, two 10-byte
 * addresses, a size, a time and five references of at most 10 bytes. */
#define MRT_EVENT_MAX 96
/* Room for a table: a chunk's worth, plus the largest entry one event can
 * add on top (a stack of 256 frames of at most 1,040 bytes each). */
#define MRT_TABLE_CAPACITY (2u << 20)
#define MRT_STREAMS 5
/* Chunks in flight: one filling, the rest waiting for or in the compressor. */
#define MRT_SLOTS 4

enum { MRT_FLAGS, MRT_ADDRESSES, MRT_SIZES, MRT_TIMES, MRT_REFS };

/* An event as the program's thread leaves it (mrt.c): a few stores, the
 * coding (mrt-encode.c) is the compressor thread's. */
typedef struct {
    uint64_t addr;
    uint64_t old;    /* a realloc's old address (0: none) */
    uint64_t size;   /* MRT_NO_SIZE: none */
    uint64_t ts;
    int64_t interp;  /* 0: the main interpreter's */
    uint32_t ref;    /* the recorder's stack id (0: none); a mark's label id */
    uint32_t thread; /* the file's thread id */
    uint8_t op;
    uint8_t domain;
} mrt_raw_event;

typedef struct {
    mrt_raw_event *events;
    uint32_t n_events;
    uint8_t *table;
    size_t table_len;
} mrt_chunk;

/* Write the file header and the `M` chunk (payload `meta`, stored), and
 * start the compressor. 0 (errno set) when the thread cannot start. */
int mrt_chunks_start(int fd, const uint8_t *meta, size_t meta_len, int level);
/* The chunk the program fills now (empty). */
mrt_chunk *mrt_chunks_current(void);
/* Hand the current chunk to the compressor and return the next one (empty),
 * waiting while every chunk is in flight. */
mrt_chunk *mrt_chunks_pass(void);
/* Pass the current chunk (if it holds anything), wait until every chunk is
 * written, then write the `Z` chunk with the file's event count. */
void mrt_chunks_finish(uint64_t events);
/* In a forked child: the compressor is not there; never wait for it. */
void mrt_chunks_forget(void);
/* Whether this launcher was built with zlib (MEMREPLAY_NO_ZLIB: without). */
int mrt_chunks_available(void);

#endif
