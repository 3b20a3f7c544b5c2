// The binary trace reader: the same events as the text it was made from,
// however the file is cut into chunks and pushes; and every kind of damage
// (truncation, bad checksums, bad varints, huge declared lengths, hostile
// tables) ends in one typed error that names the byte, never a crash or a
// silently shorter trace.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { MemreplayError, TraceFormatError } from '../../src/errors.js';
import type { EventBatch } from '../../src/events/event-batch.js';
import { ImportContext } from '../../src/import/import-context.js';
import { importTrace, parseTraceBytes } from '../../src/import/index.js';
import { DOMAIN_NATIVE, OP_COUNT, OP_MARK } from '../../src/events/ops.js';
import {
  ADDRESS_ROLES,
  CHUNK_END,
  CHUNK_EVENTS,
  CHUNK_META,
  CHUNK_TABLE,
  ENTRY_FRAME,
  ENTRY_LABEL,
  ENTRY_STACK,
  ENTRY_THREAD_NUMBER,
  MAX_CHUNK_BYTES,
  MRT_MAGIC,
  MRT_MAJOR_VERSION,
  REF_GIVEN,
} from '../../src/import/mrt-format.js';
import type { TraceSink } from '../../src/import/types.js';
import { ByteBuilder } from '../../src/io/byte-builder.js';
import { MrtWriter } from '../../src/io/mrt-writer.js';
import { convertTrace } from '../../src/run/convert.js';
import { tempDir } from '../cli/helpers.js';
import { traceDigest } from './trace-digest.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every field at its edges: 64-bit addresses, thread 7 and thread "7", interpreters, huge and negative times, optional sizes, marks. */
const EDGES_JSONL = [
  { op: 'meta', python: '3.12.1', complete: 'true', note: 'a, "quoted" value' },
  { op: 'arena_alloc', addr: '0x7f0000000000', size: 1048576, ts: -5 },
  { op: 'alloc', addr: '0x7f0000000030', size: 48, domain: 'mem', ts: 2 ** 60, thread: 7, frames: ['app.py:1', 'f (lib/é.py:20)'] },
  { op: 'alloc', addr: '0xffff7f0000000010', size: 600, domain: 'raw', ts: 12, thread: '7', frames: ['app.py:1'] },
  { op: 'realloc', addr: '0x7f0000000070', old_addr: '0x7f0000000030', size: 64, thread: 7, interp: 3, frames: ['app.py:1', 'f (lib/é.py:20)'] },
  { op: 'realloc', addr: '0xffff7f0000000040', old_addr: '0xffff7f0000000010', size: 700, domain: 'raw' },
  { op: 'calloc', addr: '0x10', size: 0, ts: 13, thread: 'worker, 1' },
  { op: 'mark', label: 'iteration 1, "a"', ts: 14 },
  { op: 'free', addr: '0x7f0000000070', size: 64, interp: 3 },
  { op: 'free', addr: '0xffff7f0000000040', domain: 'raw' },
  { op: 'free', addr: '0' },
  { op: 'mark', label: 'iteration 1, "a"', thread: 7 },
  { op: 'arena_free', addr: '0x7f0000000000' },
]
  .map((r) => JSON.stringify(r))
  .join('\n') + '\n';

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A .mrt of `source` written with events chunks of about `chunkBytes`. */
async function mrtOf(source: string, chunkBytes?: number): Promise<Uint8Array> {
  const out = new ByteBuilder();
  const ctx = new ImportContext(source);
  const writer = new MrtWriter({ write: (b) => out.append(b) }, ctx, chunkBytes !== undefined ? { chunkBytes } : {});
  await importTrace(source, { context: ctx }, writer);
  writer.finish();
  return out.view().slice();
}

const NO_SINK: TraceSink = { meta: () => undefined, batch: (_b: EventBatch) => undefined };

