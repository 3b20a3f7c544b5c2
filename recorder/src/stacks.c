#include "stacks.h"

#include <string.h>

#include "frames.h"
#include "mrt.h"
#include "own-memory.h"
#include "stack-trie.h"
#include "record.h"
#include "text.h"
#include "writer.h"

/* Bounds of one frame's text: "function (file:line)". */
#define FUNCTION_MAX 256
#define FILE_MAX 768
#define FRAME_TEXT_MAX (FUNCTION_MAX + FILE_MAX + 16)

/* When the frame cache holds this many entries (stale ones included), it
 * and the code set start over; frame and stack ids stay valid. */
#define FRAME_CACHE_LIMIT (1u << 22)

static int g_max_frames;

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* ---- code set: code address -> generation ------------------------------ */

#define CODE_EMPTY 0
#define CODE_GONE 1

typedef struct {
    uintptr_t code;
    uint32_t gen;
} code_slot;

static code_slot *g_codes;
static size_t g_codes_cap, g_codes_used; /* used counts tombstones too */
static uint32_t g_next_gen = 1;
/* Bumped whenever a cached code address is forgotten: the last-stack shortcut
 * compares addresses, so it must not match across such a change. */
static uint64_t g_code_epoch;

static void codes_alloc(size_t cap) {
    g_codes = own_alloc(cap * sizeof(code_slot));
    g_codes_cap = cap;
    g_codes_used = 0;
}

static void codes_grow(void) {
    code_slot *old = g_codes;
    size_t old_cap = g_codes_cap;
    codes_alloc(old_cap * 2);
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].code <= CODE_GONE) continue;
        size_t j = mix64(old[i].code) & (g_codes_cap - 1);
        while (g_codes[j].code != CODE_EMPTY) j = (j + 1) & (g_codes_cap - 1);
        g_codes[j] = old[i];
        g_codes_used++;
    }
    own_free(old, old_cap * sizeof(code_slot));
}

static uint32_t code_gen(PyObject *code) {
    uintptr_t key = (uintptr_t)code;
    size_t mask = g_codes_cap - 1, j = mix64(key) & mask;
    while (g_codes[j].code != CODE_EMPTY) {
        if (g_codes[j].code == key) return g_codes[j].gen;
        j = (j + 1) & mask;
    }
    if ((g_codes_used + 1) * 2 > g_codes_cap) {
        codes_grow();
        return code_gen(code);
    }
    g_codes[j].code = key;
    g_codes[j].gen = g_next_gen++;
    g_codes_used++;
    return g_codes[j].gen;
}

void stacks_forget_code(const void *block) {
    uintptr_t key = (uintptr_t)block;
    size_t mask = g_codes_cap - 1, j = mix64(key) & mask;
    for (; g_codes[j].code != CODE_EMPTY; j = (j + 1) & mask) {
        if (g_codes[j].code == key) {
            g_codes[j].code = CODE_GONE;
            g_code_epoch++;
            return;
        }
    }
}

/* ---- frame cache: (generation, offset) -> frame id ---------------------- */

typedef struct {
    uint64_t key; /* gen << 32 | where; 0 = empty (generations start at 1) */
    uint32_t id;
} cache_slot;

static cache_slot *g_cache;
static size_t g_cache_cap, g_cache_used;

static void cache_alloc(size_t cap) {
    g_cache = own_alloc(cap * sizeof(cache_slot));
    g_cache_cap = cap;
    g_cache_used = 0;
}

static void cache_insert(uint64_t key, uint32_t id) {
    size_t mask = g_cache_cap - 1, j = mix64(key) & mask;
    while (g_cache[j].key != 0) j = (j + 1) & mask;
    g_cache[j].key = key;
    g_cache[j].id = id;
    g_cache_used++;
}

