// PeakLog (peak-log.ts): the live set as of each high-water instant, read
// from the replay as it ended, must be the live set a replay stopped at that
// instant holds — the same blocks in the same order, so every walk over it
// (sites, stacks, the arena map, pinning) gives the same result.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportContext } from '../../src/import/import-context.js';
import { PeakLog } from '../../src/analyzers/peak-log.js';
import { PEAK_SITE_METRICS } from '../../src/analyzers/report-data.js';
import { groupLiveBlocks } from '../../src/analyzers/live-sites.js';
import { liveStacksOf } from '../../src/analyzers/live-stacks.js';
import { arenaMapOf } from '../../src/analyzers/arena-map.js';
import { arenaPinning } from '../../src/analyzers/arena-pinning.js';
import { instantOf } from '../../src/analyzers/instant.js';
import { SiteTable } from '../../src/analyzers/site-table.js';
import { NOT_PYMALLOC } from '../../src/models/pymalloc/pymalloc-view.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import type { ReplayObserver, ReplayView } from '../../src/replay/replay-view.js';
import { alloc, free, hex, writeTrace } from './trace-text.js';

const TRACES = join(__dirname, '..', '..', 'traces');

/** Every live block as a walk meets it: what it is, with its pool's size class as the walk reads it. */
function liveList(r: ReplayView): (number | string)[][] {
  const out: (number | string)[][] = [];
  r.forEachLiveBlock((pool, size, stack, domain, event, ts, model, place) => {
    out.push([pool, pool === NOT_PYMALLOC ? -1 : model.poolSizeClass(pool), size, stack, domain, event, String(ts), place]);
  });
  return out;
}

/** Counts the in-place resizes after the first peak candidate: what the log must follow beyond frees. */
class Resizes implements ReplayObserver {
  keeping = 0;
  renewing = 0;
  onBlockResized(_r: ReplayView, keepsAllocEvent: boolean): void {
    if (keepsAllocEvent) this.keeping++;
    else this.renewing++;
  }
}

async function expectSameAsStopped(path: string): Promise<{ resizes: Resizes; peaks: number }> {
  const ctx = new ImportContext('t');
  const log = new PeakLog(PEAK_SITE_METRICS);
  const resizes = new Resizes();
  const { replayer: r } = await replayTrace(path, { context: ctx, observers: [log, resizes] });
  const events = new Set(PEAK_SITE_METRICS.map((m) => r.highWater.point(m).event).filter((e) => e > 0));
  let liveAtPeaks = 0;
  for (const event of events) {
    const at = log.at(r, event);
    // One view per peak, asked for by every walk there: each walk below goes over it again.
    expect(log.at(r, event)).toBe(at);
    const stoppedCtx = new ImportContext('t');
    const { replayer: stopped } = await replayTrace(path, { context: stoppedCtx, stopAtEvent: event });
    liveAtPeaks += stopped.liveBlockCount;
    expect(liveList(at)).toEqual(liveList(stopped));
    for (const by of ['lineno', 'traceback'] as const) {
      expect(groupLiveBlocks(at, ctx.stacks, { by }, 20)).toEqual(groupLiveBlocks(stopped, stoppedCtx.stacks, { by }, 20));
    }
    expect(liveStacksOf(at, ctx.stacks)).toEqual(liveStacksOf(stopped, stoppedCtx.stacks));
    if (event !== r.highWater.point('arenas').event) continue;
    const instant = instantOf(stopped);
    expect(arenaMapOf(at, instant, 256)).toEqual(arenaMapOf(stopped, instant, 256));
    const limits = { top: 20, maxArenas: 64 };
    expect(arenaPinning(at, new SiteTable(ctx.stacks, at.geometry, { by: 'lineno' }), instant, limits)).toEqual(
      arenaPinning(stopped, new SiteTable(stoppedCtx.stacks, stopped.geometry, { by: 'lineno' }), instant, limits),
    );
  }
  // Bounded by the blocks live at the peaks, never by the events.
  expect(log.logged).toBeLessThanOrEqual(liveAtPeaks);
  return { resizes, peaks: events.size };
}

describe('the live set at each high-water instant, from the replay as it ended', () => {
  it.each(['startup-3.8', 'startup-3.11', 'startup-3.13', 'leak-3.11', 'reclaim-3.11', 'churn-3.11'])(
    'is what a replay stopped there holds: %s',
    async (name) => {
      const { peaks } = await expectSameAsStopped(join(TRACES, `${name}.csv.gz`));
      expect(peaks).toBeGreaterThan(0);
    },
    60_000,
  );

  it('follows blocks resized in place after a peak, in the pool store (keeping their allocating event) and in the hash', async () => {
    // The sample traces resize pymalloc blocks in their pool slot; this one,
    // whose addresses the model does not predict, keeps every block in the
    // hash: a same-address realloc there renews the record.
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(alloc(0x10000 + i * 0x40, 24, `a.py:${i % 3}`));
    lines.push(alloc(0x90000, 2000, 'big.py:1'));
    for (let i = 0; i < 10; i++) lines.push(free(0x10000 + i * 0x40));
    lines.push(`realloc,${hex(0x90000)},1000,${hex(0x90000)},obj,,,,"other.py:7",`);
    lines.push(`realloc,${hex(0x10000 + 20 * 0x40)},30,${hex(0x10000 + 20 * 0x40)},obj,,,,"other.py:8",`);
    for (let i = 10; i < 20; i++) lines.push(free(0x10000 + i * 0x40));
    const path = writeTrace(lines, '3.11.7');
    const { resizes } = await expectSameAsStopped(path);
    expect(resizes.renewing).toBeGreaterThan(0);
  });

  it('is exercised by resizes that keep their allocating event on the sample traces', async () => {
    const { resizes } = await expectSameAsStopped(join(TRACES, 'reclaim-3.11.csv.gz'));
    expect(resizes.keeping).toBeGreaterThan(0);
  }, 60_000);
});
