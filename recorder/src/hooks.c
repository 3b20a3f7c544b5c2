#include "hooks.h"

#include "frames.h"
#include "record.h"
#include "stacks.h"

/* Ordering (docs/trace-format.md): an arena_alloc caused by a call comes
 * before the call's line, an arena_free after it. Allocation lines are
 * written after the original returns (the arena hook has run by then); free
 * lines before the original runs, so its arena_free follows; realloc lines
 * after, with the arena_free held back until the line is out.
 *
 * Only arena calls made inside a wrapped OBJ/MEM call are pymalloc's: 3.11+
 * also takes the chunks of the frame stack from the arena allocator, from the
 * eval loop, never from inside an allocation. */

typedef struct {
    PyMemAllocatorEx orig;
    int domain;
} wrapped_domain;

static wrapped_domain g_domains[3];
static PyMemAllocatorEx g_wrappers[3];
static PyObjectArenaAllocator g_arena_orig;

/* Set while this thread is inside a wrapped call: a nested call (pymalloc
 * passing a large request to PyMem_RawMalloc under --raw) is part of the
 * outer one and is not recorded, and arena calls are pymalloc's. With
 * --native, the C library calls made inside it are not written either. */
__thread int t_inside;

/* arena_free records held back while a realloc line is not yet written
 * (one call frees at most one arena; a few slots to spare). */
static struct {
    int in_realloc;
    int n;
    void *addr[4];
    size_t size[4];
} g_held;

static unsigned long long g_calls;

unsigned long long hooks_calls(void) { return g_calls; }

#define ORIG(ctx) (&((wrapped_domain *)(ctx))->orig)
#define DOMAIN(ctx) (((wrapped_domain *)(ctx))->domain)

static void *wrap_malloc(void *ctx, size_t size) {
    PyMemAllocatorEx *o = ORIG(ctx);
    if (t_inside || !g_rec.recording) return o->malloc(o->ctx, size);
    record_lock();
    t_inside = 1;
    void *p = o->malloc(o->ctx, size);
    if (p != NULL && g_rec.recording) record_alloc(0, DOMAIN(ctx), p, size);
    g_calls++;
    t_inside = 0;
    record_unlock();
    return p;
}

static void *wrap_calloc(void *ctx, size_t nelem, size_t elsize) {
    PyMemAllocatorEx *o = ORIG(ctx);
    if (t_inside || !g_rec.recording) return o->calloc(o->ctx, nelem, elsize);
    record_lock();
    t_inside = 1;
    void *p = o->calloc(o->ctx, nelem, elsize);
    /* The original checked nelem * elsize for overflow before succeeding. */
    if (p != NULL && g_rec.recording) record_alloc(1, DOMAIN(ctx), p, nelem * elsize);
    g_calls++;
    t_inside = 0;
    record_unlock();
    return p;
}

static void *wrap_realloc(void *ctx, void *old, size_t size) {
    PyMemAllocatorEx *o = ORIG(ctx);
    if (t_inside || !g_rec.recording) return o->realloc(o->ctx, old, size);
    record_lock();
    t_inside = 1;
    g_held.in_realloc = 1;
    void *p = o->realloc(o->ctx, old, size);
    g_held.in_realloc = 0;
    if (p != NULL && g_rec.recording) record_realloc(DOMAIN(ctx), p, old, size);
    for (int i = 0; i < g_held.n; i++) record_arena(0, g_held.addr[i], g_held.size[i]);
    g_held.n = 0;
    g_calls++;
    t_inside = 0;
    record_unlock();
    return p;
}

static void wrap_free(void *ctx, void *ptr) {
    PyMemAllocatorEx *o = ORIG(ctx);
    if (t_inside || !g_rec.recording) {
        o->free(o->ctx, ptr);
        return;
    }
    record_lock();
    t_inside = 1;
    if (g_rec.stacks && ptr != NULL && DOMAIN(ctx) == DOMAIN_OBJ && frames_code_in_block(ptr)) stacks_forget_code(ptr);
    record_free(DOMAIN(ctx), ptr);
    o->free(o->ctx, ptr);
    g_calls++;
    t_inside = 0;
    record_unlock();
}

static void *wrap_arena_alloc(void *ctx, size_t size) {
    (void)ctx;
    void *p = g_arena_orig.alloc(g_arena_orig.ctx, size);
    if (p != NULL && t_inside && size == g_rec.arena_size && g_rec.recording) record_arena(1, p, size);
    return p;
}

static void wrap_arena_free(void *ctx, void *ptr, size_t size) {
    (void)ctx;
    g_arena_orig.free(g_arena_orig.ctx, ptr, size);
    if (!t_inside || size != g_rec.arena_size || !g_rec.recording) return;
    if (g_held.in_realloc && g_held.n < 4) {
        g_held.addr[g_held.n] = ptr;
        g_held.size[g_held.n] = size;
        g_held.n++;
    } else {
        record_arena(0, ptr, size);
    }
}

static void wrap_domain(PyMemAllocatorDomain pydomain, int domain) {
    wrapped_domain *d = &g_domains[domain];
    PyMem_GetAllocator(pydomain, &d->orig);
    d->domain = domain;
    g_wrappers[domain] = (PyMemAllocatorEx){d, wrap_malloc, wrap_calloc, wrap_realloc, wrap_free};
    PyMem_SetAllocator(pydomain, &g_wrappers[domain]);
}

void hooks_install(int raw) {
    if (raw) wrap_domain(PYMEM_DOMAIN_RAW, DOMAIN_RAW);
    wrap_domain(PYMEM_DOMAIN_MEM, DOMAIN_MEM);
    wrap_domain(PYMEM_DOMAIN_OBJ, DOMAIN_OBJ);
    PyObject_GetArenaAllocator(&g_arena_orig);
    PyObjectArenaAllocator wrapper = {NULL, wrap_arena_alloc, wrap_arena_free};
    PyObject_SetArenaAllocator(&wrapper);
}

void hooks_unwrap_obj(void) { PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &g_domains[DOMAIN_OBJ].orig); }

void hooks_rewrap_obj(void) { PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &g_wrappers[DOMAIN_OBJ]); }
