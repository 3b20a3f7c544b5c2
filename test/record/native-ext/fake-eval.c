/* A stand-in for CPython's eval loop whose rare path gcc moves out of line
 * (`_PyEval_EvalFrameDefault.cold`, as in pyenv's 3.11 and 3.12 builds),
 * with a call from there: the return address of that call is kept for the
 * probe (eval-parts-probe.c) to place. */
void *memreplay_rare_return;

__attribute__((noinline, cold)) void rare_path(int x);
void rare_path(int x) {
    memreplay_rare_return = __builtin_return_address(0);
    __asm__ volatile("" : : "r"(x));
}

int _PyEval_EvalFrameDefault(int x) {
    if (x == 12345) {
        rare_path(x);
        return 1;
    }
    return x + 1;
}
