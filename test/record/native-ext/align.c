/* A plain shared library (no Python), loaded with ctypes after start-up:
 * it allocates with posix_memalign. */
#include <stdlib.h>

__attribute__((noinline, noclone)) void *align_block(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 64, n) != 0) return NULL;
    return p;
}

void align_free(void *p) { free(p); }
