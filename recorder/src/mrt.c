#include "mrt.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mrt-chunks.h"
#include "own-memory.h"
#include "stacks.h"

int g_mrt_on;

/* docs/trace-format-binary.md: table entries. */
#define ENTRY_FRAME 1
#define ENTRY_STACK 2
#define ENTRY_THREAD_NUMBER 3
#define ENTRY_LABEL 5
#define ENTRY_LABELS_RESET 6
/* The label table starts again past this many labels or characters (as the
 * TypeScript writer does), so no reader holds every label of a program
 * that names each mark differently. */
#define LABEL_RESET_ENTRIES 65536
#define LABEL_RESET_BYTES (16u << 20)
/* The `M` chunk's payload: the recorder's preamble is a few hundred bytes. */
#define META_CAPACITY (16u << 10)

/* ---- the current chunk ------------------------------------------------------------ */

mrt_chunk *g_mrt_chunk;
int g_mrt_check;

static void table_u8(uint8_t b) {
    g_mrt_chunk->table[g_mrt_chunk->table_len++] = b;
    g_mrt_check = 1;
}

static void table_varint(uint64_t v) {
    while (v >= 0x80) {
        table_u8((uint8_t)(v | 0x80));
        v >>= 7;
    }
    table_u8((uint8_t)v);
}

/* Text as the recorder keeps it for CSV (a quoted field: `"` doubled),
 * written as the format's text (a length, then the bytes as they are). */
static void table_csv_text(const char *s, size_t n) {
    size_t quotes = 0;
    for (size_t i = 0; i < n; i++) quotes += s[i] == '"';
    table_varint(n - quotes / 2);
    uint8_t *p = g_mrt_chunk->table + g_mrt_chunk->table_len;
    for (size_t i = 0; i < n; i++) {
        *p++ = (uint8_t)s[i];
        if (s[i] == '"') i++; /* the quote's double */
    }
    g_mrt_chunk->table_len = (size_t)(p - g_mrt_chunk->table);
    g_mrt_check = 1;
}

/* ---- tables ------------------------------------------------------------------------- */

/* File frame id + 1 by the recorder's frame id (0: not written yet). */
static uint32_t *g_frame_ids;
static size_t g_frame_ids_cap;
static uint32_t g_frames_written, g_stacks_written;
static uint32_t g_labels, g_label_bytes;

void mrt_stack(const uint32_t *frames, int n) {
    uint32_t most = 0;
    for (int i = 0; i < n; i++) most = frames[i] > most ? frames[i] : most;
    if (most >= g_frame_ids_cap) {
        size_t cap = g_frame_ids_cap;
        while (most >= cap) cap *= 2;
        g_frame_ids = own_realloc(g_frame_ids, g_frame_ids_cap * sizeof *g_frame_ids, cap * sizeof *g_frame_ids);
        g_frame_ids_cap = cap;
    }
    /* oldest frame first, as the format lists them */
    for (int i = n - 1; i >= 0; i--) {
        uint32_t f = frames[i];
        if (g_frame_ids[f] != 0) continue;
        uint32_t len;
        const char *text = stacks_frame_text(f, &len);
        table_u8(ENTRY_FRAME);
        table_csv_text(text, len);
        g_frame_ids[f] = ++g_frames_written;
    }
    table_u8(ENTRY_STACK);
    table_varint((uint64_t)n);
    for (int i = n - 1; i >= 0; i--) table_varint(g_frame_ids[frames[i]] - 1);
    g_stacks_written++;
}

/* Threads: the Linux thread id, each interned once (a thread id the kernel
 * gives again later is the same thread to the CSV reader too). */
typedef struct {
    int32_t tid;
    uint32_t id; /* file id + 1; 0: empty */
} thread_slot;
static thread_slot *g_threads;
static uint32_t g_threads_cap = 1024, g_thread_count;
__thread uint32_t t_mrt_thread;

static uint32_t thread_insert(int32_t tid, uint32_t id) {
    uint32_t j = (uint32_t)(((uint64_t)(uint32_t)tid * 0x9e3779b97f4a7c15ULL) >> 32) & (g_threads_cap - 1);
    while (g_threads[j].id != 0 && g_threads[j].tid != tid) j = (j + 1) & (g_threads_cap - 1);
    if (g_threads[j].id == 0) {
        g_threads[j].tid = tid;
        g_threads[j].id = id;
    }
    return g_threads[j].id;
}

