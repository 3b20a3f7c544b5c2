/* memreplay's recording launcher: runs a Python program the way the
 * `python3` command would, with CPython's allocators wrapped from the first
 * allocation on, and writes the trace (docs/trace-format.md).
 *
 *   memreplay-launcher --trace-fd N [--status-fd N] [--stats PATH]
 *       [--final-stats PATH] [--frames N] [--raw] [--parent-pid N]
 *       [--native [--native-frames N] [--names-fd N]] [--trace-format csv|mrt [--mrt-level N]]
 *       [--trace-format both --mrt-fd N] -- EXECUTABLE ARGS...
 *
 * --native is accepted only by the native build (MEMREPLAY_NATIVE, native.h).
 * --names-fd: a socket on which `memreplay record` names native frames as
 * they come (native-names.h); without it they are written as addresses.
 * --trace-format mrt writes the binary format (mrt.h) instead of CSV, its
 * chunks deflated at --mrt-level (default MRT_DEFAULT_LEVEL); not with
 * --native (memreplay writes .mrt from the named CSV).
 * `both` is for the tests: the CSV trace to --trace-fd and the same records,
 * timestamps included, as `.mrt` to --mrt-fd, so that the two can be compared
 * record for record (test/record/mrt-recording.test.ts).
 *
 * EXECUTABLE is the interpreter this launcher was built against (it becomes
 * sys.executable and decides sys.prefix and sys.path); ARGS is its command
 * line (`script.py a b`, `-m module`, `-c code`, options such as -X or -I).
 *
 * Order (see /recorder/README.md):
 *   1. Py_PreInitializeFromBytesArgs() with allocator = PYMEM_ALLOCATOR_PYMALLOC
 *      (PYTHONMALLOC and -X dev cannot replace pymalloc); pre-initialization
 *      only uses the RAW domain. Checked: pymalloc has served no block and
 *      allocated no arena yet, so the trace is complete.
 *   2. PyMem_SetAllocator (OBJ, MEM, RAW with --raw), PyObject_SetArenaAllocator.
 *   3. Py_InitializeFromConfig() with the command line, then Py_RunMain(),
 *      which runs the program, finalizes and returns its exit status.
 *   4. Only a run that ended with the interpreter finalized ends its trace
 *      with the `end` mark (END_MARK); a cut one (os._exit, a crash, a kill)
 *      has none, and a replay names it incomplete.
 *
 * With --parent-pid (`memreplay record`'s pid) the launcher dies with its
 * parent (PR_SET_PDEATHSIG): a killed `memreplay record` leaves no program
 * running on, writing a trace nobody reads. */
#define _GNU_SOURCE 1 /* F_SETPIPE_SZ */
#include <Python.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpython-private.h"
#include "frames.h"
#include "hooks.h"
#include "marks.h"
#include "mrt-chunks.h"
#include "mrt.h"
#ifdef MEMREPLAY_NATIVE
#  include "native.h"
#  include "native-pre-start.h"
#  include "native-names.h"
#endif
#include "interp.h"
#include "record.h"
#include "stacks.h"
#include "stats.h"
#include "writer.h"

typedef struct {
    int trace_fd;
    int status_fd;
    const char *stats_path;
    const char *final_path;
    int frames; /* 0: no stacks */
    int raw;
    int native;        /* --native: C library calls and anonymous mappings too */
    int native_frames; /* native frames per stack (0: none) */
    int names_fd;      /* --names-fd: native frames named by memreplay as they come (native-names.h) */
    long parent_pid; /* 0: not given */
    int mrt;         /* --trace-format mrt (or both) */
    int mrt_fd;      /* where it goes: --trace-fd, or --mrt-fd with both */
    int mrt_level;   /* deflate level of its chunks */
    int py_argc; /* EXECUTABLE ARGS... */
    char **py_argv;
} options;

/* Deflate level of `.mrt` chunks: level 1 is the cheapest; see
 * docs/recording.md for what the levels cost and save on the bench. */
#define MRT_DEFAULT_LEVEL 1

static options g_opt = {.names_fd = -1, .trace_fd = -1, .status_fd = -1, .frames = 16, .native_frames = 16, .mrt_level = MRT_DEFAULT_LEVEL, .mrt_fd = -1};
static pid_t g_pid;
static char g_python_version[32];
static int g_complete;
static long g_preinit_blocks, g_preinit_arenas;
/* The status has been reported (or a failure was): nothing more is written. */
static int g_finished;

