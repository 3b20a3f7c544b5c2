#include "mrt-chunks.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"
#include "mrt-encode.h"
#include "own-memory.h"
#include "writer.h"

#ifndef MEMREPLAY_NO_ZLIB
#  include <zlib.h>
#endif

/* docs/trace-format-binary.md: the file header and the chunk header. */
static const uint8_t MAGIC[8] = {0x89, 'M', 'R', 'T', '\r', '\n', 0x1a, '\n'};
#define MAJOR_VERSION 2
#define MINOR_VERSION 0
#define CHUNK_HEADER_BYTES 16
#define CODEC_STORED 0
#define CODEC_DEFLATE 1
#define KIND_META 'M'
#define KIND_TABLE 'T'
#define KIND_EVENTS 'E'
#define KIND_END 'Z'

/* The slots are used in turn: the program fills slot `filling`; the
 * compressor writes slot `writing` once `full` counts it. */
static mrt_chunk g_slots[MRT_SLOTS];
static unsigned g_filling, g_writing, g_full;
static int g_forgotten;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_some_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t g_some_free = PTHREAD_COND_INITIALIZER;
static int g_fd;
static int g_level;

#define THREAD_STACK_BYTES (512u << 10)

/* ---- writing -------------------------------------------------------------- */

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* All of iov to the trace, whatever write(2) takes at a time; a failure is
 * kept in g_writer (reported in the launcher's status) and ends writing. */
static void write_all(struct iovec *iov, int n) {
    writer_write_begin();
    while (n > 0 && !g_writer.failed) {
        ssize_t w = writev(g_fd, iov, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            g_writer.failed = 1;
            g_writer.err = errno;
            break;
        }
        g_writer.bytes += (uint64_t)w;
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    writer_write_end();
}

#ifndef MEMREPLAY_NO_ZLIB
static uint32_t crc_of(uint32_t crc, const void *p, size_t n) { return (uint32_t)crc32(crc, p, (uInt)n); }
#else
/* Without zlib nothing is written as `.mrt` (mrt_chunks_available), but the
 * meta chunk is checksummed the same way: a small table-driven CRC-32. */
static uint32_t crc_of(uint32_t crc, const void *p, size_t n) {
    const uint8_t *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= b[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}
#endif

/* A chunk header for `parts` (stored as they are when codec is stored). */
static void header_for(uint8_t *h, int kind, int codec, uint32_t stored, uint32_t decoded, const struct iovec *parts, int n) {
    h[0] = (uint8_t)kind;
    h[1] = (uint8_t)codec;
    h[2] = h[3] = 0;
    put_u32(h + 4, stored);
    put_u32(h + 8, decoded);
    uint32_t crc = crc_of(0, h, 12);
    for (int i = 0; i < n; i++) crc = crc_of(crc, parts[i].iov_base, parts[i].iov_len);
    put_u32(h + 12, crc);
}

/* ---- compressing ------------------------------------------------------------ */

#ifndef MEMREPLAY_NO_ZLIB
/* zlib's own tables (some 300 KiB at level 6) in the recorder's memory: the
 * size goes in front of each block, since zfree is not told it. */
static voidpf own_zalloc(voidpf opaque, uInt items, uInt size) {
    (void)opaque;
    size_t n = (size_t)items * size + 16;
    uint8_t *p = own_alloc(n);
    memcpy(p, &n, sizeof n);
    return p + 16;
}

static void own_zfree(voidpf opaque, voidpf address) {
    (void)opaque;
    uint8_t *p = (uint8_t *)address - 16;
    size_t n;
    memcpy(&n, p, sizeof n);
    own_free(p, n);
}

static z_stream g_z;
static uint8_t *g_out; /* deflate's output for one chunk */
static size_t g_out_cap;

/* Deflate parts[0..n) as one raw stream into g_out; its length, or 0 when
 * it would not be smaller than the input (the chunk is then stored).
 * `plain` marks the parts whose bytes rarely repeat (timestamp deltas:
 * noise in their low bits): they get Huffman coding alone, which costs a
 * third of level 1's search and leaves them 1% larger (measured on the
 * stdlib workload of bench/record-workloads). */
static size_t deflate_parts(const struct iovec *parts, int n, size_t total, unsigned plain) {
    deflateReset(&g_z);
    g_z.next_out = g_out;
    g_z.avail_out = (uInt)(total < g_out_cap ? total : g_out_cap);
    int strategy = Z_DEFAULT_STRATEGY;
    for (int i = 0; i < n; i++) {
        int last = i == n - 1;
        /* deflate() makes no progress on nothing, and says so (Z_BUF_ERROR) */
        if (parts[i].iov_len == 0 && !last) continue;
        int want = (plain >> i) & 1 ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY;
        if (want != strategy) {
            if (deflateParams(&g_z, g_level, want) != Z_OK) return 0;
            strategy = want;
        }
        g_z.next_in = parts[i].iov_base;
        g_z.avail_in = (uInt)parts[i].iov_len;
        int r = deflate(&g_z, last ? Z_FINISH : Z_NO_FLUSH);
        if (last) return r == Z_STREAM_END && g_z.total_out < total ? (size_t)g_z.total_out : 0;
        /* Out of room before the end: not smaller than the input. */
        if (r != Z_OK || g_z.avail_in > 0) return 0;
    }
    return 0;
}
#endif

/* One chunk of `kind` from parts, deflated when that makes it smaller
 * (`plain`: as for deflate_parts). */
static void write_chunk(int kind, struct iovec *parts, int n, unsigned plain) {
    (void)plain; /* without zlib, every chunk is stored */
    size_t total = 0;
    for (int i = 0; i < n; i++) total += parts[i].iov_len;
    uint8_t h[CHUNK_HEADER_BYTES];
    struct iovec out[1 + MRT_STREAMS + 1];
#ifndef MEMREPLAY_NO_ZLIB
    size_t deflated = g_level > 0 && total > 0 ? deflate_parts(parts, n, total, plain) : 0;
    if (deflated > 0) {
        struct iovec body = {g_out, deflated};
        header_for(h, kind, CODEC_DEFLATE, (uint32_t)deflated, (uint32_t)total, &body, 1);
        out[0] = (struct iovec){h, CHUNK_HEADER_BYTES};
        out[1] = body;
        write_all(out, 2);
        return;
    }
#endif
    header_for(h, kind, CODEC_STORED, (uint32_t)total, (uint32_t)total, parts, n);
    out[0] = (struct iovec){h, CHUNK_HEADER_BYTES};
    for (int i = 0; i < n; i++) out[1 + i] = parts[i];
    write_all(out, 1 + n);
}

static size_t put_varint(uint8_t *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* The table the chunk's events need first, then the events, coded: their
 * count, the byte length of each stream, the streams. */
static void write_slot(mrt_chunk *c) {
    if (c->table_len > 0) {
        struct iovec t = {c->table, c->table_len};
        write_chunk(KIND_TABLE, &t, 1, 0);
    }
    if (c->n_events == 0) return;
    const mrt_streams *coded = mrt_encode(c->events, c->n_events);
    uint8_t head[10 * (1 + MRT_STREAMS)];
    size_t h = put_varint(head, c->n_events);
    for (int s = 0; s < MRT_STREAMS; s++) h += put_varint(head + h, coded->len[s]);
    struct iovec parts[1 + MRT_STREAMS];
    parts[0] = (struct iovec){head, h};
    for (int s = 0; s < MRT_STREAMS; s++) parts[1 + s] = (struct iovec){coded->stream[s], coded->len[s]};
    write_chunk(KIND_EVENTS, parts, 1 + MRT_STREAMS, 1u << (1 + MRT_TIMES));
}

static void clear_slot(mrt_chunk *c) {
    c->n_events = 0;
    c->table_len = 0;
}

/* The compressor: each full slot in turn, for as long as the process runs. */
static void *compressor(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&g_lock);
        while (g_full == 0) pthread_cond_wait(&g_some_full, &g_lock);
        mrt_chunk *c = &g_slots[g_writing];
        pthread_mutex_unlock(&g_lock);
        write_slot(c);
        clear_slot(c);
        pthread_mutex_lock(&g_lock);
        g_writing = (g_writing + 1) % MRT_SLOTS;
        g_full--;
        pthread_cond_broadcast(&g_some_free);
        pthread_mutex_unlock(&g_lock);
    }
    return NULL;
}

/* ---- the program's side ------------------------------------------------------ */

int mrt_chunks_available(void) {
#ifndef MEMREPLAY_NO_ZLIB
    return 1;
#else
    return 0;
#endif
}

int mrt_chunks_start(int fd, const uint8_t *meta, size_t meta_len, int level) {
    g_fd = fd;
    g_level = level;
    for (int i = 0; i < MRT_SLOTS; i++) {
        g_slots[i].events = own_alloc(MRT_CHUNK_EVENTS * sizeof(mrt_raw_event));
        g_slots[i].table = own_alloc(MRT_TABLE_CAPACITY);
    }
    mrt_encode_init();
#ifndef MEMREPLAY_NO_ZLIB
    g_z.zalloc = own_zalloc;
    g_z.zfree = own_zfree;
    if (level > 0 && deflateInit2(&g_z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        errno = ENOMEM;
        return 0;
    }
    g_out_cap = MRT_CHUNK_EVENTS * MRT_EVENT_MAX + MRT_TABLE_CAPACITY;
    g_out = own_alloc(g_out_cap);
#endif
    uint8_t file[12];
    memcpy(file, MAGIC, 8);
    file[8] = MAJOR_VERSION;
    file[9] = 0;
    file[10] = MINOR_VERSION;
    file[11] = 0;
    struct iovec head = {file, sizeof file};
    write_all(&head, 1);
    struct iovec m = {(void *)meta, meta_len};
    uint8_t h[CHUNK_HEADER_BYTES];
    header_for(h, KIND_META, CODEC_STORED, (uint32_t)meta_len, (uint32_t)meta_len, &m, 1);
    struct iovec chunk[2] = {{h, CHUNK_HEADER_BYTES}, m};
    write_all(chunk, 2);

    /* The thread's stack is ours too (pthread would map one where the
     * program's next mappings go). */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, own_alloc(THREAD_STACK_BYTES), THREAD_STACK_BYTES);
    pthread_t t;
    int r = pthread_create(&t, &attr, compressor, NULL);
    pthread_attr_destroy(&attr);
    if (r != 0) {
        errno = r;
        return 0;
    }
    return 1;
}

mrt_chunk *mrt_chunks_current(void) { return &g_slots[g_filling]; }

mrt_chunk *mrt_chunks_pass(void) {
    pthread_mutex_lock(&g_lock);
    g_full++;
    g_filling = (g_filling + 1) % MRT_SLOTS;
    pthread_cond_signal(&g_some_full);
    /* The next slot is free once the compressor has written it. */
    while (g_full == MRT_SLOTS) pthread_cond_wait(&g_some_free, &g_lock);
    pthread_mutex_unlock(&g_lock);
    /* As at each flush of the CSV writer (clock.h). */
    clock_calibrate();
    return &g_slots[g_filling];
}

void mrt_chunks_finish(uint64_t events) {
    if (g_forgotten) return;
    mrt_chunk *c = mrt_chunks_current();
    if (c->n_events > 0 || c->table_len > 0) mrt_chunks_pass();
    pthread_mutex_lock(&g_lock);
    while (g_full > 0) pthread_cond_wait(&g_some_free, &g_lock);
    pthread_mutex_unlock(&g_lock);
    uint8_t count[10];
    struct iovec z = {count, put_varint(count, events)};
    uint8_t h[CHUNK_HEADER_BYTES];
    header_for(h, KIND_END, CODEC_STORED, (uint32_t)z.iov_len, (uint32_t)z.iov_len, &z, 1);
    struct iovec chunk[2] = {{h, CHUNK_HEADER_BYTES}, z};
    write_all(chunk, 2);
}

void mrt_chunks_forget(void) {
    g_forgotten = 1;
    /* Nor does a child keep the trace open (as record.c's fork handler). */
    if (g_fd != g_writer.fd) close(g_fd);
}
