#include "own-memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Where the first table goes: 0x3f00'0000'0000, about 63 TiB, between the
 * program's heap (just above the executable) and the kernel's mapping area
 * (below the stack, near 128 TiB on x86-64 and arm64). A hint, not MAP_FIXED:
 * if the range is taken the kernel picks another place. */
static uintptr_t g_next = (uintptr_t)0x3f0000000000ULL;

static size_t round_up(size_t n) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (n + page - 1) / page * page;
}

void *own_alloc(size_t size) {
    size_t n = round_up(size ? size : 1);
    void *p = mmap((void *)g_next, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) abort(); /* no memory left: nothing sensible to do inside an allocator hook */
    if ((uintptr_t)p == g_next) g_next += n + (size_t)sysconf(_SC_PAGESIZE); /* a guard page between tables */
    return p;
}

void *own_realloc(void *p, size_t old_size, size_t new_size) {
    void *q = own_alloc(new_size);
    if (p != NULL) {
        memcpy(q, p, old_size < new_size ? old_size : new_size);
        own_free(p, old_size);
    }
    return q;
}

void own_free(void *p, size_t size) {
    if (p != NULL) munmap(p, round_up(size ? size : 1));
}
