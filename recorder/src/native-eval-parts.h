/* The eval loop's code, in parts: a compiler may move its rarely taken
 * paths out of line (gcc's hot/cold splitting gives pyenv's 3.11 and 3.12
 * builds `_PyEval_EvalFrameDefault.cold`), and a call from there is the eval
 * loop's call too, where Python frames splice into a native stack. */
#ifndef MEMREPLAY_NATIVE_EVAL_PARTS_H
#define MEMREPLAY_NATIVE_EVAL_PARTS_H

#include <stdint.h>

#define EVAL_PARTS_MAX 8

typedef struct {
    int n;
    /* each part's code is (lo, hi]: it holds the return addresses of its calls */
    uintptr_t lo[EVAL_PARTS_MAX], hi[EVAL_PARTS_MAX];
} eval_parts;

/* `eval` is the loop's entry, loaded from the object at `path`, where its
 * symbol's value is `value` and its size `size`. Fills `out` with that part
 * and the out-of-line ones the object's symbol table names
 * (`_PyEval_EvalFrameDefault.cold`, `.cold.N`); without a symbol table (a
 * stripped object), with the entry's part alone. */
void eval_parts_find(const char *path, uintptr_t eval, uint64_t value, uint64_t size, eval_parts *out);

static inline int eval_parts_hold(const eval_parts *e, uintptr_t ip) {
    for (int i = 0; i < e->n; i++)
        if (ip > e->lo[i] && ip <= e->hi[i]) return 1;
    return 0;
}

#endif
