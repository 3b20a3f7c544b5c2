// Arena pinning, size-class occupancy and the arena map on a hand-written
// trace where one block of a known site holds an arena.

import { describe, expect, it } from 'vitest';
import { arenaMapOf, spread } from '../../src/analyzers/arena-map.js';
import { arenaPinning, SITES_PER_ARENA } from '../../src/analyzers/arena-pinning.js';
import { instantOf } from '../../src/analyzers/instant.js';
import { SiteTable, type SiteGroupingOptions } from '../../src/analyzers/site-table.js';
import type { Replayer } from '../../src/replay/replayer.js';
import type { ImportContext } from '../../src/import/import-context.js';
import { alloc, replayText } from './trace-text.js';
import { pinningTrace, TOTAL_EVENTS } from './pinning-trace.js';

const LIMITS = { top: 10, maxArenas: 10 };

function sitesOf(r: Replayer, ctx: ImportContext, grouping: SiteGroupingOptions = { by: 'lineno' }): SiteTable {
  return new SiteTable(ctx.stacks, r.geometry, grouping);
}

describe('arena pinning', () => {
  it('given one live 10-byte block of leak.py:5 in an arena, names that site as what keeps the arena', () => {
    const { replayer: r, ctx } = replayText(pinningTrace(), '3.8.18');
    expect(r.events).toBe(TOTAL_EVENTS);
    const p = arenaPinning(r, sitesOf(r, ctx), instantOf(r), LIMITS);
    expect(p.groupedBy).toBe('lineno');
    expect(p.pinnedArenas).toBe(1);
    expect(p.emptyArenas).toBe(0);
    expect(p.arenas).toHaveLength(1);
    expect(p.arenas[0]).toMatchObject({
      serial: 2,
      liveBlocks: 1,
      requestedBytes: 10,
      allocatedBlockBytes: 16,
      poolsInUse: 1,
      heldBytes: 262_144 - 16,
      sites: [{ site: 'leak.py:5', blocks: 1, allocatedBytes: 16 }],
      sitesOmitted: 0,
    });
    expect(p.heldBytes).toBe(262_144 - 16);
    expect(p.sitesByArenasPinned).toEqual([
      {
        site: 'leak.py:5',
        exampleStack: ['main.py:2', 'leak.py:5'],
        liveBlocks: 1,
        requestedBytes: 10,
        allocatedBytes: 16,
        quantizationWasteBytes: 6,
        arenasPinned: 1,
        arenasSolelyPinned: 1,
        poolsPinned: 1,
        poolsSolelyPinned: 1,
        keptUnusableBytes: 262_144 - 16,
      },
    ]);
  });

  it('at the arena peak, lists the nearly empty arena first and shares held bytes by blocks', () => {
    const { replayer: r, ctx } = replayText(pinningTrace(), '3.8.18', { stopAtEvent: 449 });
    expect(r.model.arenasCurrent).toBe(2);
    const p = arenaPinning(r, sitesOf(r, ctx), instantOf(r), LIMITS);
    expect(p.pinnedArenas).toBe(2);
    expect(p.arenas.map((a) => [a.serial, a.liveBlocks, a.sites[0]!.site])).toEqual([
      [2, 1, 'leak.py:5'],
      [1, 448, 'app.py:10'],
    ]);
    // The first arena is all 512-byte blocks: 64 pools x 7 blocks, 48-byte headers and 464 bytes of quantization each.
    expect(p.arenas[1]!.heldBytes).toBe(64 * (48 + 464));
    const app = p.sitesByArenasPinned.find((s) => s.site === 'app.py:10')!;
    expect(app).toMatchObject({ arenasPinned: 1, arenasSolelyPinned: 1, poolsPinned: 64, poolsSolelyPinned: 64, quantizationWasteBytes: 0 });
    expect(app.keptUnusableBytes).toBe(64 * 512);
    expect(p.sitesByKeptUnusableBytes[0]!.site).toBe('leak.py:5');
    expect(p.sitesByQuantizationWaste[0]!.site).toBe('leak.py:5');
  });

  it('caps the arenas listed and says how many it left out', () => {
    const { replayer: r, ctx } = replayText(pinningTrace(), '3.8.18', { stopAtEvent: 449 });
    const p = arenaPinning(r, sitesOf(r, ctx), instantOf(r), { top: 1, maxArenas: 1 });
    expect(p.arenas).toHaveLength(1);
    expect(p.arenasOmitted).toBe(1);
    expect(p.sitesByArenasPinned).toHaveLength(1);
    expect(p.totalSites).toBe(2);
  });

  it('names sites as --by asks: the function, the file, or the innermost frames of the traceback', () => {
    const { replayer: r, ctx } = replayText(pinningTrace(), '3.8.18');
    const site = (grouping: SiteGroupingOptions) => arenaPinning(r, sitesOf(r, ctx, grouping), instantOf(r), LIMITS).sitesByArenasPinned[0]!.site;
    expect(site({ by: 'filename' })).toBe('leak.py');
    expect(site({ by: 'traceback' })).toBe('main.py:2; leak.py:5');
    expect(site({ by: 'traceback', depth: 1 })).toBe('leak.py:5');
    const p = arenaPinning(r, sitesOf(r, ctx, { by: 'traceback', depth: 1 }), instantOf(r), LIMITS);
    expect([p.groupedBy, p.depth]).toEqual(['traceback', 1]);
  });

  it('groups blocks without a stack by domain and size class when the trace has no stacks', () => {
    const lines = pinningTrace().map((l) => l.replace(/"[^"]*"/, ''));
    const { replayer: r, ctx } = replayText(lines, '3.8.18');
    const p = arenaPinning(r, sitesOf(r, ctx), instantOf(r), LIMITS);
    expect(p.groupedBy).toBe('lineno');
    expect(p.arenas[0]!.sites[0]!.site).toBe('(no stack) obj size class 0 (16-byte blocks)');
    expect(p.sitesByArenasPinned[0]).not.toHaveProperty('exampleStack');
  });
});

describe('the arena map', () => {
  it('shows every pool of every arena: fill fraction, size class, and null for pools not carved yet', () => {
    const { replayer: r } = replayText(pinningTrace(), '3.8.18', { stopAtEvent: 449 });
    const map = arenaMapOf(r, instantOf(r), 10);
    expect(map).toMatchObject({ totalArenas: 2, arenasOmitted: 0, poolsPerArena: 64, arenaSizeBytes: 262_144, poolSizeBytes: 4096 });
    const [first, second] = [...map.arenas].sort((a, b) => a.serial - b.serial);
    expect(first!.pools).toEqual(new Array(64).fill(1));
    expect(first!.poolSizeClasses).toEqual(new Array(64).fill(31));
    expect(first).toMatchObject({ poolsInUse: 64, liveBlocks: 448, allocatedBlockBytes: 448 * 512 });
    expect(second!.pools[0]).toBe(Math.round((1 / 253) * 10_000) / 10_000);
    expect(second!.pools.slice(1)).toEqual(new Array(63).fill(null));
    expect(second!.poolSizeClasses[0]).toBe(0);
  });

  it('spreads a capped selection evenly, keeping the first and the last', () => {
    expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
    const { replayer: r } = replayText(pinningTrace(), '3.8.18', { stopAtEvent: 449 });
    const map = arenaMapOf(r, instantOf(r), 1);
    expect(map.arenas).toHaveLength(1);
    expect(map.arenasOmitted).toBe(1);
  });

  it('reads the names of the listed sites only: a site by traceback is named by up to 263 K characters', () => {
    // 2000 blocks of 512 bytes from 2000 distinct stacks fill 5 arenas (448 blocks each, 3.8).
    const lines = Array.from({ length: 2000 }, (_, i) => alloc(0x5000_0000 + i * 0x1000, 512, `main.py:1;s${i}.py:${i}`, String(i + 1)));
    const { replayer: r, ctx } = replayText(lines, '3.8.18');
    const named = new Set<number>();
    class CountingSiteTable extends SiteTable {
      override info(site: number): ReturnType<SiteTable['info']> {
        named.add(site);
        return super.info(site);
      }
    }
    const limits = { top: 3, maxArenas: 2 };
    const p = arenaPinning(r, new CountingSiteTable(ctx.stacks, r.geometry, { by: 'traceback' }), instantOf(r), limits);
    expect(p.totalSites).toBe(2000);
    expect(p.arenas).toHaveLength(2);
    expect(p.sitesByArenasPinned).toHaveLength(3);
    for (const s of [...p.sitesByArenasPinned, ...p.arenas.flatMap((a) => a.sites)]) expect(s.site).toMatch(/^main\.py:1; s\d+\.py:\d+$/);
    // Three rankings of `top` sites, and the sites of the arenas listed.
    expect(named.size).toBeLessThanOrEqual(3 * limits.top + limits.maxArenas * SITES_PER_ARENA);
  });
});
