/* See native.h. Compiled only into the native build (MEMREPLAY_NATIVE).
 *
 * The real functions: glibc exports its allocator under second names
 * (__libc_malloc & co), callable from the first call on, before anything is
 * resolved: no dlsym (which itself allocates, so a bootstrap buffer would be
 * needed) and no window where a call cannot be served. glibc's own large
 * blocks and thread stacks are mapped through its internal mmap, which this
 * one does not replace, so only mappings made by C code calling mmap are
 * seen; the real mmap, munmap and mremap are the system calls themselves.
 *
 * What is not written:
 *   - calls made while this thread is inside a recorded Python allocator call
 *     (hooks.h t_inside: pymalloc's fallback to the C library, the arena
 *     allocator's mappings, PyMem_RawMalloc under --raw): they are part of
 *     a record already, never counted twice;
 *   - the recorder's own calls (t_busy: unwinding, the end of the run);
 *   - calls before the header and after the end, and in forked children
 *     (g_rec.recording);
 *   - free(NULL), file mappings.
 *
 * Order: native calls come from any thread, without the GIL. The native
 * stack is unwound first, outside the writer lock (the unwinder may take the
 * loader's lock, and a thread inside dlopen may be waiting for ours); then
 * the lock is held across the real call and its record, as for RAW, so that
 * a block freed by one thread and reused by another is written in the order
 * it happened. */
#define _GNU_SOURCE 1
#include "native.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>

#include "hooks.h"
#include "native-eval-parts.h"
#include "native-names.h"
#include "native-pre-start.h"
#include "record.h"
#include "stacks.h"
#include "writer.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

#define EXPORT __attribute__((visibility("default")))

static int g_on;          /* native_start() was called */
static int g_max_frames;  /* 0: no native stacks */
/* The eval loop's code (_PyEval_EvalFrameDefault and its out-of-line parts). */
static eval_parts g_eval;

static __thread int t_busy;

void native_pause_thread(int paused) { t_busy = paused; }

static inline int should_record(void) {
    return g_on && g_rec.recording && !t_busy && !t_inside;
}

/* ---- stacks ------------------------------------------------------------- */

/* t_busy is set before unwinding: should the unwinder allocate (libgcc does
 * for objects registered with __register_frame_info), that call is the
 * recorder's, passed through, not unwound again. */

typedef struct {
    int n;
    int skipped;
    uintptr_t caller; /* the interposer's return address; 0 once reached */
    uintptr_t ip[NATIVE_FRAMES_MAX];
} native_stack;

/* The recorder's own frames (the unwinder's, the interposer's) are skipped:
 * the first frame kept is the one the interposer returns to, the function
 * that called malloc. Should it not be among the first few (it always is),
 * nothing is skipped beyond them. */
#define SKIP_MAX 4

static _Unwind_Reason_Code collect(struct _Unwind_Context *ctx, void *arg) {
    native_stack *s = arg;
    uintptr_t ip = (uintptr_t)_Unwind_GetIP(ctx);
    if (ip == 0) return _URC_END_OF_STACK;
    if (s->caller != 0) {
        if (ip != s->caller && s->skipped++ < SKIP_MAX) return _URC_NO_REASON;
        s->caller = 0;
    }
    s->ip[s->n++] = ip;
    return s->n >= g_max_frames ? _URC_END_OF_STACK : _URC_NO_REASON;
}

static void write_new_modules(int wait);
static void forget_unloaded_modules(void);
static uint64_t g_flushes_seen;
static int all_in_written_modules(const native_stack *s);
static void write_modules_if_loaded(void);

static inline void capture_from(native_stack *s, void *caller) {
    /* Once per buffer written, outside the writer lock: objects loaded
     * since are added to the module map, so that a trace cut short (a
     * crash, a kill) names the frames it holds. */
    if (g_writer.flushes != g_flushes_seen) {
        g_flushes_seen = g_writer.flushes;
        write_new_modules(0);
    }
    s->n = 0;
    s->skipped = 0;
    s->caller = (uintptr_t)caller;
    if (g_max_frames > 0) _Unwind_Backtrace(collect, s);
    /* The frames are named by the module map (native-names.h): an object
     * loaded since the map was last sent goes into it now, before the
     * stack that holds its first frame is named. */
    if (!all_in_written_modules(s)) write_modules_if_loaded();
}

/* In an exported function: its own return address marks where the program's
 * frames begin. */
#define capture(s) capture_from((s), __builtin_return_address(0))

