/* Interned Python call stacks: each distinct stack is written once as a
 * `stack` record; events then carry its id.
 *
 * Per allocation the thread's frames are read (frames.h) as pairs (code
 * object, instruction offset). Turning a pair into text needs the line number
 * (a walk of the code's line table) and the strings, so pairs are cached:
 *
 *   code set     code object address -> generation (a number never reused)
 *   frame cache  (generation, offset) -> frame id
 *   frames       frame text "function (file:line)" -> frame id (canonical)
 *   stacks       frame ids, innermost first -> stack id
 *   trie         (path node, generation, offset) -> path node -> stack id
 *                (stack-trie.h)
 *
 * A code object's address can be reused after it is freed, so the free hook
 * tells us (stacks_forget_code) and the address gets a new generation: stale
 * cache entries are never matched again. Consecutive allocations from the
 * same place are common, so the last stack is compared pair by pair before
 * anything is hashed; the outer frames it shares with the new one lead to
 * their trie node, and only the frames below cost a lookup each.
 *
 * All tables live in the recorder's own memory (own-memory.h), never in the
 * domains we record nor in the C library's heap. Callers hold the GIL or the writer lock. */
#ifndef MEMREPLAY_STACKS_H
#define MEMREPLAY_STACKS_H

#include <stddef.h>
#include <stdint.h>
#include "native-eval-parts.h"

/* 0 when stacks cannot be captured safely with this interpreter. */
int stacks_init(int max_frames);
/* The id of the current thread's stack (writing its `stack` record first if
 * it is new), or 0 when the thread runs no Python code. */
uint32_t stacks_capture(void);
/* The stack of a native allocation: its return addresses (innermost first)
 * with the thread's Python frames spliced in where they pass through the
 * eval loop, whose code is `eval`; each other address is the frame
 * `native_frame` gives (native-names.h). Caller holds the writer lock. */
uint32_t stacks_capture_native(const uintptr_t *ips, int n_ips, const eval_parts *eval, uint32_t (*native_frame)(uintptr_t ip));
/* The id of the frame whose text is s[0..n) (interned). Caller holds the writer lock. */
uint32_t stacks_frame_for_text(const char *s, size_t n);
/* `block` (about to be freed) holds a code object (frames_code_in_block):
 * forget its address. */
void stacks_forget_code(const void *block);

/* Distinct stacks and frames so far. */
uint32_t stacks_count(void);
uint32_t stacks_frame_count(void);
/* Frame `id`'s text, as a quoted CSV field holds it (`"` doubled). */
const char *stacks_frame_text(uint32_t id, uint32_t *len);

#endif
