/* --native: the names of native frames, asked of `memreplay record` while
 * the program runs (src/record/frame-name-server.ts), so that the launcher
 * writes its trace itself, every stack record with its frames named: the
 * trace's bytes never pass through Node.
 *
 * Over one socket (--names-fd): the launcher writes `module` lines (its
 * module map, as it grows) and `name,0xADDR` lines; memreplay answers each
 * `name` line, in order, with the frame's text on a line of its own. The
 * first time a stack holds a return address, its names are asked (one
 * exchange per stack, for all its new addresses) and interned as the
 * frame's text; every later stack finds the frame id by address.
 *
 * Without --names-fd a native frame is written as `@native:0xADDR` and the
 * module lines go into the trace (a launcher run by hand, or the bench). */
#ifndef MEMREPLAY_NATIVE_NAMES_H
#define MEMREPLAY_NATIVE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "native-eval-parts.h"

/* Before native_start(); fd -1: no naming (the addresses are written). */
void native_names_init(int fd);
/* 1 when the names are asked (module lines then go to native_names_send). */
int native_names_on(void);
/* Under the writer lock: a module line (text with its newline) for the namer. */
void native_names_send(const char *text, size_t n);
/* Under the writer lock, before stacks_capture_native: the names of the
 * addresses of `ips` not seen yet are asked, all at once. */
void native_names_prepare(const uintptr_t *ips, int n_ips, const eval_parts *eval);
/* Under the writer lock: the frame id of a return address (prepared). */
uint32_t native_names_frame(uintptr_t ip);
/* Under the writer lock, after an object was unloaded: addresses are named
 * again when next seen (another object may be loaded there). */
void native_names_forget(void);

#endif
