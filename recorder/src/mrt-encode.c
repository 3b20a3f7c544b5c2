#include "mrt-encode.h"

#include "mrt.h"
#include "own-memory.h"

/* docs/trace-format-binary.md: flag bits, address roles. */
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
#define LOW_ADDRESS_LIMIT ((uint64_t)1 << 48)
#define SIZE_GROUPS 65

/* The most one event adds to each stream: 2 flag bytes; two addresses of
 * 10 bytes; a size; a time; a thread, a stack or label id (5 bytes each) and
 * an interpreter id. Within MRT_EVENT_MAX in all. */
static const size_t STREAM_EVENT_MAX[MRT_STREAMS] = {2, 20, 10, 10, 20};
_Static_assert(2 + 20 + 10 + 10 + 20 <= MRT_EVENT_MAX, "MRT_EVENT_MAX bounds an event");
/* The reader takes chunks of up to 16 MiB (src/import/mrt-format.ts MAX_CHUNK_BYTES). */
_Static_assert((uint64_t)MRT_CHUNK_EVENTS * MRT_EVENT_MAX + 64 <= (16u << 20), "a coded chunk is one the reader takes");

static mrt_streams g_out;
/* Where each stream is written next: a pointer bump per field. */
static uint8_t *g_w[MRT_STREAMS];

/* ---- the chunk's delta state --------------------------------------------------- */

static int64_t g_last_new[SIZE_GROUPS]; /* -1: none yet in the chunk */
static uint64_t g_prev_new, g_prev_released, g_prev_arena, g_prev_ts;
static int64_t g_prev_thread, g_prev_stack; /* file ids; -1: none yet */
static uint32_t g_born;                 /* births so far in the chunk */

/* Births of the chunk: address -> birth number, or RELEASED once given
 * back. Open addressing; a slot of an earlier chunk (older gen) is empty,
 * so a new chunk starts with an empty table without clearing it. A chunk
 * has at most MRT_CHUNK_EVENTS births: the table is never half full. */
#define BIRTH_BITS 15
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

/* ---- primitives ------------------------------------------------------------------ */

static inline void varint(int s, uint64_t v) {
    uint8_t *p = g_w[s];
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    g_w[s] = p;
}

static inline uint64_t zigzag(int64_t d) { return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63); }

/* ---- events ------------------------------------------------------------------------ */

/* The second flag byte's thread bits, with its id in the references when given. */
static inline unsigned thread_ref(uint32_t thread, int *given) {
    int64_t id = (int64_t)thread;
    *given = id != g_prev_thread;
    g_prev_thread = id;
    return *given ? REF_GIVEN : REF_SAME;
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

static inline void put_flags(unsigned f0, unsigned f1) {
    uint8_t *flags = g_w[MRT_FLAGS];
    flags[0] = (uint8_t)f0;
    flags[1] = (uint8_t)f1;
    g_w[MRT_FLAGS] = flags + 2;
}

static void mark(const mrt_raw_event *e) {
    int thread_given;
    unsigned f1 = thread_ref(e->thread, &thread_given);
    if (e->interp != 0) f1 |= F1_INTERP;
    put_flags(MRT_OP_MARK | F0_TS, f1);
    put_ts(e->ts);
    if (thread_given) varint(MRT_REFS, e->thread);
    if (e->interp != 0) varint(MRT_REFS, (uint64_t)e->interp);
    varint(MRT_REFS, e->ref);
}

static inline void event(const mrt_raw_event *e) {
    int op = e->op;
    uint64_t addr = e->addr, old = e->old, size = e->size;
    int thread_given;
    unsigned thread_bits = thread_ref(e->thread, &thread_given), f1 = thread_bits;
    unsigned stack_bits = REF_NONE;
    if (e->ref != 0) {
        int64_t id = (int64_t)e->ref - 1;
        stack_bits = id == g_prev_stack ? REF_SAME : REF_GIVEN;
        g_prev_stack = id;
    }
    f1 |= stack_bits << F1_STACK_SHIFT;
    unsigned f0 = (unsigned)op | ((unsigned)e->domain << F0_DOMAIN_SHIFT) | F0_TS;
    if (size != MRT_NO_SIZE) f0 |= F0_SIZE;
    int has_old = op == MRT_OP_REALLOC && old != 0;
    int old_high = has_old && old >= LOW_ADDRESS_LIMIT;
    int addr_high = addr >= LOW_ADDRESS_LIMIT;
    if (has_old) f0 |= F0_OLD_ADDR;
    if (e->interp != 0) f1 |= F1_INTERP;
    if (addr_high) f1 |= F1_ADDR_HIGH;
    if (old_high) f1 |= F1_OLD_ADDR_HIGH;
    put_flags(f0, f1);

    /* A realloc's old address is released first, then its new one is born
     * (coded against the old one). */
    if (has_old) {
        if (old_high) varint(MRT_ADDRESSES, old);
        else released(old);
    }
    if (addr_high) {
        varint(MRT_ADDRESSES, addr);
    } else if (op == MRT_OP_FREE) {
        released(addr);
    } else if (op == MRT_OP_ARENA_ALLOC || op == MRT_OP_ARENA_FREE) {
        varint(MRT_ADDRESSES, zigzag((int64_t)(addr - g_prev_arena)));
        g_prev_arena = addr;
    } else {
        int group = size >= 1 && size <= 512 ? (int)((size - 1) >> 3) : SIZE_GROUPS - 1;
        uint64_t from = has_old && !old_high ? old : g_last_new[group] >= 0 ? (uint64_t)g_last_new[group] : g_prev_new;
        varint(MRT_ADDRESSES, zigzag((int64_t)(addr - from)));
        g_last_new[group] = (int64_t)addr;
        g_prev_new = addr;
        born(addr);
    }
    if (size != MRT_NO_SIZE) varint(MRT_SIZES, size);
    put_ts(e->ts);
    if (thread_given) varint(MRT_REFS, e->thread);
    if (stack_bits == REF_GIVEN) varint(MRT_REFS, (uint64_t)e->ref - 1);
    if (e->interp != 0) varint(MRT_REFS, (uint64_t)e->interp);
}

/* ---- the chunk ---------------------------------------------------------------------- */

void mrt_encode_init(void) {
    g_births = own_alloc(BIRTH_SLOTS * sizeof *g_births);
    for (int s = 0; s < MRT_STREAMS; s++) g_out.stream[s] = own_alloc(MRT_CHUNK_EVENTS * STREAM_EVENT_MAX[s]);
}

const mrt_streams *mrt_encode(const mrt_raw_event *events, uint32_t n) {
    reset_deltas();
    for (int s = 0; s < MRT_STREAMS; s++) g_w[s] = g_out.stream[s];
    for (uint32_t i = 0; i < n; i++) {
        if (events[i].op == MRT_OP_MARK) mark(&events[i]);
        else event(&events[i]);
    }
    for (int s = 0; s < MRT_STREAMS; s++) g_out.len[s] = (size_t)(g_w[s] - g_out.stream[s]);
    return &g_out;
}