/** The error of reading `bytes` whole (and, the same, as a stream cut into bytes, decoded here and on a worker). */
async function failure(bytes: Uint8Array, lenient = false, onWorker = true): Promise<string> {
  let whole = '';
  try {
    parseTraceBytes(bytes, { fileName: 'x.mrt', lenient }, NO_SINK);
  } catch (e) {
    expect(e).toBeInstanceOf(MemreplayError);
    whole = (e as Error).message;
  }
  for (const decodeThread of onWorker ? [false, true, 'worker' as const] : [false]) {
    let streamed = '';
    try {
      const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => Buffer.from(bytes.subarray(i * 7, i * 7 + 7)));
      await importTrace('-', { stdin: Readable.from(pieces), lenient, decodeThread }, NO_SINK);
    } catch (e) {
      expect(e).toBeInstanceOf(MemreplayError);
      streamed = (e as Error).message.replace('<stdin>', 'x.mrt');
    }
    expect(streamed).toBe(whole);
  }
  return whole;
}

/** A chunk with a right checksum around any payload. */
function chunk(kind: number, payload: Uint8Array, codec = 0): Uint8Array {
  const c = new Uint8Array(16 + payload.length);
  const v = new DataView(c.buffer);
  v.setUint8(0, kind);
  v.setUint8(1, codec);
  v.setUint32(4, payload.length, true);
  v.setUint32(8, payload.length, true);
  c.set(payload, 16);
  v.setUint32(12, crc32(payload, crc32(c.subarray(0, 12))) >>> 0, true);
  return c;
}

function bytesOf(...values: (number | string)[]): Uint8Array {
  const b = new ByteBuilder();
  for (const v of values) typeof v === 'string' ? b.text(v) : b.u8(v);
  return b.view().slice();
}

const HEADER = new Uint8Array([...MRT_MAGIC, 1, 0, 0, 0]);
const META = chunk(CHUNK_META, bytesOf(0));

function fileOf(...chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat([HEADER, ...chunks]);
}