static uint32_t new_thread_id(void) {
    int32_t tid = (int32_t)syscall(SYS_gettid);
    if ((g_thread_count + 1) * 2 > g_threads_cap) {
        thread_slot *old = g_threads;
        uint32_t old_cap = g_threads_cap;
        g_threads_cap *= 2;
        g_threads = own_alloc(g_threads_cap * sizeof *g_threads);
        for (uint32_t i = 0; i < old_cap; i++)
            if (old[i].id != 0) thread_insert(old[i].tid, old[i].id);
        own_free(old, old_cap * sizeof *old);
    }
    uint32_t id = thread_insert(tid, g_thread_count + 1);
    if (id == g_thread_count + 1) {
        g_thread_count++;
        char digits[16];
        int n = 0;
        uint32_t v = (uint32_t)tid;
        do digits[n++] = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        table_u8(ENTRY_THREAD_NUMBER);
        table_varint((uint64_t)n);
        while (n > 0) table_u8((uint8_t)digits[--n]);
    }
    return id;
}

/* ---- events ----------------------------------------------------------------------------- */

/* A chunk is full: hand it over (its events are coded there) and start the
 * next. Labels start again here when there are many. */
static void end_chunk(void) {
    g_mrt_chunk = mrt_chunks_pass();
    if (g_labels >= LABEL_RESET_ENTRIES || g_label_bytes >= LABEL_RESET_BYTES) {
        table_u8(ENTRY_LABELS_RESET);
        g_labels = 0;
        g_label_bytes = 0;
    }
}

void mrt_chunk_check(void) {
    g_mrt_check = 0;
    if (g_mrt_chunk->n_events >= MRT_CHUNK_EVENTS || g_mrt_chunk->table_len >= MRT_CHUNK_BYTES) end_chunk();
}

static inline void maybe_end_chunk(void) {
    if (++g_mrt_chunk->n_events >= MRT_CHUNK_EVENTS || g_mrt_check) mrt_chunk_check();
}

uint32_t mrt_intern_thread(void) { return t_mrt_thread = new_thread_id(); }

void mrt_mark(const char *label, size_t len, uint64_t ts, long long interp) {
    uint32_t thread = (t_mrt_thread != 0 ? t_mrt_thread : mrt_intern_thread()) - 1;
    /* Each mark's label is an entry of its own: marks are few, and a
     * reset bounds the table. */
    table_u8(ENTRY_LABEL);
    size_t before = g_mrt_chunk->table_len;
    table_csv_text(label, len);
    g_label_bytes += (uint32_t)(g_mrt_chunk->table_len - before);
    mrt_raw_event *e = &g_mrt_chunk->events[g_mrt_chunk->n_events];
    e->addr = e->old = 0;
    e->size = MRT_NO_SIZE;
    e->ts = ts;
    e->interp = interp;
    e->ref = g_labels++;
    e->thread = thread;
    e->op = MRT_OP_MARK;
    e->domain = 0;
    maybe_end_chunk();
}

/* ---- start and end ------------------------------------------------------------------------ */

static uint8_t g_meta[META_CAPACITY];
static size_t g_meta_len;
static uint32_t g_meta_count;

static size_t put_text(uint8_t *p, const char *s) {
    size_t n = strlen(s), k = 0;
    uint64_t v = n;
    while (v >= 0x80) {
        p[k++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[k++] = (uint8_t)v;
    memcpy(p + k, s, n);
    return k + n;
}

void mrt_meta(const char *key, const char *value) {
    if (g_meta_len + strlen(key) + strlen(value) + 20 > sizeof g_meta) return; /* the recorder's own lines: never near */
    g_meta_len += put_text(g_meta + g_meta_len, key);
    g_meta_len += put_text(g_meta + g_meta_len, value);
    g_meta_count++;
}

int mrt_start(int fd, int level) {
    /* The count of pairs goes first. */
    uint8_t payload[META_CAPACITY + 10];
    size_t n = 0;
    uint64_t v = g_meta_count;
    while (v >= 0x80) {
        payload[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    payload[n++] = (uint8_t)v;
    memcpy(payload + n, g_meta, g_meta_len);
    g_threads = own_alloc(g_threads_cap * sizeof *g_threads);
    g_frame_ids_cap = 1024;
    g_frame_ids = own_alloc(g_frame_ids_cap * sizeof *g_frame_ids);
    if (!mrt_chunks_start(fd, payload, n + g_meta_len, level)) return 0;
    g_mrt_chunk = mrt_chunks_current();
    g_mrt_on = 1;
    return 1;
}

void mrt_flush(void) {
    if (!g_mrt_on) return;
    if (g_mrt_chunk->n_events > 0 || g_mrt_chunk->table_len > 0) end_chunk();
}

void mrt_finish(uint64_t events) {
    if (!g_mrt_on) return;
    g_mrt_on = 0;
    mrt_chunks_finish(events);
}

void mrt_after_fork(void) {
    g_mrt_on = 0;
    mrt_chunks_forget();
    t_mrt_thread = 0;
}
