/* Memory for the recorder's own tables (the stack cache and interning).
 *
 * Not from Python's allocators (that would be recorded), and not from the C
 * library's malloc either: its large blocks are mappings placed where the
 * program's next mappings would go (pymalloc's arenas among them), and its
 * small ones share the heap with the blocks pymalloc passes on. Either would
 * move the program's addresses, and with them whatever depends on them
 * (id()-based hashing, arena alignment). These tables are mappings of their
 * own, asked for far below where the kernel places mappings by itself, so a
 * recording with stacks runs at the same addresses as one without. */
#ifndef MEMREPLAY_OWN_MEMORY_H
#define MEMREPLAY_OWN_MEMORY_H

#include <stddef.h>

/* Zero-filled; aborts when the system has no memory left. */
void *own_alloc(size_t size);
/* Grows (or shrinks) a block from own_alloc; the new part is zero-filled. */
void *own_realloc(void *p, size_t old_size, size_t new_size);
void own_free(void *p, size_t size);

#endif