/* ---- status report (read by `memreplay record`) --------------------------- */

static void status_write(const char *text) {
    if (g_opt.status_fd < 0) return;
    size_t n = strlen(text), off = 0;
    while (off < n) {
        ssize_t w = write(g_opt.status_fd, text + off, n - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        off += (size_t)w;
    }
}

/* JSON string content: the message is ours, but may quote a path. */
static void json_escape(const char *s, char *out, size_t cap) {
    size_t n = 0;
    for (; *s && n + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
}

static void close_status_in_child(void) {
    if (g_opt.status_fd >= 0) close(g_opt.status_fd);
}

/* Setup failed before the program ran: one line, exit status 2. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...) {
    char msg[1024], esc[2200], line[2400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    g_finished = 1; /* the error is the status, not what was recorded so far */
    if (g_opt.status_fd >= 0) {
        json_escape(msg, esc, sizeof esc);
        snprintf(line, sizeof line, "{\"error\":\"%s\"}\n", esc);
        status_write(line);
    } else {
        fprintf(stderr, "memreplay: %s\n", msg);
    }
    _exit(2);
}

/* The label of the mark that ends a recording that ended normally; the
 * header names it (`# end_mark:`), docs/trace-format.md. */
#define END_MARK "end"

/* Frees of blocks handed out before the recording (native-pre-start.h), not written. */
static unsigned long long pre_start_free_count(void) {
#ifdef MEMREPLAY_NATIVE
    return (unsigned long long)pre_start_frees();
#else
    return 0;
#endif
}

/* `ended` : the interpreter was finalized, so the trace holds the whole run
 * and gets its `end` mark, the last record. */
static void finish_trace(int stats_final_taken, int ended) {
#ifdef MEMREPLAY_NATIVE
    native_write_modules();
#endif
    record_lock();
    ended = ended && g_rec.recording;
    if (ended) record_mark(END_MARK);
    g_rec.recording = 0;
    if (g_opt.mrt) mrt_finish(g_rec.events);
    if (!g_opt.mrt || g_rec.csv_too) writer_flush();
    record_unlock();
    char err[300] = "null";
    if (g_writer.failed) {
        char esc[256];
        json_escape(strerror(g_writer.err), esc, sizeof esc);
        snprintf(err, sizeof err, "\"%s\"", esc);
    }
    char line[1024];
    snprintf(line, sizeof line,
             "{\"python\":\"%s\",\"complete\":%s,\"ended\":%s,\"events\":%llu,\"stacks\":%u,\"frames\":%u,\"bytes\":%llu,"
             "\"stats\":%s,\"final\":%s,\"statsWindowCalls\":%llu,\"preStartFrees\":%llu,\"writeError\":%s}\n",
             g_python_version, g_complete ? "true" : "false", ended ? "true" : "false", (unsigned long long)g_rec.events,
             g_rec.stacks ? stacks_count() : 0u, g_rec.stacks ? stacks_frame_count() : 0u,
             (unsigned long long)g_writer.bytes, stats_taken() ? "true" : "false",
             stats_final_taken ? "true" : "false", stats_window_calls(), pre_start_free_count(), err);
    status_write(line);
}

/* os._exit() (and anything else in libpython calling _exit) ends the process
 * without returning from Py_RunMain. This definition, exported from the
 * launcher, takes the place of the C library's for libpython: the trace is
 * flushed first, so it ends where the program ended. Forked children (where
 * the recorder is off) exit at once. */
/* The end of a run: the `final` mark and its statistics, then the status.
 * Reached when Py_RunMain() returns, or from exit() when the interpreter
 * ends the process itself after finalizing (Py_Exit: sys.exit() in a script
 * or -c code ends there). Not in a forked child. */
static void finish_run(void) {
    if (g_finished || getpid() != g_pid) return;
    g_finished = 1;
    /* exit() from C code while the program runs (not the interpreter's own,
     * after finalizing) ends the run as cut short as os._exit() does. */
    int ended = !Py_IsInitialized();
    finish_trace(stats_final(g_opt.final_path), ended);
}

__attribute__((visibility("default"))) void _exit(int status) {
    if (!g_finished && getpid() == g_pid && g_rec.recording) {
        g_finished = 1;
        finish_trace(0, 0);
    }
    syscall(SYS_exit_group, status);
    __builtin_unreachable();
}

/* ---- arguments ---------------------------------------------------------------- */

static int parse_int(const char *flag, const char *v, int lo, int hi) {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || end == v || n < lo || n > hi) fail("launcher: %s %s: expected a number from %d to %d", flag, v, lo, hi);
    return (int)n;
}

