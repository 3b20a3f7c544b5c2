#include "mrt.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mrt-chunks.h"
#include "own-memory.h"
#include "stacks.h"

int g_mrt_on;

/* docs/trace-format-binary.md: flag bits, table entries, address roles. */
#define F0_DOMAIN_SHIFT 3
#define F0_SIZE 0x20
#define F0_TS 0x40
#define F0_OLD_ADDR 0x80
#define REF_NONE 0
#define REF_SAME 1
#define REF_GIVEN 2
#define F1_STACK_SHIFT 2
#define F1_INTERP 0x10
#define F1_ADDR_HIGH 0x40
#define F1_OLD_ADDR_HIGH 0x80
#define ENTRY_FRAME 1
#define ENTRY_STACK 2
#define ENTRY_THREAD_NUMBER 3
#define ENTRY_LABEL 5
#define ENTRY_LABELS_RESET 6
#define LOW_ADDRESS_LIMIT ((uint64_t)1 << 48)
#define SIZE_GROUPS 65
/* The label table starts again past this many labels or characters (as the
 * TypeScript writer does), so no reader holds every label of a program
 * that names each mark differently. */
#define LABEL_RESET_ENTRIES 65536
#define LABEL_RESET_BYTES (16u << 20)
/* The `M` chunk's payload: the recorder's preamble is a few hundred bytes. */
#define META_CAPACITY (16u << 10)

/* ---- the current chunk and its delta state ----------------------------------- */

static mrt_chunk *g_c;
/* Where each stream of the current chunk is written next (its length is
 * taken when the chunk is passed on): a pointer bump per field. */
static uint8_t *g_w[MRT_STREAMS];
/* The chunk's fullness is checked every CHECK_EVERY events (each adds at
 * most MRT_EVENT_MAX bytes: MRT_STREAM_CAPACITY leaves room), and at once
 * after anything goes into the table, whose entries can be large. */
#define CHECK_EVERY 64
_Static_assert(MRT_STREAM_CAPACITY >= MRT_CHUNK_BYTES + CHECK_EVERY * MRT_EVENT_MAX, "room for the events between two checks");
_Static_assert(MRT_CHUNK_EVENTS % CHECK_EVERY == 0, "the event bound falls on a check");
static int g_check_now;
static int64_t g_last_new[SIZE_GROUPS]; /* -1: none yet in the chunk */
static uint64_t g_prev_new, g_prev_released, g_prev_arena, g_prev_ts;
static int64_t g_prev_thread, g_prev_stack; /* file ids; -1: none yet */
static uint32_t g_born;                 /* births so far in the chunk */

/* Births of the chunk: address -> birth number, or RELEASED once given
 * back. Open addressing; a slot of an earlier chunk (older gen) is empty,
 * so a new chunk starts with an empty table without clearing it. A chunk
 * has at most MRT_CHUNK_EVENTS births: the table is never half full. */
#define BIRTH_BITS 19
#define BIRTH_SLOTS (1u << BIRTH_BITS)
_Static_assert(BIRTH_SLOTS >= 2 * MRT_CHUNK_EVENTS, "the births table is never more than half full");
#define RELEASED UINT32_MAX
typedef struct {
    uint64_t addr;
    uint32_t birth;
    uint32_t gen;
} birth_slot;
static birth_slot *g_births;
static uint32_t g_gen = 1;

/* Fibonacci hashing: the product's top bits depend on every bit of the
 * address (its low bits are zero: blocks are 16-byte aligned). */
static inline uint32_t birth_hash(uint64_t a) { return (uint32_t)((a * 0x9e3779b97f4a7c15ULL) >> (64 - BIRTH_BITS)); }

/* The slot of addr in this chunk, or the empty one where it would go. */
static inline birth_slot *birth_find(uint64_t addr) {
    uint32_t j = birth_hash(addr);
    while (g_births[j].gen == g_gen && g_births[j].addr != addr) j = (j + 1) & (BIRTH_SLOTS - 1);
    return &g_births[j];
}

static void reset_deltas(void) {
    for (int i = 0; i < SIZE_GROUPS; i++) g_last_new[i] = -1;
    g_prev_new = g_prev_released = g_prev_arena = g_prev_ts = 0;
    g_prev_thread = g_prev_stack = -1;
    g_born = 0;
    g_gen++;
}

