/* Stacks as paths from their outermost frame, one node per distinct path:
 * (parent node, code generation, instruction offset) -> child node. A node
 * knows its frame id, its parent and, once an event used its whole path, the
 * id of that stack (stacks.h).
 *
 * Consecutive allocations share their outer frames, which the capture proves
 * unchanged by comparing (code, offset) pairs with the last stack's: from
 * the node of that shared part, only the frames that changed cost a lookup
 * each, and the stack id is the last node's, with no hash of the whole
 * stack. Code generations are never reused (stacks.c), so an edge never goes
 * stale; the table starts over when it is large (trie_full). Node 0 is the
 * empty path. Caller holds the GIL or the writer lock. */
#ifndef MEMREPLAY_STACK_TRIE_H
#define MEMREPLAY_STACK_TRIE_H

#include <stdint.h>

void trie_init(void);
/* The child of parent by (gen, where), or 0 when there is none yet. */
uint32_t trie_child(uint32_t parent, uint32_t gen, uint32_t where);
/* A new child of parent by (gen, where), whose frame is frame_id. */
uint32_t trie_add(uint32_t parent, uint32_t gen, uint32_t where, uint32_t frame_id);
/* So many nodes that the table should start over (between captures: node
 * ids held by the caller are then void). */
int trie_full(void);
void trie_reset(void);

/* A node's frame id, its parent, and its stack id (0: not known yet). */
extern uint32_t *g_trie_frame;
extern uint32_t *g_trie_parent;
extern uint32_t *g_trie_stack;

#endif
