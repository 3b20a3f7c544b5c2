#include "clock.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

clock_state g_clock;

static int kernel_uses_tsc(void) {
#if defined(__x86_64__)
    char buf[32] = {0};
    int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n >= 3 && strncmp(buf, "tsc", 3) == 0 && (buf[3] == '\n' || buf[3] == '\0');
#else
    return 0;
#endif
}

void clock_init(void) {
    memset(&g_clock, 0, sizeof g_clock);
    g_clock.use_tsc = kernel_uses_tsc();
    g_clock.t0 = clock_monotonic_ns();
#if defined(__x86_64__)
    if (g_clock.use_tsc) g_clock.tsc0 = __rdtsc();
#endif
}

void clock_calibrate(void) {
#if defined(__x86_64__)
    if (!g_clock.use_tsc) return;
    uint64_t ns = clock_monotonic_ns() - g_clock.t0;
    uint64_t tsc = __rdtsc();
    uint64_t ticks = tsc - g_clock.tsc0;
    /* Wait for a baseline long enough for a precise scale (1 ms). */
    if (ticks == 0 || ns < 1000000) return;
    g_clock.mult = (uint64_t)(((unsigned __int128)ns << 32) / ticks);
    g_clock.base_ns = ns;
    g_clock.base_tsc = tsc;
    g_clock.scaled = 1;
#endif
}