/* Under the writer lock: the stack id (its record written if new). */
static inline uint32_t intern(const native_stack *s) {
    if (!g_rec.stacks) return 0;
    native_names_prepare(s->ip, s->n, &g_eval);
    return stacks_capture_native(s->ip, s->n, &g_eval, native_names_frame);
}

/* ---- records -------------------------------------------------------------- */

#define OP(lit) (lit), sizeof(lit) - 1
#define NO_SIZE ((size_t)-1)

/* Preserves errno: the program sees what the real call set. */
#define RECORD(...)                 \
    do {                            \
        int saved_errno_ = errno;   \
        if (g_rec.recording) record_native(__VA_ARGS__); \
        errno = saved_errno_;       \
    } while (0)

/* A block no record is written for: before the recording, remembered (see
 * native-pre-start.h); after, its address is no longer a pre-start block's. */
static inline void *unrecorded(void *p) {
    if (!g_on) pre_start_add(p);
    else pre_start_take(p);
    return p;
}

static void *record_alloc_call(int calloc_op, void *p, size_t size, const native_stack *s) {
    pre_start_take(p); /* the address of a block freed unseen, handed out again */
    if (p != NULL && g_rec.recording) {
        int e = errno;
        uint32_t id = intern(s);
        if (calloc_op) record_native(OP("calloc"), p, size, NULL, id);
        else record_native(OP("alloc"), p, size, NULL, id);
        errno = e;
    }
    return p;
}

EXPORT void *malloc(size_t size) {
    if (!should_record()) return unrecorded(__libc_malloc(size));
    native_stack s;
    t_busy = 1; /* from here on, an allocation is the recorder's */
    capture(&s);
    record_lock();
    void *p = record_alloc_call(0, __libc_malloc(size), size, &s);
    record_unlock();
    t_busy = 0;
    return p;
}

EXPORT void *calloc(size_t nelem, size_t elsize) {
    if (!should_record()) return unrecorded(__libc_calloc(nelem, elsize));
    native_stack s;
    t_busy = 1; /* from here on, an allocation is the recorder's */
    capture(&s);
    record_lock();
    /* The real calloc checked nelem * elsize for overflow before succeeding. */
    void *p = record_alloc_call(1, __libc_calloc(nelem, elsize), nelem * elsize, &s);
    record_unlock();
    t_busy = 0;
    return p;
}

static void *realloc_recorded(void *old, size_t size, const native_stack *s) {
    if (old == NULL) return record_alloc_call(0, __libc_realloc(NULL, size), size, s);
    if (pre_start_take(old)) {
        /* The old block is in no trace: the new one is a new allocation. */
        void *p = __libc_realloc(old, size);
        if (p == NULL && size != 0) pre_start_add(old); /* failed: the old one stays */
        else if (size == 0) pre_start_count_free();
        return record_alloc_call(0, p, size, s);
    }
    if (size == 0) {
        /* glibc frees the block and returns NULL: a free, written before
         * the block can be reused. */
        RECORD(OP("free"), old, NO_SIZE, NULL, 0);
        void *p = __libc_realloc(old, 0);
        return record_alloc_call(0, p, 0, s);
    }
    void *p = __libc_realloc(old, size);
    if (p != NULL && g_rec.recording) {
        int e = errno;
        record_native(OP("realloc"), p, size, old, intern(s));
        errno = e;
    }
    return p;
}

static void *realloc_unrecorded(void *old, size_t size) {
    void *p = __libc_realloc(old, size);
    if (p != NULL || size == 0) pre_start_take(old);
    return p == NULL ? p : unrecorded(p);
}

/* realloc and reallocarray: one shape. A macro, not a function: the stack
 * is captured in the interposer itself, whose caller is the first frame kept. */
#define REALLOCATED(old, size)                                \
    if (!should_record()) return realloc_unrecorded(old, size); \
    native_stack s;                                           \
    t_busy = 1; /* from here on, an allocation is the recorder's */ \
    capture(&s);                                              \
    record_lock();                                            \
    void *p = realloc_recorded(old, size, &s);                \
    record_unlock();                                          \
    t_busy = 0;                                               \
    return p

EXPORT void *realloc(void *old, size_t size) { REALLOCATED(old, size); }

EXPORT void *reallocarray(void *old, size_t nelem, size_t elsize) {
    size_t size;
    if (__builtin_mul_overflow(nelem, elsize, &size)) {
        errno = ENOMEM;
        return NULL;
    }
    REALLOCATED(old, size);
}

