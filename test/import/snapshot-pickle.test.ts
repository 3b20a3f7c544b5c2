// Snapshot.dump() pickles as snapshots: the shapes of CPython 3.8 and 3.9+,
// chunked reading, and clear errors for pickles of other things.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MemreplayError } from '../../src/errors.js';
import { parseSnapshotPickle, readSnapshotPickle } from '../../src/import/snapshot-pickle.js';
import { pk, u32 } from './pickle/assemble.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'tracemalloc');

/** A protocol 2 Snapshot pickle around the given _traces list body. */
function snapshotPickle(tracesBody: (number | string | Uint8Array | (number | string)[])[], limit = 1): Uint8Array {
  return pk(
    0x80, 2, 'ctracemalloc\nSnapshot\n', ')', 0x81, '}', '(',
    'X', u32(6), 'traces', 'ctracemalloc\n_Traces\n', ')', 0x81, '}', 'X', u32(7), '_traces', ']', '(', ...tracesBody, 'e', 's', 'b',
    'X', u32(15), 'traceback_limit', 'K', limit, 'u', 'b', '.',
  );
}
const frame = (file: string, line: number): (number | string)[] => ['X', ...u32(file.length), file, 'K', line, 0x86];

describe('Snapshot.dump() pickles', () => {
  test('a 3.8 dump (3-tuples) and a 3.13 dump (4-tuples with total_nframe) read alike', () => {
    for (const v of ['3.8', '3.13']) {
      const s = parseSnapshotPickle(readFileSync(join(FIXTURES, v, 'new.pickle')), 'new.pickle');
      expect(s.format).toBe('pickle');
      expect(s.tracebackLimit).toBe(6);
      expect(s.traceCount).toBeGreaterThan(2000);
      expect(s.tracebacks.reduce((n, t) => n + t.count, 0)).toBe(s.traceCount);
      expect(s.tracebacks.reduce((n, t) => n + t.size, 0)).toBe(s.totalSize);
      // The 3 MiB bytearray: innermost frame app/𝔘nicode.py:4, oldest <string>:1.
      const big = s.tracebacks.find((t) => t.frames[t.frames.length - 1]!.filename === 'app/\u{1d518}nicode.py' && t.frames[t.frames.length - 1]!.lineno === 4 && t.size > 3 << 20);
      expect(big).toBeDefined();
      expect(big!.frames[0]).toEqual({ filename: '<string>', lineno: 1 });
    }
  });

  test('read in chunks of any size, the snapshot is the same', async () => {
    const bytes = readFileSync(join(FIXTURES, '3.13', 'old.pickle'));
    const whole = parseSnapshotPickle(bytes, 'old.pickle');
    for (const step of [1, 5, 64, 1000]) {
      async function* chunks(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < bytes.length; i += step) yield bytes.subarray(i, i + step);
      }
      expect(await readSnapshotPickle(chunks(), 'old.pickle')).toEqual(whole);
    }
  });

  test('traces sharing one traceback tuple are summed under it; an empty traceback is <unknown>:0', () => {
    const s = parseSnapshotPickle(
      snapshotPickle([
        '(', 'K', 0, 'K', 10, '(', ...frame('b.py', 2), ...frame('a.py', 1), 't', 'q', 9, 't',
        '(', 'K', 0, 'K', 5, 'h', 9, 'N', 't',
        '(', 'K', 1, 'K', 7, ')', 't',
      ]),
      's.pickle',
    );
    expect(s.traceCount).toBe(3);
    expect(s.totalSize).toBe(22);
    expect(s.tracebacks.map((t) => [t.frames.map((f) => `${f.filename}:${f.lineno}`), t.size, t.count])).toEqual([
      [['a.py:1', 'b.py:2'], 15, 2], // oldest first: tracemalloc stores the most recent frame first
      [['<unknown>:0'], 7, 1],
    ]);
  });

  test('frames sharing one long file name cost a digest each in the traceback keys, not the name (2 bytes of pickle a frame)', () => {
    // One 16 000-character file name (memo 0), then 2000 distinct tracebacks of 100 frames naming it: spelt
    // out, their keys would be 3.2 G characters.
    const name = 'p'.repeat(16_000);
    const traces: (number | string)[] = [];
    for (let t = 0; t < 2000; t++) {
      traces.push('(', 'K', 0, 'K', 8, '(');
      for (let f = 0; f < 100; f++) traces.push('h', 0, 'M', (t * 100 + f) & 0xff, ((t * 100 + f) >> 8) & 0xff, 0x86);
      traces.push('t', 't');
    }
    const s = parseSnapshotPickle(snapshotPickle(['X', ...u32(name.length), name, 'q', 0, '0', traces]), 's.pickle');
    expect(s.traceCount).toBe(2000);
    expect(s.tracebacks).toHaveLength(2000);
    // 100 frame keys of 50 characters are more than 1024: each traceback's key is its digest.
    expect(s.tracebacks.every((t) => t.key.length === 45 && t.key.startsWith('!'))).toBe(true);
    expect(s.tracebacks[1]!.frames[99]).toEqual({ filename: name, lineno: 100 });
  });

  test('a traceback of 5000 frames is found by a short key (V8 hashes long strings by their length alone)', () => {
    const traces: (number | string)[] = [];
    for (let t = 0; t < 3; t++) {
      traces.push('(', 'K', 0, 'K', 8, '(');
      for (let f = 0; f < 5000; f++) traces.push(...frame('a.py', f % 200));
      traces.push('t', 't');
    }
    const s = parseSnapshotPickle(snapshotPickle([traces]), 's.pickle');
    expect(s.tracebacks).toHaveLength(1);
    expect(s.tracebacks[0]!.count).toBe(3);
    expect(s.tracebacks[0]!.frames).toHaveLength(5000);
    expect(s.tracebacks[0]!.key.length).toBe(45);
  });

  test('a frame whose file name is longer than any path is refused with the bound', () => {
    const name = 'p'.repeat(40_000);
    expect(() => parseSnapshotPickle(snapshotPickle(['(', 'K', 0, 'K', 8, '(', ...frame(name, 1), 't', 't']), 's.pickle')).toThrow(
      "s.pickle: a frame's file name has 40000 characters; memreplay accepts at most 16383",
    );
  });

  test.each([
    ['a list instead of a Snapshot', pk(0x80, 2, ']', '.'), 's.pickle: not a tracemalloc snapshot: the pickle holds a list, not a tracemalloc.Snapshot'],
    ['a trace of 2 items', snapshotPickle(['K', 0, 'K', 1, 0x86]), 's.pickle: not a tracemalloc snapshot: traces[0] is a tuple of 2, expected (domain, size, traceback[, total_nframe])'],
    ['a negative size', snapshotPickle(['K', 0, 'J', u32(-3 >>> 0), ')', 0x87]), 's.pickle: not a tracemalloc snapshot: traces[0]: size is the int -3, expected an int >= 0'],
    ['a frame without a line', snapshotPickle(['K', 0, 'K', 1, 'X', u32(4), 'a.py', 0x85, 0x85, 0x87]), 's.pickle: not a tracemalloc snapshot: traces[0]: frame 0 is a tuple of 1, expected (filename: str, lineno: int)'],
  ])('%s is a clear error', (_what, bytes, message) => {
    expect(() => parseSnapshotPickle(bytes, 's.pickle')).toThrow(MemreplayError);
    expect(() => parseSnapshotPickle(bytes, 's.pickle')).toThrow(message);
  });
});
