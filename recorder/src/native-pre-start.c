/* A fixed open-addressing set of addresses (no allocation: it is filled from
 * inside malloc, before anything else is ready). Added to before the
 * recording, on one thread as a rule; taken from by any thread, each slot by
 * compare-and-swap. When full, a block is not remembered: its free is then
 * written, and reads as an untracked free, as before. */
#include "native-pre-start.h"

#define SLOTS 16384 /* a power of two */
#define EMPTY ((uintptr_t)0)
#define GONE ((uintptr_t)1)

static uintptr_t g_slots[SLOTS];
static int g_used; /* slots ever filled: none left free for a probe to end at is full */
static uint64_t g_frees;

static inline uint32_t slot_of(uintptr_t p) {
    return (uint32_t)((p >> 4) * 0x9E3779B97F4A7C15ULL >> 50) & (SLOTS - 1);
}

void pre_start_add(void *block) {
    uintptr_t p = (uintptr_t)block;
    if (p <= GONE || __atomic_load_n(&g_used, __ATOMIC_RELAXED) >= SLOTS * 3 / 4) return;
    for (uint32_t i = slot_of(p), n = 0; n < SLOTS; i = (i + 1) & (SLOTS - 1), n++) {
        uintptr_t v = __atomic_load_n(&g_slots[i], __ATOMIC_RELAXED);
        if (v == GONE && __atomic_compare_exchange_n(&g_slots[i], &v, p, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) return;
        if (v == EMPTY && __atomic_compare_exchange_n(&g_slots[i], &v, p, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
            __atomic_add_fetch(&g_used, 1, __ATOMIC_RELAXED);
            return;
        }
    }
}

int pre_start_take(void *block) {
    uintptr_t p = (uintptr_t)block;
    if (p <= GONE || __atomic_load_n(&g_used, __ATOMIC_RELAXED) == 0) return 0;
    for (uint32_t i = slot_of(p), n = 0; n < SLOTS; i = (i + 1) & (SLOTS - 1), n++) {
        uintptr_t v = __atomic_load_n(&g_slots[i], __ATOMIC_ACQUIRE);
        if (v == EMPTY) return 0;
        if (v == p) return __atomic_compare_exchange_n(&g_slots[i], &v, GONE, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
    }
    return 0;
}

uint64_t pre_start_frees(void) { return __atomic_load_n(&g_frees, __ATOMIC_RELAXED); }
void pre_start_count_free(void) { __atomic_add_fetch(&g_frees, 1, __ATOMIC_RELAXED); }
