// A native range (mmap, munmap, mremap) that leaves the address space, or
// the 2^48-byte region its address key lives in, is a bad record in every
// reader: refused with file and line (record and byte offset in a .mrt),
// skipped and counted under --lenient. Accepted, it made the mapped-bytes
// figures meaningless (issue 14).

import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { MemreplayError } from '../../src/errors.js';
import { EventBatch } from '../../src/events/event-batch.js';
import { DOMAIN_NATIVE, OP_MMAP, OP_NAMES } from '../../src/events/ops.js';
import { ImportContext } from '../../src/import/import-context.js';
import { importTrace, parseTraceBytes } from '../../src/import/index.js';
import { nativeRangeProblem } from '../../src/import/record-fields.js';
import type { TraceSink } from '../../src/import/types.js';
import { ByteBuilder } from '../../src/io/byte-builder.js';
import { MrtWriter } from '../../src/io/mrt-writer.js';

const TOP = 2n ** 64n;
const REGION = 2n ** 48n;

/** [op, address, size, old address] of one range each. */
type Range = readonly [op: string, addr: bigint, size: number, old?: bigint];

const hex = (a: bigint): string => '0x' + a.toString(16);

const FITS: Range[] = [
  ['mmap', TOP - 4096n, 4096], // ends exactly at 2^64
  ['mmap', 0x7f0000000000n, 1 << 20],
  ['munmap', REGION - 8192n, 8192], // ends exactly at 2^48
  ['mremap', 0xffff000000000000n, 65536, 0x7f0000000000n],
];
const PAST_2_64: Range[] = [
  ['mmap', TOP - 4096n, 8192],
  ['munmap', 0xfffffffffffff000n, 1 << 20],
  ['mremap', TOP - 1n, 2, 0x7f0000000000n],
];
const ACROSS_2_48: Range[] = [
  ['mmap', REGION - 4096n, 8192],
  ['mremap', 3n * REGION - 4096n, 1 << 20, 0x7f0000000000n],
];

function csvOf(ranges: readonly Range[]): string {
  const rows = ranges.map(([op, addr, size, old]) => `${op},${hex(addr)},${size},${old === undefined ? '' : hex(old)},native,`);
  return ['op,addr,size,old_addr,domain,label', 'alloc,0x10,16,,obj,', ...rows, 'free,0x10,,,obj,'].join('\n') + '\n';
}

