#include "record.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "interp.h"
#include "mrt.h"
#include "stacks.h"
#include "text.h"
#include "writer.h"

record_state g_rec = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Labels longer than this are cut (the importer caps lines at 1 MiB). */
#define LABEL_MAX 1024

static const char *const DOMAIN_NAMES[] = {"obj", "mem", "raw", "native"};
static const uint8_t DOMAIN_NAME_LEN[] = {3, 3, 3, 6};

/* gettid() costs a system call: each thread asks once and keeps its id as
 * text, ready to copy. */
static __thread char t_tid[16];
static __thread uint8_t t_tid_len;

static inline char *put_thread(char *p) {
    if (t_tid_len == 0) t_tid_len = (uint8_t)(put_u64(t_tid, (uint64_t)syscall(SYS_gettid)) - t_tid);
    return put_str(p, t_tid, t_tid_len);
}


/* The forked child runs without the recorder: its records would interleave
 * with the parent's in the same file. */
static void after_fork_in_child(void) {
    g_rec.recording = 0;
    g_writer.used = 0;
    g_writer.failed = 1;
    /* Nor does it keep the trace open: a long-lived child would otherwise
     * hold the pipe to the compressor open after the recording ended. */
    close(g_writer.fd);
    mrt_after_fork();
    t_tid_len = 0;
    pthread_mutex_init(&g_rec.lock, NULL);
}

int record_init(int fd, int stacks, int max_frames, int locking, size_t arena_size) {
    writer_init(fd);
    g_rec.stacks = stacks;
    g_rec.locking = locking;
    g_rec.arena_size = arena_size;
    clock_init();
    if (stacks && !stacks_init(max_frames)) return 0;
    pthread_atfork(NULL, NULL, after_fork_in_child);
    return 1;
}

/* ",ts,thread," */
static inline char *put_when(char *p, uint64_t ts) {
    *p++ = ',';
    p = put_u64(p, ts);
    *p++ = ',';
    p = put_thread(p);
    *p++ = ',';
    return p;
}

/* Room for the longest event line: op, three 64-bit numbers, ts, thread, stack id, interp. */
#define EVENT_LINE_MAX 184

/* The line end, after ",interp" when an isolated sub-interpreter's own
 * pymalloc state served the call (3.12+; OBJ and MEM only: RAW and native
 * blocks are the C library's, whatever the interpreter). The main state's
 * lines stay as they are: a missing last field is empty. */
static inline char *put_interp_end(char *p, int domain) {
#if INTERP_COLUMN
    if (domain == DOMAIN_OBJ || domain == DOMAIN_MEM) {
        long long id = interp_state_id();
        if (id > 0) {
            *p++ = ',';
            p = put_u64(p, (uint64_t)id);
        }
    }
#else
    (void)domain;
#endif
    *p++ = '\n';
    return p;
}

/* The interpreter id the `interp` field carries (0: the main one's), as
 * put_interp_end writes it. */
static inline long long interp_of(int domain) {
#if INTERP_COLUMN
    if (domain == DOMAIN_OBJ || domain == DOMAIN_MEM) {
        long long id = interp_state_id();
        return id > 0 ? id : 0;
    }
#else
    (void)domain;
#endif
    return 0;
}

/* "stack,frames,label\n" of an allocation: its stack id, if any. */
static inline char *put_stack_tail(char *p, uint32_t stack, int domain) {
    if (stack != 0) p = put_u64(p, stack);
    p = PUT_LIT(p, ",,");
    return put_interp_end(p, domain);
}

void record_alloc(int calloc_op, int domain, const void *addr, size_t size) {
    /* The stack record (if new) must precede the line that uses it. */
    uint32_t stack = g_rec.stacks ? stacks_capture() : 0;
    g_rec.events++;
    uint64_t ts = clock_ns();
    if (g_mrt_on) {
        mrt_event(calloc_op ? MRT_OP_CALLOC : MRT_OP_ALLOC, domain, (uintptr_t)addr, 0, size, ts, stack, interp_of(domain));
        if (!g_rec.csv_too) return;
    }
    char *p = writer_reserve(EVENT_LINE_MAX);
    p = calloc_op ? PUT_LIT(p, "calloc,") : PUT_LIT(p, "alloc,");
    p = put_hex(p, (uintptr_t)addr);
    *p++ = ',';
    p = put_u64(p, size);
    p = PUT_LIT(p, ",,");
    p = put_str(p, DOMAIN_NAMES[domain], DOMAIN_NAME_LEN[domain]);
    p = put_when(p, ts);
    p = put_stack_tail(p, stack, domain);
    writer_commit(p);
}

