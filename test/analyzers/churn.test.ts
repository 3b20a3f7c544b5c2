// Allocation churn by site (churn.ts) on hand-made traces, where every
// figure follows from the records: which allocations are temporary, the
// lifetimes, the mark window, the size classes requests round to, and
// totals that are the sums of the sites'.

import { describe, expect, it } from 'vitest';
import { ChurnAnalysis, type ChurnResult } from '../../src/analyzers/churn.js';
import { ImportContext } from '../../src/import/import-context.js';
import { parseTraceBytes } from '../../src/import/index.js';
import { Replayer } from '../../src/replay/replayer.js';
import type { ChurnOptions } from '../../src/options/churn-options.js';
import { alloc, free, hex, traceText } from './trace-text.js';

function churnOf(lines: string[], options: ChurnOptions = {}, top = 20): ChurnResult {
  const ctx = new ImportContext('t.csv');
  const churn = new ChurnAnalysis(ctx, { by: 'lineno' }, options, top);
  const replayer = new Replayer(ctx.addresses, { observers: [churn] });
  parseTraceBytes(Buffer.from(traceText(lines)), { context: ctx }, replayer);
  replayer.finish();
  return churn.result(replayer);
}

const mark = (label: string, ts = ''): string => `mark,,,,,${ts},,,,${label}`;
const realloc = (address: number, size: number, old: number, frames: string): string => `realloc,${hex(address)},${size},${hex(old)},obj,,,,"${frames}",`;
const siteOf = (r: ChurnResult, key: string) => r.sites.find((s) => s.key === key)!;