static void cache_grow(void) {
    cache_slot *old = g_cache;
    size_t old_cap = g_cache_cap;
    cache_alloc(old_cap * 2);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key != 0) cache_insert(old[i].key, old[i].id);
    own_free(old, old_cap * sizeof(cache_slot));
}

/* Start both caches over (they only speed things up). */
static void caches_reset(void) {
    own_free(g_codes, g_codes_cap * sizeof(code_slot));
    own_free(g_cache, g_cache_cap * sizeof(cache_slot));
    codes_alloc(1024);
    cache_alloc(4096);
    g_code_epoch++;
}

/* ---- canonical frames: text -> frame id --------------------------------- */

typedef struct {
    uint64_t hash;
    uint32_t id; /* 0 = empty */
} text_slot;

static char *g_text;            /* all frame texts, CSV-escaped, back to back */
static size_t g_text_len, g_text_cap;
static uint64_t *g_frame_off;   /* by frame id: offset in g_text */
static uint32_t *g_frame_len;
static uint32_t g_frames;       /* frame ids are 1..g_frames */
static size_t g_frames_cap;
static text_slot *g_texts;
static size_t g_texts_cap;

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = mix64(h ^ w);
    }
    uint64_t w = 0;
    memcpy(&w, s + i, n - i);
    return mix64(h ^ w);
}

static void texts_insert(uint64_t hash, uint32_t id) {
    size_t mask = g_texts_cap - 1, j = hash & mask;
    while (g_texts[j].id != 0) j = (j + 1) & mask;
    g_texts[j].hash = hash;
    g_texts[j].id = id;
}

static uint32_t frame_for_text(const char *s, size_t n) {
    uint64_t h = hash_bytes(s, n);
    size_t mask = g_texts_cap - 1, j = h & mask;
    for (; g_texts[j].id != 0; j = (j + 1) & mask) {
        uint32_t id = g_texts[j].id;
        if (g_texts[j].hash == h && g_frame_len[id] == n && memcmp(g_text + g_frame_off[id], s, n) == 0) return id;
    }
    uint32_t id = ++g_frames;
    if (id >= g_frames_cap) {
        g_frame_off = own_realloc(g_frame_off, g_frames_cap * sizeof *g_frame_off, 2 * g_frames_cap * sizeof *g_frame_off);
        g_frame_len = own_realloc(g_frame_len, g_frames_cap * sizeof *g_frame_len, 2 * g_frames_cap * sizeof *g_frame_len);
        g_frames_cap *= 2;
    }
    if (g_text_len + n > g_text_cap) {
        size_t cap = g_text_cap;
        while (g_text_len + n > cap) cap *= 2;
        g_text = own_realloc(g_text, g_text_cap, cap);
        g_text_cap = cap;
    }
    memcpy(g_text + g_text_len, s, n);
    g_frame_off[id] = g_text_len;
    g_frame_len[id] = (uint32_t)n;
    g_text_len += n;
    if ((size_t)g_frames * 2 > g_texts_cap) {
        own_free(g_texts, g_texts_cap * sizeof(text_slot));
        g_texts_cap *= 2;
        g_texts = own_alloc(g_texts_cap * sizeof(text_slot));
        for (uint32_t k = 1; k <= g_frames; k++)
            texts_insert(hash_bytes(g_text + g_frame_off[k], g_frame_len[k]), k);
    } else {
        texts_insert(h, id);
    }
    return id;
}

/* "function (file:line)", escaped for a quoted CSV field. */
static uint32_t frame_from_raw(const raw_frame *f) {
    char buf[FRAME_TEXT_MAX];
    char *p = buf;
    p += text_put(frames_function(f->code), p, FUNCTION_MAX, TEXT_FRAME);
    p = PUT_LIT(p, " (");
    p += text_put(frames_filename(f->code), p, FILE_MAX, TEXT_FRAME);
    *p++ = ':';
    int line = frames_line(f);
    p = put_u64(p, line < 0 ? 0 : (uint64_t)line);
    *p++ = ')';
    return frame_for_text(buf, (size_t)(p - buf));
}