EXPORT void free(void *p) {
    if (p == NULL) return;
    if (!should_record()) {
        pre_start_take(p);
        __libc_free(p);
        return;
    }
    t_busy = 1;
    record_lock();
    if (pre_start_take(p)) pre_start_count_free();
    else RECORD(OP("free"), p, NO_SIZE, NULL, 0);
    __libc_free(p);
    record_unlock();
    t_busy = 0;
}

/* memalign, valloc, pvalloc, aligned_alloc, posix_memalign: one shape. */
#define ALIGNED(call, size)                                   \
    if (!should_record()) return unrecorded(call);            \
    native_stack s;                                           \
    t_busy = 1;                                               \
    capture(&s);                                              \
    record_lock();                                            \
    void *p = record_alloc_call(0, call, size, &s);           \
    record_unlock();                                          \
    t_busy = 0;                                               \
    return p

EXPORT void *memalign(size_t align, size_t size) { ALIGNED(__libc_memalign(align, size), size); }
EXPORT void *aligned_alloc(size_t align, size_t size) { ALIGNED(__libc_memalign(align, size), size); }
EXPORT void *valloc(size_t size) { ALIGNED(__libc_valloc(size), size); }
EXPORT void *pvalloc(size_t size) { ALIGNED(__libc_pvalloc(size), size); }

EXPORT int posix_memalign(void **out, size_t align, size_t size) {
    /* glibc's own checks: a power of two, a multiple of sizeof(void *). */
    if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0 || align == 0) return EINVAL;
    int e = errno;
    void *p;
    if (!should_record()) {
        p = unrecorded(__libc_memalign(align, size));
    } else {
        native_stack s;
        t_busy = 1;
        capture(&s);
        record_lock();
        p = record_alloc_call(0, __libc_memalign(align, size), size, &s);
        record_unlock();
        t_busy = 0;
    }
    errno = e; /* posix_memalign reports through its result, never errno */
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}

/* ---- mappings ---------------------------------------------------------------- */

static inline void *real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    if (!(flags & MAP_ANONYMOUS) || !should_record()) return real_mmap(addr, len, prot, flags, fd, off);
    native_stack s;
    t_busy = 1; /* from here on, an allocation is the recorder's */
    capture(&s);
    record_lock();
    void *p = real_mmap(addr, len, prot, flags, fd, off);
    if (p != MAP_FAILED && g_rec.recording) {
        int e = errno;
        record_native(OP("mmap"), p, len, NULL, intern(&s));
        errno = e;
    }
    record_unlock();
    t_busy = 0;
    return p;
}

/* On 64-bit glibc mmap64 is the same function under another name. */
EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off) __attribute__((alias("mmap")));

EXPORT int munmap(void *addr, size_t len) {
    if (!should_record()) return (int)syscall(SYS_munmap, addr, len);
    t_busy = 1;
    record_lock();
    /* Whether the range was an anonymous mapping is for the replay to know
     * (it knows the mappings): written before the range can be reused. */
    int r = (int)syscall(SYS_munmap, addr, len);
    if (r == 0) RECORD(OP("munmap"), addr, len, NULL, 0);
    record_unlock();
    t_busy = 0;
    return r;
}

EXPORT void *mremap(void *old, size_t old_len, size_t len, int flags, ...) {
    void *want = NULL;
    if (flags & MREMAP_FIXED) {
        va_list ap;
        va_start(ap, flags);
        want = va_arg(ap, void *);
        va_end(ap);
    }
    if (!should_record()) return (void *)syscall(SYS_mremap, old, old_len, len, flags, want);
    native_stack s;
    t_busy = 1; /* from here on, an allocation is the recorder's */
    capture(&s);
    record_lock();
    void *p = (void *)syscall(SYS_mremap, old, old_len, len, flags, want);
    if (p != MAP_FAILED && g_rec.recording) {
        int e = errno;
        record_native(OP("mremap"), p, len, old, intern(&s));
        errno = e;
    }
    record_unlock();
    t_busy = 0;
    return p;
}

/* ---- set-up and the module map ------------------------------------------------ */

static int (*g_real_dlclose)(void *);

