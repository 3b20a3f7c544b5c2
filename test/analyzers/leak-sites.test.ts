// Leak sites: the sites holding the most bytes at the end and how those bytes
// built up, from the allocating event of each live block.

import { describe, expect, it } from 'vitest';
import { leakSites } from '../../src/analyzers/leak-sites.js';
import { SiteKeys } from '../../src/analyzers/live-sites.js';
import { alloc, free, replayText } from './trace-text.js';

function sitesOf(lines: string[], top: number, points: number) {
  const { replayer: r, ctx } = replayText(lines);
  return leakSites(r, new SiteKeys(r, ctx.stacks, true), top, points);
}

describe('leak sites', () => {
  it('accumulates each site’s surviving bytes at the growth point at or after their allocation', () => {
    const lines = [
      alloc(0x1000, 100, 'a.py:1'), // event 1
      alloc(0x2000, 40, 'b.py:2'), // 2
      alloc(0x3000, 100, 'a.py:1'), // 3: freed below, so not part of the growth
      free(0x3000), // 4
      alloc(0x4000, 60, 'b.py:2'), // 5
      alloc(0x5000, 100, 'a.py:1'), // 6
      alloc(0x6000, 5, 'c.py:3'), // 7
      alloc(0x7000, 1, 'c.py:3'), // 8
    ];
    const s = sitesOf(lines, 2, 4);
    expect(s.growthEvents).toEqual([2, 4, 6, 8]);
    expect(s.totalSites).toBe(3);
    expect(s.sites.map((x) => [x.site, x.requestedBytes, x.growthBytes])).toEqual([
      ['a.py:1', 200, [100, 100, 200, 200]],
      ['b.py:2', 100, [40, 40, 100, 100]],
    ]);
    expect(s.sites[0]).toMatchObject({ blocks: 2, firstEvent: 1, lastEvent: 6, exampleStack: ['a.py:1'] });
  });

  it('uses one point per event when the trace is shorter than the points asked for', () => {
    const s = sitesOf([alloc(0x1000, 10, 'a.py:1'), alloc(0x2000, 10, 'a.py:1')], 5, 32);
    expect(s.growthEvents).toEqual([1, 2]);
    expect(s.sites[0]!.growthBytes).toEqual([10, 20]);
  });
});