/* ---- primitives ----------------------------------------------------------------- */

static inline void varint(int s, uint64_t v) {
    uint8_t *p = g_w[s];
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    g_w[s] = p;
}

static void start_chunk(mrt_chunk *c) {
    g_c = c;
    for (int s = 0; s < MRT_STREAMS; s++) g_w[s] = c->stream[s] + c->len[s];
}

static void take_lengths(void) {
    for (int s = 0; s < MRT_STREAMS; s++) g_c->len[s] = (size_t)(g_w[s] - g_c->stream[s]);
}

static inline uint64_t zigzag(int64_t d) { return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63); }

static void table_u8(uint8_t b) {
    g_c->table[g_c->table_len++] = b;
    g_check_now = 1;
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
    uint8_t *p = g_c->table + g_c->table_len;
    for (size_t i = 0; i < n; i++) {
        *p++ = (uint8_t)s[i];
        if (s[i] == '"') i++; /* the quote's double */
    }
    g_c->table_len = (size_t)(p - g_c->table);
    g_check_now = 1;
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
static __thread uint32_t t_thread; /* this thread's file id + 1 */

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

/* A chunk is full: hand it over and start the next from zero (a chunk is
 * decoded alone). Labels start again here when there are many. */
static void end_chunk(void) {
    take_lengths();
    start_chunk(mrt_chunks_pass());
    reset_deltas();
    if (g_labels >= LABEL_RESET_ENTRIES || g_label_bytes >= LABEL_RESET_BYTES) {
        table_u8(ENTRY_LABELS_RESET);
        g_labels = 0;
        g_label_bytes = 0;
    }
}

static inline void maybe_end_chunk(void) {
    mrt_chunk *c = g_c;
    if (++c->events % CHECK_EVERY != 0 && !g_check_now) return;
    g_check_now = 0;
    size_t used = c->table_len;
    for (int s = 0; s < MRT_STREAMS; s++) used += (size_t)(g_w[s] - c->stream[s]);
    if (c->events >= MRT_CHUNK_EVENTS || used >= MRT_CHUNK_BYTES) end_chunk();
}

/* The second flag byte's thread bits, with its id in the references when given. */
static inline unsigned thread_ref(uint32_t *given) {
    if (t_thread == 0) t_thread = new_thread_id();
    int64_t id = (int64_t)t_thread - 1;
    if (id == g_prev_thread) return REF_SAME;
    g_prev_thread = id;
    *given = (uint32_t)id;
    return REF_GIVEN;
}

/* A released address: a reference back to its birth in this chunk (even
 * code), else the delta from the last address coded so (odd code). */
static inline void released(uint64_t addr) {
    birth_slot *b = birth_find(addr);
    if (b->gen == g_gen && b->birth != RELEASED) {
        varint(MRT_ADDRESSES, 2 * (uint64_t)(g_born - 1 - b->birth));
        b->birth = RELEASED;
        return;
    }
    varint(MRT_ADDRESSES, 2 * zigzag((int64_t)(addr - g_prev_released)) + 1);
    g_prev_released = addr;
}

static inline void born(uint64_t addr) {
    birth_slot *b = birth_find(addr);
    b->addr = addr;
    b->gen = g_gen;
    b->birth = g_born++;
}

static inline void put_ts(uint64_t ts) {
    varint(MRT_TIMES, zigzag((int64_t)(ts - g_prev_ts)));
    g_prev_ts = ts;
}

void mrt_event(int op, int domain, uintptr_t addr, uintptr_t old, uint64_t size, uint64_t ts, uint32_t stack, long long interp) {
    uint32_t thread_id = 0;
    unsigned thread_bits = thread_ref(&thread_id), f1 = thread_bits;
    unsigned stack_bits = REF_NONE;
    if (stack != 0) {
        int64_t id = (int64_t)stack - 1;
        stack_bits = id == g_prev_stack ? REF_SAME : REF_GIVEN;
        g_prev_stack = id;
    }
    f1 |= stack_bits << F1_STACK_SHIFT;
    unsigned f0 = (unsigned)op | ((unsigned)domain << F0_DOMAIN_SHIFT) | F0_TS;
    if (size != MRT_NO_SIZE) f0 |= F0_SIZE;
    int has_old = op == MRT_OP_REALLOC && old != 0;
    int old_high = has_old && (uint64_t)old >= LOW_ADDRESS_LIMIT;
    int addr_high = (uint64_t)addr >= LOW_ADDRESS_LIMIT;
    if (has_old) f0 |= F0_OLD_ADDR;
    if (interp != 0) f1 |= F1_INTERP;
    if (addr_high) f1 |= F1_ADDR_HIGH;
    if (old_high) f1 |= F1_OLD_ADDR_HIGH;
    uint8_t *flags = g_w[MRT_FLAGS];
    flags[0] = (uint8_t)f0;
    flags[1] = (uint8_t)f1;
    g_w[MRT_FLAGS] = flags + 2;

    /* A realloc's old address is released first, then its new one is born
     * (coded against the old one). */
    if (has_old) {
        if (old_high) varint(MRT_ADDRESSES, (uint64_t)old);
        else released((uint64_t)old);
    }
    if (addr_high) {
        varint(MRT_ADDRESSES, (uint64_t)addr);
    } else if (op == MRT_OP_FREE) {
        released((uint64_t)addr);
    } else if (op == MRT_OP_ARENA_ALLOC || op == MRT_OP_ARENA_FREE) {
        varint(MRT_ADDRESSES, zigzag((int64_t)((uint64_t)addr - g_prev_arena)));
        g_prev_arena = (uint64_t)addr;
    } else {
        int group = size >= 1 && size <= 512 ? (int)((size - 1) >> 3) : SIZE_GROUPS - 1;
        uint64_t from = has_old && !old_high ? (uint64_t)old : g_last_new[group] >= 0 ? (uint64_t)g_last_new[group] : g_prev_new;
        varint(MRT_ADDRESSES, zigzag((int64_t)((uint64_t)addr - from)));
        g_last_new[group] = (int64_t)addr;
        g_prev_new = (uint64_t)addr;
        born((uint64_t)addr);
    }
    if (size != MRT_NO_SIZE) varint(MRT_SIZES, size);
    put_ts(ts);
    if (thread_bits == REF_GIVEN) varint(MRT_REFS, thread_id);
    if (stack_bits == REF_GIVEN) varint(MRT_REFS, (uint64_t)stack - 1);
    if (interp != 0) varint(MRT_REFS, (uint64_t)interp);
    maybe_end_chunk();
}

void mrt_mark(const char *label, size_t len, uint64_t ts, long long interp) {
    uint32_t thread_id = 0;
    unsigned thread_bits = thread_ref(&thread_id), f1 = thread_bits;
    if (interp != 0) f1 |= F1_INTERP;
    /* Each mark's label is an entry of its own: marks are few, and a
     * reset bounds the table. */
    table_u8(ENTRY_LABEL);
    size_t before = g_c->table_len;
    table_csv_text(label, len);
    g_label_bytes += (uint32_t)(g_c->table_len - before);
    uint32_t label_id = g_labels++;
    uint8_t *flags = g_w[MRT_FLAGS];
    flags[0] = (uint8_t)(MRT_OP_MARK | F0_TS);
    flags[1] = (uint8_t)f1;
    g_w[MRT_FLAGS] = flags + 2;
    put_ts(ts);
    if (thread_bits == REF_GIVEN) varint(MRT_REFS, thread_id);
    if (interp != 0) varint(MRT_REFS, (uint64_t)interp);
    varint(MRT_REFS, label_id);
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
    g_births = own_alloc(BIRTH_SLOTS * sizeof *g_births);
    g_threads = own_alloc(g_threads_cap * sizeof *g_threads);
    g_frame_ids_cap = 1024;
    g_frame_ids = own_alloc(g_frame_ids_cap * sizeof *g_frame_ids);
    if (!mrt_chunks_start(fd, payload, n + g_meta_len, level)) return 0;
    start_chunk(mrt_chunks_current());
    reset_deltas();
    g_mrt_on = 1;
    return 1;
}

void mrt_flush(void) {
    if (!g_mrt_on) return;
    take_lengths();
    if (g_c->events > 0 || g_c->table_len > 0) end_chunk();
}

void mrt_finish(uint64_t events) {
    if (!g_mrt_on) return;
    g_mrt_on = 0;
    take_lengths();
    mrt_chunks_finish(events);
}

void mrt_after_fork(void) {
    g_mrt_on = 0;
    mrt_chunks_forget();
    t_thread = 0;
}
