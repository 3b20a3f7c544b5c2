// The decode thread hands over from decoding on the reader's own thread
// (while its worker starts) to the worker: the records of the chunks the
// worker decodes are numbered after those decoded here, and the columns are
// the same whichever thread decoded them.

import { readFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { ChunkReader, type MrtChunk } from '../../src/import/mrt-chunks.js';
import { MrtDecodeThread, type DecodeResult } from '../../src/import/mrt-decode-thread.js';
import { CHUNK_EVENTS } from '../../src/import/mrt-format.js';

let thread: MrtDecodeThread | null = null;
afterEach(() => thread?.close());

/** The first events chunk of a fixture, still compressed, with the file's major version. */
function firstEventsChunk(path: string): { chunk: MrtChunk; major: number } {
  let found: MrtChunk | null = null;
  const reader = new ChunkReader(
    (c) => {
      if (c.kind === CHUNK_EVENTS && found === null) found = { ...c, payload: new Uint8Array(c.payload) };
    },
    (kind) => kind === CHUNK_EVENTS,
  );
  reader.push(readFileSync(path));
  expect(found).not.toBeNull();
  return { chunk: found!, major: reader.major };
}

async function result(t: MrtDecodeThread, id: number): Promise<DecodeResult> {
  for (;;) {
    const r = t.take(id);
    if (r !== undefined) return r;
    await t.next();
  }
}

test('chunks decoded before the worker is up come back at once, and the worker numbers its records after them', async () => {
  const { chunk, major } = firstEventsChunk('test/fixtures/mrt-v1/startup-3.11.mrt');
  const t = (thread = new MrtDecodeThread());
  expect(t.posting).toBe(false);
  const here = t.post(chunk.offset, chunk.codec, chunk.decodedLength, chunk.payload, major);
  // Decoded on this thread, synchronously: no wait for the worker.
  const first = t.take(here);
  expect(first?.failure).toBeNull();
  while (!t.posting) await new Promise((resolve) => setTimeout(resolve, 10));
  const there = await result(t, t.post(chunk.offset, chunk.codec, chunk.decodedLength, chunk.payload, major));
  if (first?.failure !== null || there.failure !== null) throw new Error('a chunk failed to decode');
  const a = first.events;
  const b = there.events;
  expect(a.count).toBeGreaterThan(0);
  expect(b.count).toBe(a.count);
  for (let k = 0; k < a.count; k++) {
    expect(a.line[k]).toBe(k + 1);
    expect(b.line[k]).toBe(a.count + k + 1);
  }
  expect(Array.from(b.addr.subarray(0, b.count))).toEqual(Array.from(a.addr.subarray(0, a.count)));
  expect(Array.from(b.op.subarray(0, b.count))).toEqual(Array.from(a.op.subarray(0, a.count)));
  expect(Array.from(b.stack.subarray(0, b.count))).toEqual(Array.from(a.stack.subarray(0, a.count)));
});

test("with decodeUntilReady false every chunk goes to the worker, numbered from the first record", async () => {
  const { chunk, major } = firstEventsChunk('test/fixtures/mrt-v1/startup-3.11.mrt');
  const t = (thread = new MrtDecodeThread(false));
  expect(t.posting).toBe(true);
  const id = t.post(chunk.offset, chunk.codec, chunk.decodedLength, chunk.payload, major);
  const r = await result(t, id);
  if (r.failure !== null) throw new Error(r.message);
  expect(r.events.line[0]).toBe(1);
});