static void parse_args(int argc, char **argv) {
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--raw") == 0) {
            g_opt.raw = 1;
            continue;
        }
        if (strcmp(a, "--native") == 0) {
#ifndef MEMREPLAY_NATIVE
            fail("launcher: --native needs the native build of the launcher");
#endif
            g_opt.native = 1;
            continue;
        }
        if (v == NULL) fail("launcher: %s needs a value", a);
        if (strcmp(a, "--trace-fd") == 0) g_opt.trace_fd = parse_int(a, v, 0, 1 << 20);
        else if (strcmp(a, "--status-fd") == 0) g_opt.status_fd = parse_int(a, v, 0, 1 << 20);
        else if (strcmp(a, "--stats") == 0) g_opt.stats_path = v;
        else if (strcmp(a, "--final-stats") == 0) g_opt.final_path = v;
        else if (strcmp(a, "--frames") == 0) g_opt.frames = parse_int(a, v, 0, FRAMES_MAX);
        else if (strcmp(a, "--native-frames") == 0) g_opt.native_frames = parse_int(a, v, 0, 128);
        else if (strcmp(a, "--names-fd") == 0) g_opt.names_fd = parse_int(a, v, 0, 1 << 20);
        else if (strcmp(a, "--parent-pid") == 0) g_opt.parent_pid = parse_int(a, v, 1, 1 << 30);
        else if (strcmp(a, "--mrt-level") == 0) g_opt.mrt_level = parse_int(a, v, 0, 9);
        else if (strcmp(a, "--trace-format") == 0) {
            if (strcmp(v, "mrt") == 0) g_opt.mrt = 1;
            else if (strcmp(v, "both") == 0) g_opt.mrt = g_rec.csv_too = 1;
            else if (strcmp(v, "csv") != 0) fail("launcher: --trace-format %s: expected csv or mrt", v);
        } else if (strcmp(a, "--mrt-fd") == 0) g_opt.mrt_fd = parse_int(a, v, 0, 1 << 20);
        else fail("launcher: unknown option %s", a);
        i++;
    }
    if (g_opt.trace_fd < 0) fail("launcher: --trace-fd is required");
    if (g_rec.csv_too != (g_opt.mrt_fd >= 0)) fail("launcher: --trace-format both and --mrt-fd go together");
    if (g_opt.mrt && g_opt.native) fail("launcher: --trace-format mrt cannot be written with --native (its trace is finished after the run)");
    if (g_opt.mrt && !mrt_chunks_available())
        fail("launcher: --trace-format mrt needs zlib, and this launcher was built without its headers (on Debian or Ubuntu: apt install zlib1g-dev)");
    if (i >= argc) fail("launcher: expected -- EXECUTABLE [ARGS...]");
    g_opt.py_argc = argc - i;
    g_opt.py_argv = argv + i;
}

/* ---- pre-initialization check ------------------------------------------------ */

/* pymalloc's blocks and arenas before the hooks go in (both 0 for a complete
 * trace). Up to 3.11 its state is global: ask it. From 3.12 pymalloc cannot
 * run before the main interpreter exists (it reaches its state through the
 * thread state), which Py_InitializeFromConfig() creates: 0 by construction. */
static void check_preinit(void) {
#if PY_VERSION_HEX < 0x030C0000
    g_preinit_blocks = (long)_Py_GetAllocatedBlocks();
    g_preinit_arenas = -1;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f != NULL) {
        _PyObject_DebugMallocStats(f);
        fclose(f);
        const char *at = text ? strstr(text, "# arenas allocated total") : NULL;
        if (at != NULL && (at = strchr(at, '=')) != NULL) g_preinit_arenas = strtol(at + 1, NULL, 10);
        free(text);
    }
#else
    g_preinit_blocks = 0;
    g_preinit_arenas = 0;
#endif
    g_complete = g_preinit_blocks == 0 && g_preinit_arenas == 0;
}

/* One `# key: value` line of the preamble (the `M` chunk of a `.mrt` trace). */
static void meta_line(const char *key, const char *value) {
    if (g_opt.mrt) {
        mrt_meta(key, value);
        if (!g_rec.csv_too) return;
    }
    char line[640];
    snprintf(line, sizeof line, "# %s: %s", key, value);
    record_raw_line(line);
}