static uint32_t frame_id(const raw_frame *f) {
    uint64_t key = ((uint64_t)code_gen(f->code) << 32) | f->where;
    size_t mask = g_cache_cap - 1, j = mix64(key) & mask;
    for (; g_cache[j].key != 0; j = (j + 1) & mask)
        if (g_cache[j].key == key) return g_cache[j].id;
    uint32_t id = frame_from_raw(f);
    if (g_cache_used >= FRAME_CACHE_LIMIT) {
        caches_reset();
        key = ((uint64_t)code_gen(f->code) << 32) | f->where;
    } else if ((g_cache_used + 1) * 2 > g_cache_cap) {
        cache_grow();
    }
    cache_insert(key, id);
    return id;
}

/* ---- stacks: frame ids -> stack id --------------------------------------- */

typedef struct {
    uint64_t hash;
    uint32_t id; /* 0 = empty */
} stack_slot;

static uint32_t *g_ids;         /* all stacks' frame ids, back to back */
static size_t g_ids_len, g_ids_cap;
static uint64_t *g_stack_off;   /* by stack id */
static uint16_t *g_stack_n;
static uint32_t g_stacks;       /* stack ids are 1..g_stacks */
static size_t g_stacks_cap;
static stack_slot *g_stack_slots;
static size_t g_stack_slots_cap;

static uint64_t hash_ids(const uint32_t *ids, int n) {
    uint64_t h = 0x2545f4914f6cdd1dULL ^ (uint64_t)n;
    for (int i = 0; i < n; i++) h = mix64(h ^ ids[i]) + (uint64_t)i;
    return h;
}

static void stack_slots_insert(uint64_t hash, uint32_t id) {
    size_t mask = g_stack_slots_cap - 1, j = hash & mask;
    while (g_stack_slots[j].id != 0) j = (j + 1) & mask;
    g_stack_slots[j].hash = hash;
    g_stack_slots[j].id = id;
}

/* `stack,,,,,,,ID,"oldest;...;innermost",` */
static void write_stack_record(uint32_t id, const uint32_t *ids, int n) {
    size_t len = 64;
    for (int i = 0; i < n; i++) len += g_frame_len[ids[i]] + 1;
    char *p = writer_reserve(len);
    p = PUT_LIT(p, "stack,,,,,,,");
    p = put_u64(p, id);
    p = PUT_LIT(p, ",\"");
    for (int i = n - 1; i >= 0; i--) {
        p = put_str(p, g_text + g_frame_off[ids[i]], g_frame_len[ids[i]]);
        if (i > 0) *p++ = ';';
    }
    p = PUT_LIT(p, "\",\n");
    writer_commit(p);
}

static uint32_t stack_for_ids(const uint32_t *ids, int n) {
    uint64_t h = hash_ids(ids, n);
    size_t mask = g_stack_slots_cap - 1, j = h & mask;
    for (; g_stack_slots[j].id != 0; j = (j + 1) & mask) {
        uint32_t id = g_stack_slots[j].id;
        if (g_stack_slots[j].hash == h && g_stack_n[id] == n &&
            memcmp(g_ids + g_stack_off[id], ids, (size_t)n * sizeof *ids) == 0)
            return id;
    }
    uint32_t id = ++g_stacks;
    if (id >= g_stacks_cap) {
        g_stack_off = own_realloc(g_stack_off, g_stacks_cap * sizeof *g_stack_off, 2 * g_stacks_cap * sizeof *g_stack_off);
        g_stack_n = own_realloc(g_stack_n, g_stacks_cap * sizeof *g_stack_n, 2 * g_stacks_cap * sizeof *g_stack_n);
        g_stacks_cap *= 2;
    }
    if (g_ids_len + (size_t)n > g_ids_cap) {
        size_t cap = g_ids_cap;
        while (g_ids_len + (size_t)n > cap) cap *= 2;
        g_ids = own_realloc(g_ids, g_ids_cap * sizeof *g_ids, cap * sizeof *g_ids);
        g_ids_cap = cap;
    }
    memcpy(g_ids + g_ids_len, ids, (size_t)n * sizeof *ids);
    g_stack_off[id] = g_ids_len;
    g_stack_n[id] = (uint16_t)n;
    g_ids_len += (size_t)n;
    if ((size_t)g_stacks * 2 > g_stack_slots_cap) {
        own_free(g_stack_slots, g_stack_slots_cap * sizeof(stack_slot));
        g_stack_slots_cap *= 2;
        g_stack_slots = own_alloc(g_stack_slots_cap * sizeof(stack_slot));
        for (uint32_t k = 1; k <= g_stacks; k++)
            stack_slots_insert(hash_ids(g_ids + g_stack_off[k], g_stack_n[k]), k);
    } else {
        stack_slots_insert(h, id);
    }
    if (g_mrt_on) mrt_stack(ids, n);
    if (!g_mrt_on || g_rec.csv_too) write_stack_record(id, ids, n);
    return id;
}

