/* The `ts` column: CLOCK_MONOTONIC nanoseconds since the recorder started.
 *
 * Every record needs one, and clock_gettime() was a fifth of the recorder's
 * own time (measured with perf on the churn workload). When the kernel itself
 * keeps time with the TSC (clocksource "tsc": invariant and synchronized
 * across CPUs), the TSC is read directly and scaled to nanoseconds. The scale
 * comes from CLOCK_MONOTONIC over the whole run so far: it is taken again
 * each time the writer's buffer is flushed, and until the first flush the
 * real clock is read. Timestamps never go backwards. */
#ifndef MEMREPLAY_CLOCK_H
#define MEMREPLAY_CLOCK_H

#include <stdint.h>
#include <time.h>
#if defined(__x86_64__)
#  include <x86intrin.h>
#endif

typedef struct {
    int use_tsc;          /* the kernel's clocksource is the TSC */
    int scaled;           /* a scale is known: read the TSC */
    uint64_t t0;          /* CLOCK_MONOTONIC at start */
    uint64_t tsc0;        /* TSC at start */
    uint64_t base_ns;     /* the last calibration point */
    uint64_t base_tsc;
    uint64_t mult;        /* nanoseconds per TSC tick, 32.32 fixed point */
    uint64_t last;        /* the last value returned */
} clock_state;

extern clock_state g_clock;

void clock_init(void);
/* Take the TSC scale again (called at each buffer flush). */
void clock_calibrate(void);

static inline uint64_t clock_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds since clock_init(). */
static inline uint64_t clock_ns(void) {
    uint64_t ns;
#if defined(__x86_64__)
    if (g_clock.scaled) {
        uint64_t ticks = __rdtsc() - g_clock.base_tsc;
        ns = g_clock.base_ns + (uint64_t)(((unsigned __int128)ticks * g_clock.mult) >> 32);
    } else
#endif
    {
        ns = clock_monotonic_ns() - g_clock.t0;
    }
    if (ns < g_clock.last) ns = g_clock.last;
    g_clock.last = ns;
    return ns;
}

#endif