static void write_header(void) {
    char value[512];
    meta_line("python", g_python_version);
    meta_line("allocator", "pymalloc");
    snprintf(value, sizeof value,
             "memreplay record, embedding launcher: PyMem_SetAllocator (OBJ, MEM%s) and "
             "PyObject_SetArenaAllocator after Py_PreInitialize, before Py_InitializeFromConfig",
             g_opt.raw ? ", RAW" : "");
    meta_line("recorder", value);
    meta_line("complete", g_complete ? "true" : "false");
    /* What confirms the end: `complete` above is about the start (written
     * now, it cannot speak for an end that has not happened). */
    meta_line("end_mark", END_MARK);
    snprintf(value, sizeof value, "%ld", g_preinit_blocks);
    meta_line("preinit_allocated_blocks", value);
    snprintf(value, sizeof value, "%ld", g_preinit_arenas);
    meta_line("preinit_arenas_allocated", value);
    snprintf(value, sizeof value, "%zu", g_rec.arena_size);
    meta_line("arena_size", value);
    if (g_opt.frames > 0) snprintf(value, sizeof value, "%d", g_opt.frames);
    else snprintf(value, sizeof value, "0 (--no-stacks)");
    meta_line("stack_frames", value);
    if (g_opt.native) {
        meta_line("native", "true");
        snprintf(value, sizeof value, "%d", g_opt.frames > 0 ? g_opt.native_frames : 0);
        meta_line("native_frames", value);
    }
    meta_line("ts", "CLOCK_MONOTONIC nanoseconds since the recorder started");
    meta_line("thread", "Linux thread id (threading.get_native_id())");
#if INTERP_COLUMN
    meta_line("interp", "the interpreter with its own pymalloc state that served the event (isolated sub-interpreter); empty: the main one");
    if (!g_opt.mrt || g_rec.csv_too) record_raw_line("op,addr,size,old_addr,domain,ts,thread,stack,frames,label,interp");
#else
    if (!g_opt.mrt || g_rec.csv_too) record_raw_line("op,addr,size,old_addr,domain,ts,thread,stack,frames,label");
#endif
    if (g_opt.mrt && !mrt_start(g_opt.mrt_fd >= 0 ? g_opt.mrt_fd : g_opt.trace_fd, g_opt.mrt_level)) fail("cannot start the trace's compressor thread: %s", strerror(errno));
}

/* ---- Ctrl-C ----------------------------------------------------------------------- */

/* After an unhandled KeyboardInterrupt, Py_RunMain() ends by killing the
 * process with SIGINT (so the shell sees it), before returning to us. SIGINT
 * is blocked from the end of finalization (Py_AtExit) on, so Py_RunMain()
 * returns; once the trace is complete the signal is unblocked and does what
 * it would have done. */
static void block_sigint(void) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock_sigint(void) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* Our descriptors move to high numbers (and close on exec): the program
 * finds 3, 4, ... free, as under python3, and a program that takes fd 3 for
 * itself cannot write into the trace. */
static int move_out_of_the_way(int fd) {
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 1000);
    if (high < 0) high = fcntl(fd, F_DUPFD_CLOEXEC, 100);
    if (high < 0) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        return fd;
    }
    close(fd);
    return high;
}

static void check_status(PyStatus st, const char *what) {
    if (PyStatus_Exception(st)) fail("%s failed: %s", what, st.err_msg ? st.err_msg : "(no message)");
}

/* Die with `memreplay record`: it may itself have been killed with
 * SIGKILL, and nothing is left to read the trace. The kernel sends
 * PARENT_DEATH_SIGNAL; its handler ends the process at once, or after the
 * write(2) under way, so that the trace ends with a whole line (SIGKILL could
 * cut a write mid-line). A signal of the real-time range: programs leave it
 * alone (SIGTERM is theirs to handle). If memreplay record died before the
 * request took effect, our parent is already another. */
#define PARENT_DEATH_SIGNAL SIGRTMAX

static void on_parent_death(int sig) { writer_exit_between_writes(128 + sig); }