void record_realloc(int domain, const void *addr, const void *old, size_t size) {
    uint32_t stack = g_rec.stacks ? stacks_capture() : 0;
    g_rec.events++;
    uint64_t ts = clock_ns();
    if (g_mrt_on) {
        mrt_event(MRT_OP_REALLOC, domain, (uintptr_t)addr, (uintptr_t)old, size, ts, stack, interp_of(domain));
        if (!g_rec.csv_too) return;
    }
    char *p = writer_reserve(EVENT_LINE_MAX);
    p = PUT_LIT(p, "realloc,");
    p = put_hex(p, (uintptr_t)addr);
    *p++ = ',';
    p = put_u64(p, size);
    *p++ = ',';
    p = put_hex(p, (uintptr_t)old);
    *p++ = ',';
    p = put_str(p, DOMAIN_NAMES[domain], DOMAIN_NAME_LEN[domain]);
    p = put_when(p, ts);
    p = put_stack_tail(p, stack, domain);
    writer_commit(p);
}

void record_free(int domain, const void *addr) {
    g_rec.events++;
    uint64_t ts = clock_ns();
    if (g_mrt_on) {
        mrt_event(MRT_OP_FREE, domain, (uintptr_t)addr, 0, MRT_NO_SIZE, ts, 0, interp_of(domain));
        if (!g_rec.csv_too) return;
    }
    char *p = writer_reserve(EVENT_LINE_MAX);
    p = PUT_LIT(p, "free,");
    p = put_hex(p, (uintptr_t)addr);
    p = PUT_LIT(p, ",,,");
    p = put_str(p, DOMAIN_NAMES[domain], DOMAIN_NAME_LEN[domain]);
    p = put_when(p, ts);
    p = PUT_LIT(p, ",,");
    p = put_interp_end(p, domain);
    writer_commit(p);
}

/* Native records: the stack id was interned by the caller (native.c). */
void record_native(const char *op, size_t op_len, const void *addr, size_t size, const void *old, uint32_t stack) {
    char *p = writer_reserve(EVENT_LINE_MAX);
    p = put_str(p, op, op_len);
    *p++ = ',';
    p = put_hex(p, (uintptr_t)addr);
    *p++ = ',';
    if (size != (size_t)-1) p = put_u64(p, size);
    *p++ = ',';
    if (old != NULL) p = put_hex(p, (uintptr_t)old);
    p = PUT_LIT(p, ",native");
    p = put_when(p, clock_ns());
    p = put_stack_tail(p, stack, DOMAIN_NATIVE);
    writer_commit(p);
    g_rec.events++;
}

void record_arena(int alloc_op, const void *addr, size_t size) {
    g_rec.events++;
    uint64_t ts = clock_ns();
    /* Arena calls are recorded only inside an OBJ/MEM call of this thread. */
    if (g_mrt_on) {
        mrt_event(alloc_op ? MRT_OP_ARENA_ALLOC : MRT_OP_ARENA_FREE, DOMAIN_OBJ, (uintptr_t)addr, 0, size, ts, 0, interp_of(DOMAIN_OBJ));
        if (!g_rec.csv_too) return;
    }
    char *p = writer_reserve(EVENT_LINE_MAX);
    p = alloc_op ? PUT_LIT(p, "arena_alloc,") : PUT_LIT(p, "arena_free,");
    p = put_hex(p, (uintptr_t)addr);
    *p++ = ',';
    p = put_u64(p, size);
    p = PUT_LIT(p, ",,");
    p = put_when(p, ts);
    p = PUT_LIT(p, ",,");
    p = put_interp_end(p, DOMAIN_OBJ);
    writer_commit(p);
}

static void mark_line(PyObject *label_obj, const char *label_c) {
    g_rec.events++;
    uint64_t ts = clock_ns();
    if (g_mrt_on) {
        char label[2 * LABEL_MAX];
        size_t n = label_obj ? text_put(label_obj, label, LABEL_MAX, 0) : text_put_c(label_c, label, LABEL_MAX, 0);
        mrt_mark(label, n, ts, interp_of(DOMAIN_OBJ));
        if (!g_rec.csv_too) return;
    }
    char *p = writer_reserve(EVENT_LINE_MAX + 2 * LABEL_MAX);
    p = PUT_LIT(p, "mark,,,,");
    p = put_when(p, ts);
    p = PUT_LIT(p, ",,\"");
    p += label_obj ? text_put(label_obj, p, LABEL_MAX, 0) : text_put_c(label_c, p, LABEL_MAX, 0);
    p = PUT_LIT(p, "\"");
    p = put_interp_end(p, DOMAIN_OBJ);
    writer_commit(p);
}

void record_mark_str(PyObject *label) { mark_line(label, NULL); }
void record_mark(const char *label) { mark_line(NULL, label); }

void record_flush(void) {
    if (g_mrt_on) mrt_flush();
    if (!g_mrt_on || g_rec.csv_too) writer_flush();
}

void record_raw_line(const char *text) {
    size_t n = strlen(text);
    char *p = writer_reserve(n + 1);
    p = put_str(p, text, n);
    *p++ = '\n';
    writer_commit(p);
}