int native_init(int max_frames) {
    g_max_frames = max_frames > NATIVE_FRAMES_MAX ? NATIVE_FRAMES_MAX : max_frames;
    g_real_dlclose = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
    if (g_real_dlclose == NULL) return 0;
    void *eval = dlsym(RTLD_DEFAULT, "_PyEval_EvalFrameDefault");
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    if (eval == NULL || dladdr1(eval, &info, (void **)&sym, RTLD_DL_SYMENT) == 0 || sym == NULL) return 0;
    eval_parts_find(info.dli_fname, (uintptr_t)eval, sym->st_value, sym->st_size, &g_eval);
    return 1;
}

void native_start(void) {
    g_on = 1;
    write_new_modules(1);
}

/* The module map is written as it grows: at the start, after each buffer
 * written (capture_from), before each dlclose and at the end, each object
 * once. Collected outside the writer lock (dl_iterate_phdr takes the
 * loader's), into a fixed table one thread at a time (g_snapshot), then
 * written under it. */
#define MODULES_MAX 4096
#define MODULE_PATH_MAX 1024

typedef struct {
    uintptr_t lo, hi, bias;
    char path[MODULE_PATH_MAX];
} module_range;

static module_range g_modules[MODULES_MAX];
static int g_n_modules;
static int g_snapshot; /* a thread is filling g_modules */

/* Objects already written, by address, bias and a hash of the path. */
typedef struct {
    uintptr_t lo, bias;
    uint64_t path_hash;
} module_key;

static module_key g_known[MODULES_MAX];
static int g_n_known;

/* The code ranges of the objects written, read without the writer lock by
 * capture_from: appended under it, each entry before the count that
 * publishes it. A range is kept after its object is unloaded. */
typedef struct {
    uintptr_t lo, hi;
} code_range;

static code_range g_written[MODULES_MAX];
static int g_n_written;
static int g_last_hit;

static int all_in_written_modules(const native_stack *s) {
    int n = __atomic_load_n(&g_n_written, __ATOMIC_ACQUIRE);
    int hit = g_last_hit;
    for (int k = 0; k < s->n; k++) {
        uintptr_t ip = s->ip[k];
        /* [lo, hi), as the namer places an address */
        if (hit < n && ip >= g_written[hit].lo && ip < g_written[hit].hi) continue;
        int i = 0;
        while (i < n && !(ip >= g_written[i].lo && ip < g_written[i].hi)) i++;
        if (i == n) return 0;
        hit = i;
    }
    g_last_hit = hit;
    return 1;
}

static int read_load_count(struct dl_phdr_info *info, size_t size, void *arg) {
    if (size >= offsetof(struct dl_phdr_info, dlpi_adds) + sizeof info->dlpi_adds)
        *(unsigned long long *)arg = info->dlpi_adds;
    return 1; /* the count is in every entry: the first will do */
}

/* Code in no object (a JIT's, a libffi trampoline) never gets a module line:
 * the map is taken again only when an object was loaded since. */
static unsigned long long g_adds_written;

static void write_modules_if_loaded(void) {
    unsigned long long adds = 0;
    dl_iterate_phdr(read_load_count, &adds);
    if (adds == __atomic_load_n(&g_adds_written, __ATOMIC_RELAXED)) return;
    __atomic_store_n(&g_adds_written, adds, __ATOMIC_RELAXED);
    write_new_modules(1);
}

static uint64_t hash_path(const char *s) {
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* Under the writer lock: 1 the first time this object is seen. */
static int first_sight(const module_range *m) {
    uint64_t h = hash_path(m->path);
    for (int i = 0; i < g_n_known; i++)
        if (g_known[i].lo == m->lo && g_known[i].bias == m->bias && g_known[i].path_hash == h) return 0;
    if (g_n_known < MODULES_MAX) g_known[g_n_known++] = (module_key){m->lo, m->bias, h};
    return 1;
}

static int add_module(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    (void)arg;
    if (g_n_modules >= MODULES_MAX) return 1;
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
        uintptr_t a = info->dlpi_addr + ph->p_vaddr;
        if (a < lo) lo = a;
        if (a + ph->p_memsz > hi) hi = a + ph->p_memsz;
    }
    if (hi == 0) return 0;
    module_range *m = &g_modules[g_n_modules++];
    m->lo = lo;
    m->hi = hi;
    m->bias = info->dlpi_addr;
    const char *name = info->dlpi_name;
    if (name == NULL || name[0] == '\0') {
        /* the executable: its own path */
        ssize_t n = readlink("/proc/self/exe", m->path, MODULE_PATH_MAX - 1);
        m->path[n > 0 ? n : 0] = '\0';
    } else {
        size_t n = strlen(name);
        if (n >= MODULE_PATH_MAX) n = MODULE_PATH_MAX - 1;
        memcpy(m->path, name, n);
        m->path[n] = '\0';
    }
    return 0;
}

