#include "stack-trie.h"

#include "own-memory.h"

/* Past this many nodes (some 44 MiB with the edges) the table starts over:
 * paths keyed by generations of code objects long freed would otherwise
 * pile up. Starting over costs a frame lookup per node found again. */
#define TRIE_NODES_LIMIT (1u << 20)

typedef struct {
    uint64_t key; /* parent << 32 | gen; 0 = empty (generations start at 1) */
    uint32_t where;
    uint32_t child;
} edge_slot;

static edge_slot *g_edges;
static size_t g_edges_cap;
uint32_t *g_trie_frame;
uint32_t *g_trie_parent;
uint32_t *g_trie_stack;
static uint32_t g_nodes; /* node ids are 0..g_nodes-1 */
static size_t g_nodes_cap;

static inline uint64_t edge_hash(uint64_t key, uint32_t where) {
    uint64_t x = key ^ ((uint64_t)where * 0x9e3779b97f4a7c15ULL);
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

static void edges_alloc(size_t cap) {
    g_edges = own_alloc(cap * sizeof(edge_slot));
    g_edges_cap = cap;
}

static void edge_insert(uint64_t key, uint32_t where, uint32_t child) {
    size_t mask = g_edges_cap - 1, j = edge_hash(key, where) & mask;
    while (g_edges[j].key != 0) j = (j + 1) & mask;
    g_edges[j].key = key;
    g_edges[j].where = where;
    g_edges[j].child = child;
}

static void nodes_alloc(size_t cap) {
    g_trie_frame = own_alloc(cap * sizeof *g_trie_frame);
    g_trie_parent = own_alloc(cap * sizeof *g_trie_parent);
    g_trie_stack = own_alloc(cap * sizeof *g_trie_stack);
    g_nodes_cap = cap;
    g_nodes = 1; /* the root: the empty path */
}

void trie_init(void) {
    edges_alloc(4096);
    nodes_alloc(2048);
}

void trie_reset(void) {
    own_free(g_edges, g_edges_cap * sizeof(edge_slot));
    own_free(g_trie_frame, g_nodes_cap * sizeof *g_trie_frame);
    own_free(g_trie_parent, g_nodes_cap * sizeof *g_trie_parent);
    own_free(g_trie_stack, g_nodes_cap * sizeof *g_trie_stack);
    trie_init();
}

int trie_full(void) { return g_nodes >= TRIE_NODES_LIMIT; }

uint32_t trie_child(uint32_t parent, uint32_t gen, uint32_t where) {
    uint64_t key = ((uint64_t)parent << 32) | gen;
    size_t mask = g_edges_cap - 1, j = edge_hash(key, where) & mask;
    for (; g_edges[j].key != 0; j = (j + 1) & mask)
        if (g_edges[j].key == key && g_edges[j].where == where) return g_edges[j].child;
    return 0;
}

uint32_t trie_add(uint32_t parent, uint32_t gen, uint32_t where, uint32_t frame_id) {
    if (g_nodes >= g_nodes_cap) {
        size_t cap = g_nodes_cap;
        g_trie_frame = own_realloc(g_trie_frame, cap * sizeof *g_trie_frame, 2 * cap * sizeof *g_trie_frame);
        g_trie_parent = own_realloc(g_trie_parent, cap * sizeof *g_trie_parent, 2 * cap * sizeof *g_trie_parent);
        g_trie_stack = own_realloc(g_trie_stack, cap * sizeof *g_trie_stack, 2 * cap * sizeof *g_trie_stack);
        g_nodes_cap = 2 * cap;
    }
    uint32_t child = g_nodes++;
    g_trie_frame[child] = frame_id;
    g_trie_parent[child] = parent;
    g_trie_stack[child] = 0;
    if ((size_t)g_nodes * 2 > g_edges_cap) {
        edge_slot *old = g_edges;
        size_t old_cap = g_edges_cap;
        edges_alloc(old_cap * 2);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].key != 0) edge_insert(old[i].key, old[i].where, old[i].child);
        own_free(old, old_cap * sizeof(edge_slot));
    }
    edge_insert(((uint64_t)parent << 32) | gen, where, child);
    return child;
}
