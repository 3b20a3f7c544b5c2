/* The events of one `.mrt` chunk coded as the format says
 * (docs/trace-format-binary.md): two flag bytes each, then its fields in
 * five streams (addresses by their role, sizes, timestamp deltas,
 * references), with deltas that start from zero in each chunk.
 *
 * Run on the compressor thread (mrt-chunks.c), which the program does not
 * wait for: the program's thread only stores each event as it comes (mrt.c).
 * One chunk at a time; the streams are reused by the next. */
#ifndef MEMREPLAY_MRT_ENCODE_H
#define MEMREPLAY_MRT_ENCODE_H

#include "mrt-chunks.h"

typedef struct {
    uint8_t *stream[MRT_STREAMS];
    size_t len[MRT_STREAMS];
} mrt_streams;

/* The streams' and the births table's memory (own-memory.h). */
void mrt_encode_init(void);
/* The chunk's events, coded; valid until the next call. */
const mrt_streams *mrt_encode(const mrt_raw_event *events, uint32_t n);

#endif
