/* The eval loop's out-of-line parts from the object's own symbol table
 * (.symtab: local symbols, which dlsym cannot see). Read once at start-up,
 * before anything is recorded, from the file mapped read-only. */
#include "native-eval-parts.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char EVAL_NAME[] = "_PyEval_EvalFrameDefault";

/* `name` is the loop's own symbol followed by `.cold` (or `.cold.N`). */
static int is_cold_part(const char *name, const char *end) {
    size_t n = sizeof EVAL_NAME - 1;
    if ((size_t)(end - name) < n + 5 || memcmp(name, EVAL_NAME, n) != 0) return 0;
    return memcmp(name + n, ".cold", 5) == 0 && (name[n + 5] == '\0' || name[n + 5] == '.');
}

static void add_part(eval_parts *out, uintptr_t lo, uint64_t size) {
    if (out->n < EVAL_PARTS_MAX && size > 0) {
        out->lo[out->n] = lo;
        out->hi[out->n] = lo + size;
        out->n++;
    }
}

void eval_parts_find(const char *path, uintptr_t eval, uint64_t value, uint64_t size, eval_parts *out) {
    out->n = 0;
    add_part(out, eval, size);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(ElfW(Ehdr))) {
        close(fd);
        return;
    }
    size_t len = (size_t)st.st_size;
    const unsigned char *file = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (file == MAP_FAILED) return;
    const ElfW(Ehdr) *eh = (const void *)file;
    /* Every offset is checked against the file's length: a damaged or
     * foreign file gives the entry's part alone. */
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_shentsize != sizeof(ElfW(Shdr)) ||
        eh->e_shoff > len || (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr)) > len - eh->e_shoff)
        goto done;
    const ElfW(Shdr) *sh = (const void *)(file + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
        const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > len || sh[i].sh_size > len - sh[i].sh_offset || strs->sh_offset > len ||
            strs->sh_size > len - strs->sh_offset)
            continue;
        const ElfW(Sym) *sym = (const void *)(file + sh[i].sh_offset);
        size_t count = sh[i].sh_size / sizeof(ElfW(Sym));
        const char *names = (const char *)file + strs->sh_offset;
        const char *names_end = names + strs->sh_size;
        for (size_t k = 0; k < count; k++) {
            if (ELF64_ST_TYPE(sym[k].st_info) != STT_FUNC || sym[k].st_name >= strs->sh_size) continue;
            const char *name = names + sym[k].st_name;
            const char *end = memchr(name, '\0', (size_t)(names_end - name));
            if (end == NULL || !is_cold_part(name, end)) continue;
            /* where it is loaded: at the same distance from the entry as in the file */
            add_part(out, eval + (uintptr_t)(sym[k].st_value - value), sym[k].st_size);
        }
    }
done:
    munmap((void *)file, len);
}