/* ---- capture --------------------------------------------------------------- */

/* The last stack captured: its frames, and the trie node of each of its
 * outer parts (g_last_node[d]: the path of its d + 1 outermost frames). */
static raw_frame g_last[FRAMES_MAX];
static uint32_t g_last_node[FRAMES_MAX];
static int g_last_n = -1;
static uint64_t g_last_epoch;
static uint32_t g_last_id;

static inline int same_frame(const raw_frame *a, const raw_frame *b) { return a->code == b->code && a->where == b->where; }

static inline int same_frames(const raw_frame *a, const raw_frame *b, int n) {
    for (int i = 0; i < n; i++)
        if (!same_frame(&a[i], &b[i])) return 0;
    return 1;
}

int stacks_init(int max_frames) {
    g_max_frames = max_frames < 1 ? 1 : max_frames > FRAMES_MAX ? FRAMES_MAX : max_frames;
    if (!frames_init()) return 0;
    codes_alloc(1024);
    cache_alloc(4096);
    g_text_cap = 1 << 16;
    g_text = own_alloc(g_text_cap);
    g_frames_cap = 1024;
    g_frame_off = own_alloc(g_frames_cap * sizeof *g_frame_off);
    g_frame_len = own_alloc(g_frames_cap * sizeof *g_frame_len);
    g_texts_cap = 2048;
    g_texts = own_alloc(g_texts_cap * sizeof(text_slot));
    g_ids_cap = 1 << 14;
    g_ids = own_alloc(g_ids_cap * sizeof *g_ids);
    g_stacks_cap = 1024;
    g_stack_off = own_alloc(g_stacks_cap * sizeof *g_stack_off);
    g_stack_n = own_alloc(g_stacks_cap * sizeof *g_stack_n);
    g_stack_slots_cap = 2048;
    g_stack_slots = own_alloc(g_stack_slots_cap * sizeof(stack_slot));
    trie_init();
    return 1;
}

/* The stack of a trie node's path of n frames (stack_for_ids: the one
 * native captures find too), kept in the node. */
static uint32_t stack_of_node(uint32_t node, int n) {
    uint32_t ids[FRAMES_MAX];
    uint32_t k = node;
    for (int i = 0; i < n; i++, k = g_trie_parent[k]) ids[i] = g_trie_frame[k];
    return g_trie_stack[node] = stack_for_ids(ids, n);
}