describe('a .mrt written from a trace', () => {
  test('means the same as the trace, with every field at its edges, in one chunk or in many', async () => {
    const source = file('edges.jsonl', EDGES_JSONL);
    const expected = await traceDigest(source);
    expect(expected.events).toBe(12);
    for (const chunkBytes of [undefined, 1, 8]) {
      const path = file(`edges-${chunkBytes}.mrt`, await mrtOf(source, chunkBytes));
      expect(await traceDigest(path, { decodeThread: false })).toEqual(expected);
      expect(await traceDigest(path, { decodeThread: true })).toEqual(expected);
      expect(await traceDigest(path, { decodeThread: 'worker' })).toEqual(expected);
    }
  });

  test('hands on every event with its record number and its label, across the slices its chunks are handed on in', async () => {
    // 10,000 events in one chunk: more than one slice of the batches handed on (mrt.ts handOnInSlices).
    const records: string[] = [];
    for (let i = 0; records.length < 10_000; i++) {
      if (i % 997 === 0) records.push(JSON.stringify({ op: 'mark', label: `mark ${i}` }));
      records.push(JSON.stringify({ op: 'alloc', addr: `0x${(0x1000 + 64 * i).toString(16)}`, size: 40, domain: 'obj' }));
      records.push(JSON.stringify({ op: 'free', addr: `0x${(0x1000 + 64 * i).toString(16)}`, domain: 'obj' }));
    }
    const source = file('slices.jsonl', records.join('\n') + '\n');
    const path = file('slices.mrt', await mrtOf(source));
    const expectedLabels = records.map((r) => (JSON.parse(r) as { label?: string }).label ?? null);
    for (const decodeThread of [false, true, 'worker' as const]) {
      const lines: number[] = [];
      const labels: (string | null)[] = [];
      await importTrace(path, { decodeThread }, {
        meta: () => undefined,
        batch: (b) => {
          for (let i = 0; i < b.length; i++) {
            lines.push(b.line[i]!);
            labels.push(b.op[i] === OP_MARK ? b.label[i]! : null);
          }
        },
      });
      expect(lines).toEqual(records.map((_, i) => i + 1));
      expect(labels).toEqual(expectedLabels);
    }
  });

  test('means the same with varints of every length from 1 to 7 bytes in every stream', async () => {
    // Sizes, address deltas, time deltas and stack ids of 2^(7n) - 1 and 2^(7n): the longest and shortest of each length.
    const values = Array.from({ length: 7 }, (_, n) => [2 ** (7 * n + 7) - 1, 2 ** (7 * n)]).flat();
    const records: string[] = [];
    let addr = 0x1000;
    let ts = 0;
    values.forEach((v, i) => {
      addr += v;
      ts += v;
      records.push(JSON.stringify({ op: 'alloc', addr: `0x${addr.toString(16)}`, size: v, domain: 'raw', ts, frames: Array.from({ length: i + 1 }, (_, f) => `f.py:${f + 1}`) }));
    });
    const source = file('varints.jsonl', records.join('\n') + '\n');
    const expected = await traceDigest(source);
    expect(expected.events).toBe(values.length);
    const path = file('varints.mrt', await mrtOf(source));
    expect(await traceDigest(path, { decodeThread: false })).toEqual(expected);
    expect(await traceDigest(path, { decodeThread: true })).toEqual(expected);
    expect(await traceDigest(path, { decodeThread: 'worker' })).toEqual(expected);
  });

  test('means the same when its label table starts again between chunks', async () => {
    const marks = Array.from({ length: 40 }, (_, i) => JSON.stringify({ op: 'mark', label: `request ${i % 7}`, ts: i })).join('\n') + '\n';
    const source = file('labels.jsonl', marks);
    const expected = await traceDigest(source);
    const out = new ByteBuilder();
    const ctx = new ImportContext(source);
    const writer = new MrtWriter({ write: (b) => out.append(b) }, ctx, { chunkBytes: 8, labelsBeforeReset: 3 });
    await importTrace(source, { context: ctx }, writer);
    writer.finish();
    const bytes = out.view().slice();
    // Label 6 was written more than once: the table was reset in between.
    expect(Buffer.from(bytes).toString('latin1').split('request 6').length - 1).toBeGreaterThan(1);
    expect(await traceDigest(file('labels.mrt', bytes), { decodeThread: false })).toEqual(expected);
    expect(await traceDigest(file('labels.mrt', bytes), { decodeThread: true })).toEqual(expected);
    expect(await traceDigest(file('labels.mrt', bytes), { decodeThread: 'worker' })).toEqual(expected);
  });

  test('reads the same from a stream cut anywhere as from whole bytes', async () => {
    const bytes = await mrtOf(file('edges2.jsonl', EDGES_JSONL), 16);
    const expected = await traceDigest(file('edges2.mrt', bytes));
    const digests = new Set<string>();
    for (const piece of [1, 3, 16, 17, 100]) {
      const pieces = Array.from({ length: Math.ceil(bytes.length / piece) }, (_, i) => Buffer.from(bytes.subarray(i * piece, i * piece + piece)));
      const path = file(`piece-${piece}.mrt`, Buffer.concat(pieces));
      digests.add((await traceDigest(path)).digest);
      let events = 0;
      await importTrace('-', { stdin: Readable.from(pieces) }, { meta: () => undefined, batch: (b) => void (events += b.length) });
      expect(events).toBe(expected.events);
    }
    expect([...digests]).toEqual([expected.digest]);
  });

  test('of format version 1 (last version) still means the same as the trace it was made from', async () => {
    const fixtures = join(__dirname, '..', 'fixtures', 'mrt-v1');
    const cases: [string, string][] = [
      [join(fixtures, 'edges.mrt'), file('edges-v1.jsonl', EDGES_JSONL)],
      [join(fixtures, 'startup-3.11.mrt'), join(__dirname, '..', '..', 'traces', 'startup-3.11.csv.gz')],
    ];
    for (const [v1, source] of cases) {
      expect(readFileSync(v1).readUInt16LE(8)).toBe(1);
      const expected = await traceDigest(source);
      expect(await traceDigest(v1, { decodeThread: false })).toEqual(expected);
      expect(await traceDigest(v1, { decodeThread: true })).toEqual(expected);
      expect(await traceDigest(v1, { decodeThread: 'worker' })).toEqual(expected);
    }
  });

  test('codes a release as a reference back to its birth in the chunk: smaller than version 1', async () => {
    const source = join(__dirname, '..', '..', 'traces', 'startup-3.11.csv.gz');
    const v2 = await mrtOf(source);
    expect(Buffer.from(v2).readUInt16LE(8)).toBe(MRT_MAJOR_VERSION);
    expect(v2.length).toBeLessThan(0.9 * readFileSync(join(__dirname, '..', 'fixtures', 'mrt-v1', 'startup-3.11.mrt')).length);
  });

  test('carries the native contract (domain native, mmap, munmap, mremap with its old address), on this thread and on a worker', async () => {
    const source = join(__dirname, '..', 'fixtures', 'native', 'mixed.jsonl');
    const expected = await traceDigest(source);
    for (const chunkBytes of [undefined, 1, 8]) {
      const bytes = await mrtOf(source, chunkBytes);
      expect(Buffer.from(bytes).readUInt16LE(8)).toBe(MRT_MAJOR_VERSION);
      const path = file(`native-${chunkBytes}.mrt`, bytes);
      expect(await traceDigest(path, { decodeThread: false })).toEqual(expected);
      expect(await traceDigest(path, { decodeThread: true })).toEqual(expected);
      expect(await traceDigest(path, { decodeThread: 'worker' })).toEqual(expected);
    }
  });

  test('codes a mapping op through the escape, and a munmap of a range mapped in its chunk as a reference back to its mmap', async () => {
    const source = file(
      'maps.jsonl',
      [
        { op: 'mmap', addr: '0x7f1000000000', size: 65536, domain: 'native' },
        { op: 'mmap', addr: '0x7f2000000000', size: 8192, domain: 'native' },
        { op: 'munmap', addr: '0x7f1000000000', size: 65536, domain: 'native' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const out = new ByteBuilder();
    const ctx = new ImportContext(source);
    const writer = new MrtWriter({ write: (b) => out.append(b) }, ctx, { level: 0 });
    await importTrace(source, { context: ctx }, writer);
    writer.finish();
    const bytes = Buffer.from(out.view().slice());
    // The events chunk, stored: its count, five stream lengths, then the streams (one-byte varints here but the addresses).
    const at = bytes.indexOf(CHUNK_EVENTS, 12 + 16 + bytes.readUInt32LE(12 + 4));
    const payload = bytes.subarray(at + 16, at + 16 + bytes.readUInt32LE(at + 4));
    const [count, flagBytes, addrBytes, sizeBytes, timeBytes, refBytes] = [...payload.subarray(0, 6)];
    expect([count, flagBytes, timeBytes, refBytes]).toEqual([3, 6, 0, 3]);
    const flags = payload.subarray(6, 12);
    expect([flags[0]! & 7, flags[2]! & 7, flags[4]! & 7]).toEqual([7, 7, 7]);
    const addrs = payload.subarray(12, 12 + addrBytes!);
    // The munmap names the birth one before the last (even code 2).
    expect(addrs[addrs.length - 1]).toBe(2);
    const refs = payload.subarray(12 + addrBytes! + sizeBytes!);
    expect([...refs]).toEqual([0, 0, 1]);
    expect((await traceDigest(file('maps.mrt', bytes))).events).toBe(3);
  });

  test('has an address role for every op', () => {
    expect(ADDRESS_ROLES.length).toBe(OP_COUNT);
  });

  test('is sniffed from its magic, whatever its name', async () => {
    const path = file('binary.csv', await mrtOf(file('edges3.jsonl', EDGES_JSONL)));
    const summary = await importTrace(path, {}, NO_SINK);
    expect(summary.format).toBe('mrt');
  });
});

describe('a damaged .mrt', () => {
  let good: Uint8Array;
  test('made for the damage tests', async () => {
    good = await mrtOf(file('good.jsonl', EDGES_JSONL), 32);
    expect(good.length).toBeGreaterThan(200);
  });

  test('cut at any byte fails, naming the byte where it ends', async () => {
    for (let n = 1; n < good.length; n++) {
      // (A worker for one cut in 5: each starts a thread.)
      const message = await failure(good.subarray(0, n), false, n % 5 === 0);
      expect(message).toMatch(/^x\.mrt: byte \d+: (the file ends inside|the file ends after \d+ events without its end chunk)/);
    }
  });

  test('cut at a chunk boundary is read as far as it goes with --lenient, the missing end counted', async () => {
    const withoutEnd = good.subarray(0, good.length - 17); // the end chunk: 16 bytes of header and a 1-byte count
    expect(await failure(withoutEnd)).toMatch(/without its end chunk: it was cut off at a chunk boundary/);
    let events = 0;
    const summary = parseTraceBytes(withoutEnd, { fileName: 'x.mrt', lenient: true }, { meta: () => undefined, batch: (b) => void (events += b.length) });
    expect(events).toBe(12);
    expect(summary.ctx.skippedRecords).toBe(1);
  });

  test('with any byte changed fails with a clear error, mostly its checksum, never a crash', async () => {
    let checksum = 0;
    for (let i = 0; i < good.length; i++) {
      const bad = good.slice();
      bad[i] ^= 0x5a;
      // The minor version (bytes 10-11) may be anything: minor versions only add optional chunks.
      if (i === 10 || i === 11) continue;
      const message = await failure(bad, false, i % 5 === 0);
      if (message === '') throw new Error(`byte ${i} changed reads without error`);
      // A changed magic byte makes it no .mrt: the sniffer's message then.
      expect(message).toMatch(i < MRT_MAGIC.length ? /^x\.mrt: / : /^x\.mrt: byte \d+: /);
      if (/fails its checksum/.test(message)) checksum++;
    }
    // Bytes of chunk payloads and of the checksummed header fields are caught by the CRC.
    expect(checksum).toBeGreaterThan(good.length / 2);
  });

  test('names the chunk whose checksum fails', async () => {
    const bad = fileOf(META, chunk(CHUNK_END, bytesOf(0)));
    bad[bad.length - 1] ^= 1;
    expect(await failure(bad)).toMatch(/^x\.mrt: byte 29: chunk 'Z' of 1 bytes fails its checksum \(CRC-32 0x[0-9a-f]{8}, header says 0x[0-9a-f]{8}\)/);
  });

  test('with a huge declared length fails at once, before reading on', async () => {
    const huge = chunk(CHUNK_EVENTS, bytesOf(0));
    new DataView(huge.buffer).setUint32(4, 0xffffffff, true);
    expect(await failure(fileOf(META, huge))).toBe(`x.mrt: byte 33: chunk declares 4294967295 stored bytes: expected at most ${MAX_CHUNK_BYTES} (a damaged length?)`);
    const inflated = chunk(CHUNK_EVENTS, bytesOf(0), 1);
    new DataView(inflated.buffer).setUint32(8, MAX_CHUNK_BYTES + 1, true);
    expect(await failure(fileOf(META, inflated))).toMatch(/^x\.mrt: byte 37: chunk declares \d+ decoded bytes/);
  });

  test('with a bad varint names its byte in the payload', async () => {
    const tooLong = chunk(CHUNK_EVENTS, bytesOf(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    expect(await failure(fileOf(META, tooLong))).toBe("x.mrt: byte 29: chunk 'E', payload byte 0: varint longer than 8 bytes: no count, size or delta is that large");
    const cut = chunk(CHUNK_EVENTS, bytesOf(0x80));
    expect(await failure(fileOf(META, cut))).toBe("x.mrt: byte 29: chunk 'E', payload byte 0: the chunk ends inside a varint");
  });

  test('with hostile tables and references fails at the entry', async () => {
    const table = (...v: (number | string)[]): Uint8Array => chunk(CHUNK_TABLE, bytesOf(...v));
    const cases: [Uint8Array[], RegExp][] = [
      [[table(ENTRY_STACK, 1, 0)], /payload byte 2: stack refers to frame 0, but only 0 are defined before it/],
      [[table(ENTRY_STACK, 0x7f)], /payload byte 0: stack of 127 frames runs past the end of its chunk/],
      [[table(ENTRY_FRAME, 0x7f)], /payload byte 1: a frame of 127 bytes runs past the end of its chunk/],
      [[table(ENTRY_THREAD_NUMBER, '07')], /thread number "07" is not an integer as written by memreplay/],
      [[table(ENTRY_LABEL, 'x'.repeat(5000))], /mark label of 5000 characters: expected at most 4096/],
      [[table(9)], /unknown table entry 9/],
      // Events payloads: the count, the lengths of the five streams (flags, addresses, sizes, times, references), the streams.
      // An alloc of stack 0, before any stack.
      [[chunk(CHUNK_EVENTS, bytesOf(1, 2, 1, 1, 0, 1, 0x20, REF_GIVEN << 2, 0, 16, 0))], /event refers to stack 0, but only 0 are defined before it/],
      // A mark of label 0, before any label.
      [[chunk(CHUNK_EVENTS, bytesOf(1, 2, 0, 0, 0, 1, 6, 0, 0))], /mark refers to label 0, but only 0 are defined before it/],
      // In version 1 (these files' header), an op code past mark: no escape there.
      [[chunk(CHUNK_EVENTS, bytesOf(1, 2, 0, 0, 0, 0, 7, 0))], /payload byte 6: unknown op code 7: expected 0 to 6 in a version 1 file/],
      // In version 1, a domain code past raw (the message lists the domains there are).
      [[chunk(CHUNK_EVENTS, bytesOf(1, 2, 1, 0, 0, 0, 3 | (3 << 3), 0, 1))], /payload byte 6: unknown domain code 3: expected 0 \(obj\), 1 \(mem\), 2 \(raw\) in a version 1 file/],
      // More events declared than the flags stream holds.
      [[chunk(CHUNK_EVENTS, bytesOf(100, 2, 0, 0, 0, 0, 3, 0))], /declares 100 events but 2 flag bytes/],
      // Streams longer than the payload, or bytes a stream leaves unread.
      [[chunk(CHUNK_EVENTS, bytesOf(1, 2, 100, 0, 0, 0, 3, 0))], /event streams of 2 \+ 100 \+ 0 \+ 0 \+ 0 bytes run past the end of the chunk/],
      [[chunk(CHUNK_EVENTS, bytesOf(1, 2, 2, 0, 0, 0, 3, 0, 0, 0))], /payload byte 9: 1 bytes left over at the end of the addresses stream/],
      // An address varint cut by the end of its stream (the next stream's byte must not be read as its continuation).
      [[chunk(CHUNK_EVENTS, bytesOf(1, 2, 1, 1, 0, 0, 3, 0, 0x80, 0x01))], /payload byte 8: the chunk ends inside a varint/],
      [[chunk(CHUNK_END, bytesOf(5))], /the end chunk counts 5 events, but the file holds 0/],
      [[chunk(CHUNK_END, bytesOf(0)), chunk(CHUNK_END, bytesOf(0))], /chunk 'Z' after the end chunk/],
      [[chunk(0x51, bytesOf(0))], /unknown chunk kind 'Q'/],
    ];
    for (const [chunks, expected] of cases) expect(await failure(fileOf(META, ...chunks, chunk(CHUNK_END, bytesOf(0))))).toMatch(expected);
  });

  /** A version 2 file of these chunks. */
  const v2 = (...chunks: Uint8Array[]): Uint8Array => {
    const f = fileOf(META, ...chunks, chunk(CHUNK_END, bytesOf(0)));
    f[8] = 2;
    return f;
  };

  test('of version 2 with a bad op escape, an unknown op or a mapping of a Python domain fails at the event', async () => {
    const native = 7 | (DOMAIN_NATIVE << 3);
    // Events payloads: the count, the lengths of the five streams, the streams; the escape's varint is the references stream's first.
    // An escaped op whose code (7 + 3) is past mremap.
    expect(await failure(v2(chunk(CHUNK_EVENTS, bytesOf(1, 2, 0, 0, 0, 1, native, 0, 3))))).toMatch(/^x\.mrt: byte 29: chunk 'E', payload byte 6: unknown op code 10: expected 0 to 9/);
    // An escape whose varint is missing, and one too long to be a varint.
    expect(await failure(v2(chunk(CHUNK_EVENTS, bytesOf(1, 2, 0, 0, 0, 0, native, 0))))).toMatch(/^x\.mrt: byte 29: chunk 'E', payload byte 8: the chunk ends inside a varint/);
    expect(await failure(v2(chunk(CHUNK_EVENTS, bytesOf(1, 2, 0, 0, 0, 9, native, 0, ...Array<number>(8).fill(0xff), 1))))).toMatch(/^x\.mrt: byte 29: chunk 'E', payload byte 8: varint longer than 8 bytes/);
    // An mmap (escape + 0) of the obj domain.
    expect(await failure(v2(chunk(CHUNK_EVENTS, bytesOf(1, 2, 0, 0, 0, 1, 7, 0, 0))))).toMatch(/^x\.mrt: byte 29: chunk 'E', payload byte 6: mmap of domain obj: a mapping's domain is native/);
    // A munmap (escape + 1) with an old address: only realloc and mremap have one.
    expect(await failure(v2(chunk(CHUNK_EVENTS, bytesOf(1, 2, 2, 0, 0, 1, native | 0x80, 0, 1, 1, 1))))).toMatch(/payload byte 6: munmap with an old address: only realloc and mremap have one/);
  });

  test('of version 2 with a release referring back past the chunk\'s births fails at the event', async () => {
    // A free whose address code 0 (even: a reference) points back to a birth, in a chunk that made none; then one after an alloc, to a second birth.
    expect(await failure(v2(chunk(CHUNK_EVENTS, bytesOf(1, 2, 1, 0, 0, 0, 3, 0, 0))))).toMatch(
      /chunk 'E', payload byte 6: a release refers back to the new block 1 before it, but its chunk has made only 0/,
    );
    expect(await failure(v2(chunk(CHUNK_EVENTS, bytesOf(2, 4, 2, 1, 0, 0, 0x20, 0, 3, 0, 0x20, 2, 16))))).toMatch(/payload byte 8: a release refers back to the new block 2 before it, but its chunk has made only 1/);
  });

  test('of another major version, or without the meta chunk first, is refused', async () => {
    const v2 = fileOf(META);
    v2[8] = 3;
    expect(await failure(v2)).toMatch(/^x\.mrt: byte 8: binary trace format version 3\.0: this memreplay reads versions 1\.x and 2\.x/);
    expect(await failure(fileOf(chunk(CHUNK_END, bytesOf(0))))).toMatch(/^x\.mrt: byte 12: the first chunk is 'Z': expected the meta chunk 'M'/);
  });

  test('skips an optional chunk it does not know', async () => {
    let events = 0;
    parseTraceBytes(fileOf(META, chunk(0x78, bytesOf(1, 2, 3)), chunk(CHUNK_END, bytesOf(0))), { fileName: 'x.mrt' }, { meta: () => undefined, batch: (b) => void (events += b.length) });
    expect(events).toBe(0);
  });
});

describe('memreplay convert', () => {
  test('round-trips the edge trace through every output format', async () => {
    const source = file('edges4.jsonl', EDGES_JSONL);
    const expected = await traceDigest(source);
    const mrt = join(dir, 'edges4.mrt');
    await convertTrace(source, mrt);
    for (const ext of ['csv', 'csv.gz', 'jsonl', 'jsonl.gz']) {
      const out = join(dir, `edges4-out.${ext}`);
      await convertTrace(mrt, out);
      // CSV cannot tell thread "7" from thread 7 (a number in text is a number): the rest is the same.
      if (!ext.startsWith('csv')) expect(await traceDigest(out)).toEqual(expected);
      else expect((await traceDigest(out)).events).toBe(expected.events);
    }
    expect(readFileSync(mrt).subarray(0, 8)).toEqual(Buffer.from(MRT_MAGIC));
  });
});

test('TraceFormatError is what every failure above is', () => {
  expect(new TraceFormatError('x.mrt', 0, 'byte 3: m').message).toBe('x.mrt: byte 3: m');
});