function jsonlOf(ranges: readonly Range[]): string {
  const rows = ranges.map(([op, addr, size, old]) => ({ op, addr: hex(addr), size, domain: 'native', ...(old === undefined ? {} : { old_addr: hex(old) }) }));
  return [{ op: 'alloc', addr: '0x10', size: 16 }, ...rows, { op: 'free', addr: '0x10' }].map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** A .mrt of the ranges, written straight from a batch (a reader would refuse them). */
function mrtOf(ranges: readonly Range[]): Uint8Array {
  const out = new ByteBuilder();
  const ctx = new ImportContext('x.mrt');
  const writer = new MrtWriter({ write: (b) => out.append(b) }, ctx, {});
  writer.meta({});
  const batch = new EventBatch(16);
  ranges.forEach(([op, addr, size, old], n) => {
    const i = batch.push(OP_NAMES.indexOf(op), n + 1);
    batch.domain[i] = DOMAIN_NATIVE;
    batch.addr[i] = ctx.addresses.encodeBig(addr);
    batch.size[i] = size;
    if (old !== undefined) batch.oldAddr[i] = ctx.addresses.encodeBig(old);
  });
  writer.batch(batch);
  writer.finish();
  return out.view().slice();
}

const NO_SINK: TraceSink = { meta: () => undefined, batch: () => undefined };

function countEvents(bytes: Uint8Array | string, fileName: string, lenient: boolean): { events: number; skipped: number } {
  let events = 0;
  const summary = parseTraceBytes(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { fileName, lenient }, { meta: () => undefined, batch: (b) => void (events += b.length) });
  return { events, skipped: summary.ctx.skippedRecords };
}

function errorOf(bytes: Uint8Array | string, fileName: string): string {
  try {
    parseTraceBytes(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { fileName }, NO_SINK);
  } catch (e) {
    expect(e).toBeInstanceOf(MemreplayError);
    return (e as Error).message;
  }
  return 'no error';
}

describe('nativeRangeProblem', () => {
  const addresses = new ImportContext('x').addresses;
  const problem = ([op, addr, size]: Range): string | undefined => nativeRangeProblem(OP_NAMES.indexOf(op), addresses.encodeBig(addr), size, addresses);

  test.each(FITS)('%s at %s of %d bytes fits', (...range) => {
    expect(problem(range)).toBeUndefined();
  });
  test.each(PAST_2_64)('%s at %s of %d bytes runs past 2^64', (...range) => {
    expect(problem(range)).toBe(`${range[0]} of ${range[2]} bytes at ${hex(range[1])} runs past the end of the 64-bit address space (2^64)`);
  });
  test.each(ACROSS_2_48)('%s at %s of %d bytes crosses a 2^48 boundary', (...range) => {
    const boundary = (range[1] / REGION + 1n) * REGION;
    expect(problem(range)).toMatch(new RegExp(`^${range[0]} of ${range[2]} bytes at ${hex(range[1])} crosses the 2\\^48-byte boundary at ${hex(boundary)}:`));
  });
});

describe.each([
  ['csv', csvOf, 'x.csv', 3],
  ['jsonl', jsonlOf, 'x.jsonl', 2],
])('the %s reader', (_name, traceOf, fileName, firstRangeLine) => {
  test('reads ranges that fit', () => {
    expect(countEvents(traceOf(FITS), fileName, false)).toEqual({ events: FITS.length + 2, skipped: 0 });
  });

  test.each([...PAST_2_64, ...ACROSS_2_48])('refuses %s at %s of %d bytes with file and line', (...range) => {
    // After a range that fits, so the line number is the bad one's.
    const text = traceOf([FITS[1]!, range]);
    expect(errorOf(text, fileName)).toMatch(new RegExp(`^${fileName.replace('.', '\\.')}:${firstRangeLine + 1}: ${range[0]} of ${range[2]} bytes at ${hex(range[1])} (runs past|crosses)`));
  });

  test('skips and counts every bad range under --lenient, keeping the rest', () => {
    const bad = [...PAST_2_64, ...ACROSS_2_48];
    expect(countEvents(traceOf([...FITS, ...bad]), fileName, true)).toEqual({ events: FITS.length + 2, skipped: bad.length });
  });
});

describe('the .mrt reader', () => {
  test('reads ranges that fit', () => {
    expect(countEvents(mrtOf(FITS), 'x.mrt', false)).toEqual({ events: FITS.length, skipped: 0 });
  });

  test.each([...PAST_2_64, ...ACROSS_2_48])('refuses %s at %s of %d bytes with its record and byte offset', (...range) => {
    expect(errorOf(mrtOf([FITS[1]!, range]), 'x.mrt')).toMatch(
      new RegExp(`^x\\.mrt:2: record 2 \\(chunk at byte \\d+, payload byte \\d+\\): ${range[0]} of ${range[2]} bytes at ${hex(range[1])} (runs past|crosses)`),
    );
  });

  test('finds a low range past 2^48 in a chunk the fast path would take whole', () => {
    // All addresses below 2^48: the chunk has no 64-bit address to intern.
    expect(errorOf(mrtOf([FITS[1]!, [OP_NAMES[OP_MMAP]!, REGION - 4096n, 8192]]), 'x.mrt')).toMatch(/^x\.mrt:2: .*crosses the 2\^48-byte boundary at 0x1000000000000:/);
  });

  test('skips and counts every bad range under --lenient, on this thread and on a worker, the same', async () => {
    const bad = [...PAST_2_64, ...ACROSS_2_48];
    const bytes = mrtOf([...FITS, ...bad, FITS[1]!]);
    expect(countEvents(bytes, 'x.mrt', true)).toEqual({ events: FITS.length + 1, skipped: bad.length });
    for (const decodeThread of [false, true, 'worker' as const]) {
      let events = 0;
      const summary = await importTrace('-', { stdin: Readable.from([Buffer.from(bytes)]), lenient: true, decodeThread }, { meta: () => undefined, batch: (b) => void (events += b.length) });
      expect({ events, skipped: summary.ctx.skippedRecords }).toEqual({ events: FITS.length + 1, skipped: bad.length });
    }
  });
});
