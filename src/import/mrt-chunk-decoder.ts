// Inflating and decoding events chunks one after another, in file order:
// the work of the decode worker (mrt-decode-worker.ts), and of the reader's
// own thread while that worker is still starting (mrt-decode-thread.ts).
// It knows nothing of the file's tables: a chunk's ids stay the file's.

import { ChunkError, inflateChunk } from './mrt-chunks.js';
import { PayloadError } from './mrt-cursor.js';
import { DecodedEvents, decodeEvents } from './mrt-events.js';
import { CHUNK_EVENTS } from './mrt-format.js';
import type { DecodeReply, DecodeRequest } from './mrt-decode-thread.js';

export class ChunkDecoder {
  /** Column buffers given back, for the next chunks' columns. */
  readonly spare: ArrayBuffer[] = [];
  /**
   * Events of the chunks before the next one (decoded here, or elsewhere and
   * counted by the request's `before`): its first record is this + 1.
   */
  records = 0;

  decode(request: DecodeRequest): { reply: DecodeReply; transfer: ArrayBuffer[] } {
    const { id, offset, codec, decodedLength, major, body, before } = request;
    this.records += before;
    let payload: Uint8Array;
    try {
      payload = inflateChunk(CHUNK_EVENTS, codec, body, decodedLength, offset);
    } catch (e) {
      if (e instanceof ChunkError) return { reply: { id, failure: 'chunk', at: e.offset, message: e.message }, transfer: [] };
      throw e;
    }
    const buffer = this.spare.pop();
    const reuse = buffer === undefined ? null : new DecodedEvents(DecodedEvents.capacityOf(buffer), buffer);
    try {
      const d = decodeEvents(payload, reuse, this.records + 1, major);
      this.records += d.count;
      // A buffer too small for this chunk (decodeEvents made a bigger one) is dropped.
      const { count, flagsAt, high, maxStack, maxThread, badRecords, marks } = d;
      return { reply: { id, failure: null, buffer: d.buffer, count, flagsAt, high, maxStack, maxThread, badRecords, marks }, transfer: [d.buffer] };
    } catch (e) {
      if (buffer !== undefined) this.spare.push(buffer);
      if (e instanceof PayloadError) return { reply: { id, failure: 'payload', at: e.at, message: e.message }, transfer: [] };
      throw e;
    }
  }
}