static void die_with_parent(void) {
    if (g_opt.parent_pid == 0) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_parent_death;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    if (sigaction(PARENT_DEATH_SIGNAL, &sa, NULL) != 0 || prctl(PR_SET_PDEATHSIG, PARENT_DEATH_SIGNAL) != 0) {
        fail("launcher: cannot ask to end with memreplay record: %s", strerror(errno));
    }
    if ((long)getppid() != g_opt.parent_pid) _exit(2);
}

int main(int argc, char **argv) {
    g_pid = getpid();
    parse_args(argc, argv);
    die_with_parent();
    g_opt.trace_fd = move_out_of_the_way(g_opt.trace_fd);
    if (g_opt.status_fd >= 0) g_opt.status_fd = move_out_of_the_way(g_opt.status_fd);
    if (g_opt.mrt_fd >= 0) g_opt.mrt_fd = move_out_of_the_way(g_opt.mrt_fd);
    /* A pipe (to the compressor) as large as the write buffer: one write
     * rarely waits for the reader. Fails harmlessly on a file. */
    fcntl(g_opt.trace_fd, F_SETPIPE_SZ, (int)WRITER_CAPACITY);

    const char *v = Py_GetVersion();
    size_t vn = strcspn(v, " ");
    if (vn >= sizeof g_python_version) vn = sizeof g_python_version - 1;
    memcpy(g_python_version, v, vn);

    /* 1. pre-initialization, parsing the command line as python3 does */
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_PYMALLOC;
    PyStatus st = Py_PreInitializeFromBytesArgs(&pre, g_opt.py_argc, g_opt.py_argv);
    if (PyStatus_Exception(st)) {
        if (PyStatus_IsExit(st)) exit(st.exitcode);
        fail("Python pre-initialization failed: %s", st.err_msg ? st.err_msg : "(no message)");
    }
    check_preinit();

    if (PyImport_AppendInittab("memreplay_marks", marks_module_init) < 0) fail("cannot add the memreplay_marks module");

    /* 2. the hooks, before the first allocation */
    size_t arena_size = PY_VERSION_HEX >= 0x030A0000 ? (size_t)1 << 20 : (size_t)256 << 10;
    /* From 3.12 an isolated sub-interpreter runs under a GIL of its own: its
     * OBJ/MEM calls can come at the same time as the main one's, so every
     * record takes the lock, as with --raw. */
    /* With --native, C library calls come from any thread, without the GIL. */
    if (!record_init(g_opt.trace_fd, g_opt.frames > 0, g_opt.frames, g_opt.raw || g_opt.native || INTERP_COLUMN, arena_size))
        fail("this CPython tracks code objects in its garbage collector; the recorder cannot capture its stacks (use --no-stacks)");
#ifdef MEMREPLAY_NATIVE
    if (g_opt.native && !native_init(g_opt.frames > 0 ? g_opt.native_frames : 0))
        fail("cannot find this CPython's eval loop (_PyEval_EvalFrameDefault) for --native stacks");
#endif
    pthread_atfork(NULL, NULL, close_status_in_child);
    write_header();
    g_rec.recording = 1;
    hooks_install(g_opt.raw);
#ifdef MEMREPLAY_NATIVE
#ifdef MEMREPLAY_NATIVE
    if (g_opt.native && g_opt.names_fd >= 0) native_names_init(move_out_of_the_way(g_opt.names_fd));
#endif
    if (g_opt.native) native_start();
#endif

    /* The configuration is built with the hooks in place: its RAW blocks are
     * freed once the interpreter has copied it, and with --raw the trace
     * must have seen them allocated. */
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    check_status(PyConfig_SetBytesArgv(&config, g_opt.py_argc, g_opt.py_argv), "reading the command line");
    /* The interpreter's own path: sys.executable, and through it sys.prefix
     * and sys.path (a virtual environment's pyvenv.cfg is found from it). */
    check_status(PyConfig_SetBytesString(&config, &config.program_name, g_opt.py_argv[0]), "setting the program name");

    /* 3. initialize and run */
    st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        g_finished = 1;
        finish_trace(0, 0);
        if (PyStatus_IsExit(st)) return st.exitcode;
        Py_ExitStatusException(st);
    }
    if (stats_register(g_opt.stats_path) < 0) fail("cannot register the stats mark with atexit");
    Py_AtExit(block_sigint);
    atexit(finish_run);

    int code = Py_RunMain();
    if (getpid() != g_pid) return code; /* a forked child returning from the program */
    finish_run();
    close(g_opt.trace_fd);
    unblock_sigint();
    return code;
}
