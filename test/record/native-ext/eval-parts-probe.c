/* Prints the eval loop's parts eval_parts_find (recorder/src/native-eval-parts.c)
 * finds in an object (argv[1]): one line each, `0xADDRESS SIZE`, the address
 * as in the file (its symbol table's value), the entry's part first. For the
 * stand-in (fake-eval.c), then whether the return address of the call its
 * cold part makes is placed in the eval loop: `call from the loop: 1`. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>

#include "native-eval-parts.h"

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    void *h = dlopen(argv[1], RTLD_LAZY | RTLD_LOCAL);
    void *eval = h ? dlsym(h, "_PyEval_EvalFrameDefault") : NULL;
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    if (eval == NULL || dladdr1(eval, &info, (void **)&sym, RTLD_DL_SYMENT) == 0 || sym == NULL) {
        fprintf(stderr, "no _PyEval_EvalFrameDefault in %s\n", argv[1]);
        return 1;
    }
    eval_parts parts;
    eval_parts_find(info.dli_fname, (uintptr_t)eval, sym->st_value, sym->st_size, &parts);
    uintptr_t base = (uintptr_t)eval - sym->st_value;
    for (int i = 0; i < parts.n; i++) printf("0x%lx %lu\n", (unsigned long)(parts.lo[i] - base), (unsigned long)(parts.hi[i] - parts.lo[i]));
    void **rare = dlsym(h, "memreplay_rare_return");
    if (rare != NULL) {
        ((int (*)(int))eval)(12345);
        printf("call from the loop: %d\n", eval_parts_hold(&parts, (uintptr_t)*rare));
    }
    return 0;
}