describe('allocation churn by site', () => {
  it("counts an allocation as temporary only when its own free comes next (heaptrack's rule)", () => {
    const r = churnOf([
      alloc(0x1000, 16, 'a.py:1'),
      free(0x1000), // directly after: temporary
      alloc(0x2000, 16, 'a.py:2'),
      alloc(0x3000, 16, 'a.py:3'),
      free(0x2000), // another allocation came between: not temporary
      free(0x3000), // its allocation was the last, but a free came between: not temporary
      alloc(0x4000, 16, 'a.py:4'),
      mark('m'), // marks are no allocation nor deallocation
      free(0x4000),
    ]);
    expect(r.sites.map((s) => [s.key, s.allocations, s.temporary])).toEqual([
      ['a.py:1', 1, 1],
      ['a.py:2', 1, 0],
      ['a.py:3', 1, 0],
      ['a.py:4', 1, 1],
    ]);
    expect(r.totals.temporary).toBe(2);
  });

  it('takes lifetimes in events and in the trace\'s nanoseconds, of the blocks freed; live ones count as allocations only', () => {
    const r = churnOf([
      alloc(0x1000, 10, 'a.py:1', '100'), // event 1
      alloc(0x2000, 10, 'a.py:1', '200'), // event 2
      alloc(0x3000, 10, 'a.py:1', '300'), // event 3, never freed
      free(0x1000, '1100'), // event 4: 3 events, 1000 ns
      free(0x2000, '5200'), // event 5: 3 events, 5000 ns
    ]);
    const s = siteOf(r, 'a.py:1');
    expect([s.allocations, s.allocatedBytes, s.freed]).toEqual([3, 30, 2]);
    expect(s.meanLifetimeEvents).toBe(3);
    expect(s.meanLifetimeNs).toBe(3000);
    const untimed = churnOf([alloc(0x1000, 10, 'a.py:1'), free(0x1000)]);
    expect(untimed.totals.meanLifetimeEvents).toBe(1);
    expect(untimed.totals.meanLifetimeNs).toBeNull();
    expect(churnOf([alloc(0x1000, 10, 'a.py:1')]).totals.meanLifetimeEvents).toBeNull();
  });

  it('counts a realloc that moves its block as the old block freed, then a new one; one that keeps its address as neither', () => {
    const r = churnOf([
      alloc(0x1000, 16, 'a.py:1'),
      realloc(0x2000, 100, 0x1000, 'a.py:2'), // moved: a.py:1's block ends (temporary: nothing between), a.py:2 allocates
      realloc(0x2000, 110, 0x2000, 'a.py:2'), // same address (and size class): the same block, resized
      free(0x2000),
    ]);
    // (Equal allocations: more bytes first.)
    expect(r.sites.map((s) => [s.key, s.allocations, s.allocatedBytes, s.temporary, s.freed])).toEqual([
      ['a.py:2', 1, 100, 0, 1],
      ['a.py:1', 1, 16, 1, 1],
    ]);
    expect(r.totals.allocations).toBe(2);
    // Resized in place from another stack, the block ends at that stack's site: counted in the totals, listed nowhere.
    const moved = churnOf([alloc(0x1000, 100, 'a.py:1'), realloc(0x1000, 110, 0x1000, 'a.py:9'), free(0x1000)]);
    expect(moved.sites.map((s) => [s.key, s.allocations, s.freed])).toEqual([['a.py:1', 1, 0]]);
    expect([moved.totals.allocations, moved.totals.freed, moved.totalSites]).toEqual([1, 1, 1]);
  });

  it('counts only the window between its marks: allocations made in it, frees while it is open', () => {
    const lines = [
      alloc(0x1000, 8, 'a.py:1'), // before the window: its free is not counted
      mark('go'),
      alloc(0x2000, 8, 'a.py:2'),
      free(0x1000),
      free(0x2000),
      alloc(0x3000, 8, 'a.py:3'), // freed after the window closed: no lifetime
      mark('stop'),
      free(0x3000),
      alloc(0x4000, 8, 'a.py:4'), // after the window
    ];
    const r = churnOf(lines, { from: 'go', to: 'stop' });
    expect(r.window).toEqual({ from: 'go', to: 'stop', firstEvent: 3, lastEvent: 7 });
    expect(r.sites.map((s) => [s.key, s.allocations, s.freed])).toEqual([
      ['a.py:2', 1, 1],
      ['a.py:3', 1, 0],
    ]);
    expect(churnOf(lines).totals.allocations).toBe(4);
    expect(churnOf(lines, { from: 'go' }).window).toEqual({ from: 'go', to: null, firstEvent: 3, lastEvent: 9 });
    expect(() => churnOf(lines, { from: 'nope' })).toThrow(/--churn-from "nope": no mark has that label/);
  });

  it('puts each request in the size class pymalloc rounds it to, and what the C library serves by power of two', () => {
    // 3.11: 16-byte alignment, requests of 1-512 bytes in classes 0-31.
    const r = churnOf([alloc(0x1000, 1, 'a.py:1'), alloc(0x2000, 16, 'a.py:1'), alloc(0x3000, 17, 'a.py:1'), alloc(0x4000, 512, 'a.py:1'), alloc(0x5000, 513, 'a.py:1'), alloc(0x6000, 1024, 'a.py:1'), alloc(0x7000, 1025, 'a.py:1'), alloc(0x8000, 0, 'a.py:1')]);
    expect(r.sizes.map((b) => [b.sizeClass, b.blockSize, b.minSize, b.maxSize, b.allocations, b.requestedBytes])).toEqual([
      [0, 16, 1, 16, 2, 17],
      [1, 32, 17, 32, 1, 17],
      [31, 512, 497, 512, 1, 512],
      [null, null, 0, 0, 1, 0],
      [null, null, 513, 1024, 2, 1537],
      [null, null, 1025, 2048, 1, 1025],
    ]);
    expect(r.sizes[0]!.blockBytes).toBe(32);
    expect(r.sizes.reduce((n, b) => n + b.allocations, 0)).toBe(r.totals.allocations);
  });

  it('lists the top sites by allocations, with totals over every site', () => {
    const lines: string[] = [];
    for (let site = 1; site <= 6; site++) for (let i = 0; i < site; i++) lines.push(alloc(0x10000 * site + 0x100 * i, 8 * site, `b.py:${site}`));
    const r = churnOf(lines, {}, 3);
    expect(r.sites.map((s) => s.key)).toEqual(['b.py:6', 'b.py:5', 'b.py:4']);
    expect(r.totalSites).toBe(6);
    expect(r.totals.allocations).toBe(21);
    expect(r.totals.allocatedBytes).toBe([1, 2, 3, 4, 5, 6].reduce((n, s) => n + s * s * 8, 0));
  });
});
