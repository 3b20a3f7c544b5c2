/* Taking the `final` statistics after Py_FinalizeEx().
 *
 * Up to 3.11 pymalloc's state is a set of C globals, still intact after
 * finalization. From 3.12 it belongs to the interpreter and obmalloc reaches
 * it through the current thread state, which no longer exists then: the
 * lookup would dereference NULL. The main interpreter is a static structure
 * and its allocator state outlives finalization, so for that one call the
 * thread-state lookup is pointed at a placeholder thread state whose `interp`
 * is the main interpreter.
 *
 * The lookup reads a thread-local variable of libpython that is not
 * exported. While the interpreter is alive, final_tstate_prepare() finds it:
 * the slot of libpython's thread-local block (dlinfo RTLD_DI_TLS_DATA) that
 * holds the current thread state and that PyThreadState_GetUnchecked() reads
 * back after a test write. Nothing is written after finalization unless the
 * slot was found this way. */
#ifndef MEMREPLAY_FINAL_TSTATE_H
#define MEMREPLAY_FINAL_TSTATE_H

/* Call on the main thread while the interpreter is alive. */
void final_tstate_prepare(void);
/* Returns 1 when _PyObject_DebugMallocStats() can be called now. */
int final_tstate_enter(void);
void final_tstate_leave(void);

#endif
