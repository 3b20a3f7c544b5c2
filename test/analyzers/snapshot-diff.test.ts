// compare_to's rules, one at a time, on snapshots built by hand (the
// end-to-end comparison with Python is test/cli/diff-snapshots.test.ts).

import { describe, expect, test } from 'vitest';
import { compareCodePoints, compareSnapshots, compareTracebacks, groupStatistics, type DiffKey } from '../../src/analyzers/snapshot-diff.js';
import { SnapshotBuilder, type Snapshot } from '../../src/events/snapshot.js';

/** traces: [size, frames oldest first as "file:line"]. */
function snapshot(traces: [number, string[]][]): Snapshot {
  const b = new SnapshotBuilder('t');
  for (const [size, frames] of traces) {
    const list = frames.map((f) => {
      const i = f.lastIndexOf(':');
      return b.frame(f.slice(0, i), Number(f.slice(i + 1)));
    });
    b.add(b.traceback(list), size);
  }
  return b.build('jsonl', null, null);
}

const rows = (newer: Snapshot, older: Snapshot, key: DiffKey, cumulative = false) =>
  compareSnapshots(newer, older, key, cumulative).map((s) => [s.frames.map((f) => `${f.filename}:${f.lineno}`).join(' < '), s.size, s.sizeDiff, s.count, s.countDiff]);

describe('grouping', () => {
  const snap = snapshot([
    [10, ['main.py:1', 'lib.py:5', 'lib.py:9']],
    [20, ['main.py:2', 'lib.py:5', 'lib.py:9']],
    [5, ['main.py:1', 'util.py:3']],
  ]);

  test('lineno groups by the most recent frame; filename by its file, line 0; traceback by all frames', () => {
    const g = (key: DiffKey) => [...groupStatistics(snap, key, false).values()].map((s) => [s.frames.map((f) => `${f.filename}:${f.lineno}`).join(' < '), s.size, s.count]);
    expect(g('lineno')).toEqual([['lib.py:9', 30, 2], ['util.py:3', 5, 1]]);
    expect(g('filename')).toEqual([['lib.py:0', 30, 2], ['util.py:0', 5, 1]]);
    expect(g('traceback')).toEqual([
      ['main.py:1 < lib.py:5 < lib.py:9', 10, 1],
      ['main.py:2 < lib.py:5 < lib.py:9', 20, 1],
      ['main.py:1 < util.py:3', 5, 1],
    ]);
  });

  test('cumulative counts a trace under every frame, once per occurrence (a file twice in a stack counts twice)', () => {
    const lineno = groupStatistics(snap, 'lineno', true);
    expect(lineno.size).toBe(5); // main.py:1, main.py:2, lib.py:5, lib.py:9, util.py:3
    const byFile = new Map([...groupStatistics(snap, 'filename', true).values()].map((s) => [s.frames[0]!.filename, [s.size, s.count]]));
    expect(byFile.get('lib.py')).toEqual([60, 4]);
    expect(byFile.get('main.py')).toEqual([35, 3]);
  });

  test('recursion: a line on the stack three times counts the block three times', () => {
    const rec = snapshot([[8, ['a.py:1', 'a.py:2', 'a.py:2', 'a.py:2', 'a.py:3']]]);
    const s = [...groupStatistics(rec, 'lineno', true).values()].find((x) => x.frames[0]!.lineno === 2)!;
    expect([s.size, s.count]).toEqual([24, 3]);
  });

  test('cumulative with traceback is refused, as in tracemalloc', () => {
    expect(() => groupStatistics(snap, 'traceback', true)).toThrow(/not by 'traceback'/);
  });
});

describe('comparing and ordering', () => {
  test('new, grown, unchanged and vanished groups; descending by |size diff|, size, |count diff|, count, traceback', () => {
    const older = snapshot([
      [100, ['a.py:1']],
      [40, ['gone.py:1']],
      [7, ['same.py:1']],
    ]);
    const newer = snapshot([
      [160, ['a.py:1']],
      [60, ['new.py:1']],
      [7, ['same.py:1']],
      [60, ['new.py:2']],
    ]);
    expect(rows(newer, older, 'lineno')).toEqual([
      ['a.py:1', 160, 60, 1, 0], // |size diff| 60 three times: the larger size first
      ['new.py:2', 60, 60, 1, 1], // then equal in everything but the traceback: descending
      ['new.py:1', 60, 60, 1, 1],
      ['gone.py:1', 0, -40, 0, -1], // only in the old snapshot: size 0, negative diffs
      ['same.py:1', 7, 0, 1, 0],
    ]);
  });

  test('size breaks a tie of |size diff| before traceback does', () => {
    const older = snapshot([[10, ['b.py:1']]]);
    const newer = snapshot([[20, ['b.py:1']], [10, ['z.py:1']]]);
    expect(rows(newer, older, 'lineno').map((r) => r[0])).toEqual(['b.py:1', 'z.py:1']);
  });

  test('tracebacks compare frames oldest first, file names by code point, then lines; a prefix sorts first', () => {
    const f = (...frames: [string, number][]) => frames.map(([filename, lineno]) => ({ filename, lineno }));
    expect(compareTracebacks(f(['a', 1], ['b', 2]), f(['a', 1], ['b', 10]))).toBeLessThan(0);
    expect(compareTracebacks(f(['a', 9]), f(['b', 1]))).toBeLessThan(0);
    expect(compareTracebacks(f(['a', 1]), f(['a', 1], ['a', 0]))).toBeLessThan(0);
    expect(compareTracebacks(f(['a', 1]), f(['a', 1]))).toBe(0);
  });

  test('code-point order, not UTF-16 order: U+FF21 sorts before U+1D518', () => {
    expect('\uff21' < '\u{1d518}').toBe(false); // JS: 0xFF21 > 0xD835
    expect(compareCodePoints('\uff21', '\u{1d518}')).toBeLessThan(0);
    expect(compareCodePoints('a\u{1d518}', 'a\uffff')).toBeGreaterThan(0);
    expect(compareCodePoints('\ud800', '\ue000')).toBeLessThan(0); // a lone surrogate is its own code point
    expect(compareCodePoints('\ud800\ue000', '\u{10000}')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abd')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
  });
});
