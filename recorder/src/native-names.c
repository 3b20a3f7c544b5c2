#include "native-names.h"

#include "own-memory.h"
#include "stacks.h"
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static int g_fd = -1;

/* Return address -> frame id, open addressing (address 0 is no return address). */
typedef struct {
    uintptr_t ip;
    uint32_t id;
} name_slot;

static name_slot *g_slots;
static size_t g_cap, g_used;

/* The answers as read: a line may come in pieces. Longer lines are cut. */
#define IN_CAP (1u << 18)
static char *g_in;
static size_t g_in_len;

/* `name,0xADDR\n` for each new address of one stack. */
#define ASK_CAP (NATIVE_FRAMES_MAX_ASKED * 32)
#define NATIVE_FRAMES_MAX_ASKED 256
static char g_ask[ASK_CAP];
static uintptr_t g_asked[NATIVE_FRAMES_MAX_ASKED];

/* A forked child records nothing and must not hold the socket open: memreplay
 * waits for its end to close. */
static void close_in_child(void) {
    if (g_fd >= 0) close(g_fd);
    g_fd = -1;
}

void native_names_init(int fd) {
    if (fd < 0) return;
    g_fd = fd;
    g_cap = 4096;
    g_slots = own_alloc(g_cap * sizeof *g_slots);
    g_in = own_alloc(IN_CAP);
    pthread_atfork(NULL, NULL, close_in_child);
}

int native_names_on(void) { return g_slots != NULL; }

static void send_all(const char *p, size_t n) {
    while (n > 0 && g_fd >= 0) {
        ssize_t k = write(g_fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            g_fd = -1; /* memreplay is gone: every later name is unknown */
            return;
        }
        p += k;
        n -= (size_t)k;
    }
}

void native_names_send(const char *text, size_t n) { send_all(text, n); }

static name_slot *slot_of(uintptr_t ip) {
    size_t mask = g_cap - 1, j = (size_t)((ip * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
    while (g_slots[j].ip != 0 && g_slots[j].ip != ip) j = (j + 1) & mask;
    return &g_slots[j];
}

static void grow(void) {
    name_slot *old = g_slots;
    size_t old_cap = g_cap;
    g_cap *= 2;
    g_slots = own_alloc(g_cap * sizeof *g_slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].ip != 0) *slot_of(old[i].ip) = old[i];
    own_free(old, old_cap * sizeof *old);
}

/* The text of a frame memreplay did not name (it is gone, or never answered). */
static uint32_t unnamed(uintptr_t ip) {
    char text[64];
    char *p = PUT_LIT(text, "?? [??+");
    p = put_hex(p, ip);
    *p++ = ']';
    return stacks_frame_for_text(text, (size_t)(p - text));
}

static void remember(uintptr_t ip, uint32_t id) {
    if ((g_used + 1) * 2 > g_cap) grow();
    name_slot *s = slot_of(ip);
    if (s->ip == 0) g_used++;
    *s = (name_slot){ip, id};
}

/* The next answer line into [*line, *line + *len), or 0 when memreplay is gone. */
static int next_line(const char **line, size_t *len, size_t *consumed) {
    memmove(g_in, g_in + *consumed, g_in_len - *consumed);
    g_in_len -= *consumed;
    *consumed = 0;
    for (size_t from = 0;;) {
        char *nl = memchr(g_in + from, '\n', g_in_len - from);
        if (nl != NULL) {
            *line = g_in;
            *len = (size_t)(nl - g_in);
            *consumed = *len + 1;
            return 1;
        }
        from = g_in_len;
        if (g_in_len == IN_CAP) g_in_len = from = IN_CAP / 2; /* a line too long: its end is dropped */
        if (g_fd < 0) return 0;
        ssize_t k = read(g_fd, g_in + g_in_len, IN_CAP - g_in_len);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            g_fd = -1;
            return 0;
        }
        g_in_len += (size_t)k;
    }
}

void native_names_prepare(const uintptr_t *ips, int n_ips, const eval_parts *eval) {
    if (g_slots == NULL) return;
    int n = 0;
    char *p = g_ask;
    for (int i = 0; i < n_ips && n < NATIVE_FRAMES_MAX_ASKED; i++) {
        uintptr_t ip = ips[i];
        if (eval_parts_hold(eval, ip) || slot_of(ip)->ip == ip) continue;
        int dup = 0;
        for (int k = 0; k < n && !dup; k++) dup = g_asked[k] == ip;
        if (dup) continue;
        g_asked[n++] = ip;
        p = PUT_LIT(p, "name,");
        p = put_hex(p, ip);
        *p++ = '\n';
    }
    if (n == 0) return;
    send_all(g_ask, (size_t)(p - g_ask));
    size_t consumed = 0;
    for (int k = 0; k < n; k++) {
        const char *line;
        size_t len;
        uint32_t id = next_line(&line, &len, &consumed) && len > 0 ? stacks_frame_for_text(line, len) : unnamed(g_asked[k]);
        remember(g_asked[k], id);
    }
    memmove(g_in, g_in + consumed, g_in_len - consumed);
    g_in_len -= consumed;
}

uint32_t native_names_frame(uintptr_t ip) {
    if (g_slots == NULL) {
        char text[40];
        char *p = PUT_LIT(text, "@native:");
        p = put_hex(p, ip);
        return stacks_frame_for_text(text, (size_t)(p - text));
    }
    name_slot *s = slot_of(ip);
    if (s->ip == ip) return s->id;
    /* Not prepared (more new addresses than one exchange asks): asked alone. */
    native_names_prepare(&ip, 1, &(eval_parts){0});
    s = slot_of(ip);
    return s->ip == ip ? s->id : unnamed(ip);
}

void native_names_forget(void) {
    if (g_slots == NULL) return;
    memset(g_slots, 0, g_cap * sizeof *g_slots);
    g_used = 0;
}