/* An object about to be unloaded may hold frames already written: the map
 * is brought up to date before it goes. */
EXPORT int dlclose(void *handle) {
    int recording = g_on && g_rec.recording && !t_busy;
    if (recording) native_write_modules();
    int r = g_real_dlclose(handle);
    if (recording) forget_unloaded_modules();
    return r;
}

/* After an unload: the objects no longer loaded leave the map, and every
 * address is named again when next seen, so that an object loaded later at
 * the same place gets its module line before the first stack in it, and
 * its own names (not the unloaded one's). */
static void forget_unloaded_modules(void) {
    while (__atomic_exchange_n(&g_snapshot, 1, __ATOMIC_ACQUIRE)) sched_yield();
    int busy = t_busy;
    t_busy = 1;
    g_n_modules = 0;
    dl_iterate_phdr(add_module, NULL);
    record_lock();
    for (int i = 0; i < g_n_known;) {
        int loaded = 0;
        for (int j = 0; j < g_n_modules && !loaded; j++)
            loaded = g_modules[j].lo == g_known[i].lo && g_modules[j].bias == g_known[i].bias && hash_path(g_modules[j].path) == g_known[i].path_hash;
        if (loaded) i++;
        else g_known[i] = g_known[--g_n_known];
    }
    /* Read without the lock (all_in_written_modules): an entry emptied, its end first, matches nothing. */
    for (int i = 0; i < g_n_written; i++) {
        int loaded = 0;
        for (int j = 0; j < g_n_modules && !loaded; j++) loaded = g_modules[j].lo == g_written[i].lo && g_modules[j].hi == g_written[i].hi;
        if (loaded) continue;
        __atomic_store_n(&g_written[i].hi, 0, __ATOMIC_RELEASE);
        __atomic_store_n(&g_written[i].lo, 0, __ATOMIC_RELEASE);
    }
    native_names_forget();
    record_unlock();
    t_busy = busy;
    __atomic_store_n(&g_snapshot, 0, __ATOMIC_RELEASE);
}

/* `module,LO,SIZE,BIAS,,,,,,"PATH"`: the executable code [LO, LO+SIZE) of
 * the object at PATH, loaded at BIAS (its addresses are BIAS + the file's). */
void native_write_modules(void) {
    if (g_on) write_new_modules(1);
}

/* wait 0: if another thread is taking the map, it will do. */
static void write_new_modules(int wait) {
    if (wait) {
        while (__atomic_exchange_n(&g_snapshot, 1, __ATOMIC_ACQUIRE)) sched_yield();
    } else if (__atomic_exchange_n(&g_snapshot, 1, __ATOMIC_ACQUIRE)) {
        return;
    }
    int busy = t_busy;
    t_busy = 1;
    g_n_modules = 0;
    dl_iterate_phdr(add_module, NULL);
    record_lock();
    for (int i = 0; i < g_n_modules; i++) {
        const module_range *m = &g_modules[i];
        if (!first_sight(m)) continue;
        if (g_n_written < MODULES_MAX) {
            g_written[g_n_written] = (code_range){m->lo, m->hi};
            __atomic_store_n(&g_n_written, g_n_written + 1, __ATOMIC_RELEASE);
        }
        size_t n = strlen(m->path);
        /* To the namer when it is asked (native-names.h), else into the trace. */
        char line[128 + 2 * MODULE_PATH_MAX];
        char *start = native_names_on() ? line : writer_reserve(128 + 2 * n);
        char *p = start;
        p = PUT_LIT(p, "module,");
        p = put_hex(p, m->lo);
        *p++ = ',';
        p = put_u64(p, m->hi - m->lo);
        *p++ = ',';
        p = put_hex(p, m->bias);
        p = PUT_LIT(p, ",,,,,,\"");
        for (size_t k = 0; k < n; k++) {
            if (m->path[k] == '"') *p++ = '"';
            *p++ = m->path[k];
        }
        p = PUT_LIT(p, "\"\n");
        if (start == line) native_names_send(line, (size_t)(p - line));
        else writer_commit(p);
    }
    record_unlock();
    t_busy = busy;
    __atomic_store_n(&g_snapshot, 0, __ATOMIC_RELEASE);
}
