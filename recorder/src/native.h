/* --native: every C-library heap call and anonymous mapping of the process.
 *
 * Only in the native build of the launcher (compiled with MEMREPLAY_NATIVE,
 * src/record/launcher-cache.ts): its malloc, calloc, realloc, reallocarray,
 * free, posix_memalign, aligned_alloc, memalign, valloc, pvalloc, mmap,
 * munmap and mremap are exported from the executable, so they take the
 * C library's place for libpython, every extension and every library,
 * dlopen'd ones included, without LD_PRELOAD. The plain build has none of
 * this: it behaves and costs exactly as before. */
#ifndef MEMREPLAY_NATIVE_H
#define MEMREPLAY_NATIVE_H

/* At most this many native frames per stack (--native-frames). */
#define NATIVE_FRAMES_MAX 128

/* Before the header is written; max_frames 0: no native stacks. 0 when the
 * eval loop cannot be found in this interpreter. */
int native_init(int max_frames);
/* Native calls are recorded from now on (while g_rec.recording). */
void native_start(void);
/* The module map (every loaded object's address range and path) as
 * `module` lines, read by src/record/native-symbols.ts. Called at the end
 * and before each dlclose, without the writer lock held (it takes it). */
void native_write_modules(void);
/* Set while this thread runs recorder code that may allocate (the end of
 * the run, the statistics): those calls are not the program's. */
void native_pause_thread(int paused);

#endif
