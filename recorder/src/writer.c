#include "writer.h"

#include "clock.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

writer_t g_writer;

/* A write(2) is under way (or about to be), and the process was asked to
 * end: exit status + 1 (0: not asked). Set from a signal handler, read
 * around every flush (once per MiB): sequentially consistent, so that a
 * handler on one thread and a flush on another cannot both miss each other. */
static int g_writing;
static int g_exit_asked;

static void exit_if_asked(void) {
    int asked = __atomic_load_n(&g_exit_asked, __ATOMIC_SEQ_CST);
    if (asked != 0) syscall(SYS_exit_group, asked - 1);
}

void writer_exit_between_writes(int status) {
    __atomic_store_n(&g_exit_asked, status + 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&g_writing, __ATOMIC_SEQ_CST) == 0) syscall(SYS_exit_group, status);
}

void writer_init(int fd) {
    g_writer.fd = fd;
    g_writer.used = 0;
    g_writer.failed = 0;
    g_writer.err = 0;
    g_writer.bytes = 0;
}

void writer_write_begin(void) {
    __atomic_store_n(&g_writing, 1, __ATOMIC_SEQ_CST);
    exit_if_asked();
}

void writer_write_end(void) {
    __atomic_store_n(&g_writing, 0, __ATOMIC_SEQ_CST);
    exit_if_asked();
}

void writer_flush(void) {
    writer_write_begin();
    size_t off = 0;
    while (off < g_writer.used && !g_writer.failed) {
        ssize_t n = write(g_writer.fd, g_writer.buf + off, g_writer.used - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            g_writer.failed = 1;
            g_writer.err = errno;
            break;
        }
        off += (size_t)n;
        g_writer.bytes += (uint64_t)n;
    }
    g_writer.used = 0;
    g_writer.flushes++;
    writer_write_end();
    clock_calibrate();
}

const char WRITER_DIGIT_PAIRS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char *put_hex(char *p, uint64_t v) {
    static const char HEX[] = "0123456789abcdef";
    *p++ = '0';
    *p++ = 'x';
    if (v == 0) {
        *p++ = '0';
        return p;
    }
    int nibbles = (64 - __builtin_clzll(v) + 3) / 4;
    for (int i = nibbles - 1; i >= 0; i--) *p++ = HEX[(v >> (4 * i)) & 0xf];
    return p;
}
