// tracemalloc's _format_size and StatisticDiff.__str__: Python's rounding
// (half to even on the exact binary value) where JS's toFixed differs.

import { spawnSync } from 'node:child_process';
import { describe, expect, it, test } from 'vitest';
import { formatSize, formatStatisticDiff } from '../../src/reports/diff-tracemalloc.js';
import { pyFixed } from '../../src/reports/python-format.js';
import { findPython3 } from '../python-interpreters.js';

describe('Python number formatting', () => {
  test("exact ties round half to even, as '%.Nf' does (toFixed rounds them up)", () => {
    expect(pyFixed(2.5, 0)).toBe('2');
    expect((2.5).toFixed(0)).toBe('3');
    expect(pyFixed(3.5, 0)).toBe('4');
    expect(pyFixed(10.25, 1)).toBe('10.2');
    expect(pyFixed(10.75, 1)).toBe('10.8');
    expect(pyFixed(0.125, 2)).toBe('0.12');
    expect(pyFixed(-2.5, 0, true)).toBe('-2');
    expect(pyFixed(0, 0, true)).toBe('+0');
    expect(pyFixed(-0, 1)).toBe('-0.0');
    expect(pyFixed(1e22, 0)).toBe('10000000000000000000000');
    expect(pyFixed(5e-324, 1)).toBe('0.0');
  });

  test('_format_size picks units as tracemalloc does', () => {
    expect(formatSize(0, true)).toBe('+0 B');
    expect(formatSize(-0, true)).toBe('+0 B');
    expect(formatSize(10239, false)).toBe('10239 B');
    expect(formatSize(10240, false)).toBe('10.0 KiB');
    expect(formatSize(10496, false)).toBe('10.2 KiB'); // 10.25 KiB, a tie
    expect(formatSize(102400, true)).toBe('+100 KiB');
    expect(formatSize(-3 * 1024 * 1024, true)).toBe('-3072 KiB');
    expect(formatSize(2 ** 40 * 20000, false)).toBe('20000 TiB');
  });

  test('str(StatisticDiff): the oldest frame, signed diffs, average only with a count', () => {
    const frames = [{ filename: 'main.py', lineno: 3 }, { filename: 'lib.py', lineno: 7 }];
    expect(formatStatisticDiff({ frames, size: 5, sizeDiff: 5, count: 2, countDiff: 2 })).toBe('main.py:3: size=5 B (+5 B), count=2 (+2), average=2 B');
    expect(formatStatisticDiff({ frames, size: 0, sizeDiff: -40, count: 0, countDiff: -1 })).toBe('main.py:3: size=0 B (-40 B), count=0 (-1)');
  });

  const python = findPython3();
  it.skipIf(python === null)(`agrees with python3 on thousands of sizes and averages${python === null ? ' (skipped: no python3 on PATH)' : ''}`, () => {
    let seed = 12345; // a fixed sequence, so a failure reproduces
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const sizes: number[] = [];
    for (let e = 0; e < 45; e++) for (const m of [1, 3, 5, 7, 9, 10, 11, 99, 100, 101, 1023, 1024, 1025]) sizes.push(Math.floor(m * 2 ** e));
    for (let i = 0; i < 2000; i++) sizes.push(Math.floor(random() * 2 ** Math.floor(random() * 52)));
    const averages: [number, number][] = [];
    for (let i = 0; i < 1000; i++) averages.push([Math.floor(random() * 2 ** 40), 1 + Math.floor(random() * 1000)]);
    for (const [s, c] of [[5, 2], [10496, 1], [2561, 2], [20481, 2], [102912, 1], [205825, 2]] as const) averages.push([s, c]);
    const script = `
import json, sys, tracemalloc
data = json.load(sys.stdin)
out = []
for s in data["sizes"]:
    out.append([tracemalloc._format_size(s, False), tracemalloc._format_size(s, True), tracemalloc._format_size(-s, True)])
for s, c in data["averages"]:
    out.append([tracemalloc._format_size(s / c, False)])
print(json.dumps(out))
`;
    const r = spawnSync(python!, ['-c', script], { input: JSON.stringify({ sizes, averages }), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const expected = JSON.parse(r.stdout);
    const ours = [
      ...sizes.map((s) => [formatSize(s, false), formatSize(s, true), formatSize(-s, true)]),
      ...averages.map(([s, c]) => [formatSize(s / c, false)]),
    ];
    expect(ours).toEqual(expected);
  });
});
