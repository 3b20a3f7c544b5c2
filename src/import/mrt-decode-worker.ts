// The worker thread of mrt-decode-thread.ts: inflates and decodes events
// chunks (mrt-events.ts) while the reader's thread replays the ones before.
// It knows nothing of the file's tables: a chunk's ids stay the file's, and
// the reader maps them in order. Decoded columns travel back in one
// transferred ArrayBuffer, which the reader returns once it has handed the
// events on, so that the steady state allocates no column buffer.

import { parentPort } from 'node:worker_threads';
import { ChunkError, inflateChunk } from './mrt-chunks.js';
import { PayloadError } from './mrt-cursor.js';
import { DecodedEvents, decodeEvents } from './mrt-events.js';
import { CHUNK_EVENTS } from './mrt-format.js';
import type { DecodeReply, DecodeRequest } from './mrt-decode-thread.js';

/** Buffers the reader gave back, for the next chunks' columns. */
const spare: ArrayBuffer[] = [];
/** Events of the chunks decoded so far: they come in file order, so the next chunk's first record is this + 1. */
let records = 0;

function decode(request: DecodeRequest): { reply: DecodeReply; transfer: ArrayBuffer[] } {
  const { id, offset, codec, decodedLength, major, body } = request;
  let payload: Uint8Array;
  try {
    payload = inflateChunk(CHUNK_EVENTS, codec, body, decodedLength, offset);
  } catch (e) {
    if (e instanceof ChunkError) return { reply: { id, failure: 'chunk', at: e.offset, message: e.message }, transfer: [] };
    throw e;
  }
  const buffer = spare.pop();
  const reuse = buffer === undefined ? null : new DecodedEvents(DecodedEvents.capacityOf(buffer), buffer);
  try {
    const d = decodeEvents(payload, reuse, records + 1, major);
    records += d.count;
    // A buffer too small for this chunk (decodeEvents made a bigger one) is dropped.
    const { count, flagsAt, high, maxStack, maxThread, badRecords, marks } = d;
    return { reply: { id, failure: null, buffer: d.buffer, count, flagsAt, high, maxStack, maxThread, badRecords, marks }, transfer: [d.buffer] };
  } catch (e) {
    if (buffer !== undefined) spare.push(buffer);
    if (e instanceof PayloadError) return { reply: { id, failure: 'payload', at: e.at, message: e.message }, transfer: [] };
    throw e;
  }
}

parentPort!.on('message', (m: DecodeRequest | { recycle: ArrayBuffer }) => {
  if ('recycle' in m) {
    spare.push(m.recycle);
    return;
  }
  const { reply, transfer } = decode(m);
  parentPort!.postMessage(reply, transfer);
});