uint32_t stacks_capture(void) {
    PyThreadState *ts = frames_thread_state();
    if (ts == NULL) return 0;
    raw_frame fr[FRAMES_MAX];
    int n = frames_walk(ts, fr, NULL, g_max_frames);
    if (n == 0) return 0;
    uint64_t epoch = g_code_epoch;
    int same_epoch = g_last_epoch == epoch && g_last_n > 0;
    if (n == g_last_n && same_epoch && same_frames(fr, g_last, n)) return g_last_id;
    if (trie_full()) {
        trie_reset();
        same_epoch = 0;
    }
    /* Most allocations in a row share their outer frames and differ in the
     * innermost ones: the outer frames equal to the last stack's, counted
     * from the outer end, are the path to a node known already (a code
     * address means the same code object for as long as the epoch is
     * unchanged). */
    int shared = 0;
    if (same_epoch) {
        int most = n < g_last_n ? n : g_last_n;
        while (shared < most && same_frame(&fr[n - 1 - shared], &g_last[g_last_n - 1 - shared])) shared++;
    }
    uint32_t node = shared > 0 ? g_last_node[shared - 1] : 0;
    for (int d = shared; d < n; d++) {
        const raw_frame *f = &fr[n - 1 - d];
        uint32_t gen = code_gen(f->code);
        uint32_t child = trie_child(node, gen, f->where);
        if (child == 0) {
            uint32_t frame = frame_id(f);
            /* frame_id may have started the code set over: the code then
             * has a new generation, and the edge is keyed by it. */
            child = trie_add(node, g_code_epoch == epoch ? gen : code_gen(f->code), f->where, frame);
        }
        g_last_node[d] = node = child;
    }
    uint32_t id = g_trie_stack[node] != 0 ? g_trie_stack[node] : stack_of_node(node, n);
    /* The caches started over meanwhile (frame_id): frames looked up before
     * are not in the new code set, whose epoch would not move when they are
     * freed. Remember nothing. */
    if (g_code_epoch != epoch) {
        g_last_n = -1;
        return id;
    }
    memcpy(g_last, fr, (size_t)n * sizeof *fr);
    g_last_n = n;
    g_last_epoch = epoch;
    g_last_id = id;
    return id;
}

/* A native stack (innermost return address first) with the thread's Python
 * frames spliced in where it passes through the eval loop, innermost first:
 * each C frame of _PyEval_EvalFrameDefault is replaced by the Python frames
 * that call of the loop runs, down to its entry frame. Python frames older
 * than the last native frame captured (the native stack was cut at
 * --native-frames) go after it, so the Python line that led into C is always
 * there. Each native frame's id is `native_frame`'s (native-names.h). */
uint32_t stacks_capture_native(const uintptr_t *ips, int n_ips, const eval_parts *eval, uint32_t (*native_frame)(uintptr_t ip)) {
    raw_frame fr[FRAMES_MAX];
    uint8_t entry[FRAMES_MAX];
    PyThreadState *ts = frames_own_thread_state();
    int n_py = ts == NULL ? 0 : frames_walk(ts, fr, entry, g_max_frames);
    uint32_t ids[2 * FRAMES_MAX];
    int n = 0, py = 0;
    for (int i = 0; i < n_ips && n < FRAMES_MAX; i++) {
        uintptr_t ip = ips[i];
        if (eval_parts_hold(eval, ip)) {
            /* a return address: it points just past the call */
            while (py < n_py) {
                int last = entry[py];
                ids[n++] = frame_id(&fr[py++]);
                if (last) break;
            }
            continue;
        }
        ids[n++] = native_frame(ip);
    }
    while (py < n_py) ids[n++] = frame_id(&fr[py++]);
    if (n == 0) return 0;
    if (n > FRAMES_MAX) n = FRAMES_MAX; /* the innermost ones (the importer keeps 256) */
    return stack_for_ids(ids, n);
}

uint32_t stacks_frame_for_text(const char *s, size_t n) { return frame_for_text(s, n); }

uint32_t stacks_count(void) { return g_stacks; }
uint32_t stacks_frame_count(void) { return g_frames; }

const char *stacks_frame_text(uint32_t id, uint32_t *len) {
    *len = g_frame_len[id];
    return g_text + g_frame_off[id];
}
