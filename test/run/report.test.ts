// buildReport end to end: on the hand-written pinning trace (known sites,
// known peaks) and on a real CPython trace (agreement with analyze, stats
// and a replay stopped at the peak).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/run/analyze.js';
import { REPORT_SCHEMA, TIMELINE_METRICS, type ReportData } from '../../src/analyzers/report-data.js';
import { reportCharts } from '../../src/reports/report-html.js';
import { buildReport, REPORT_FLAME_LIMITS } from '../../src/run/report.js';
import { liveStacksAt } from '../../src/run/live-stacks.js';
import { callTreeOf, unflattenCallTree } from '../../src/analyzers/call-tree.js';
import { STACK_WEIGHTS } from '../../src/analyzers/live-stacks.js';
import { findLeaks } from '../../src/run/leaks.js';
import { parseSuppressions } from '../../src/suppressions/suppressions.js';
import { countersStats } from '../../src/models/pymalloc/stats.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import { BYTES_PEAK_EVENT, LEAK_EVENT, pinningTrace, TOTAL_EVENTS } from '../analyzers/pinning-trace.js';
import { alloc, free, mark, writeTrace } from '../analyzers/trace-text.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cpython-traces');

describe('buildReport on a trace where one block pins an arena', () => {
  const path = writeTrace(pinningTrace(), '3.8.18');

  it('finds the peaks, what was live at each, the pinning site and its growth', async () => {
    const d = await buildReport(path, { limits: { maxBuckets: 16 } });
    expect(d.schema).toBe(REPORT_SCHEMA);
    expect(d.highWater.arenas).toMatchObject({ value: 2, event: LEAK_EVENT, ts: LEAK_EVENT });
    expect(d.highWater.arenas.live.groups.map((g) => [g.key, g.blocks])).toEqual([
      ['app.py:10', 448],
      ['leak.py:5', 1],
    ]);
    expect(d.highWater.live_requested_bytes).toMatchObject({ value: 548 * 512 + 10, event: BYTES_PEAK_EVENT });
    expect(d.highWater.live_requested_bytes.live.groups[0]).toMatchObject({ key: 'app.py:10', blocks: 548 });
    expect(d.pinning.judged.sitesByArenasPinned[0]).toMatchObject({ site: 'leak.py:5', arenasSolelyPinned: 1 });
    expect(d.pinning.arenaPeak).toMatchObject({ event: LEAK_EVENT, pinnedArenas: 2 });
    expect(d.arenaMap.arenaPeak).toMatchObject({ event: LEAK_EVENT, totalArenas: 2 });
    expect(d.arenaMap.judged.totalArenas).toBe(1);
    expect(d.sizeClasses.arenaPeak!.classes.map((c) => [c.sizeClass, c.pools, c.blocksInUse, c.blockCapacity])).toEqual([
      [0, 1, 1, 253],
      [31, 64, 448, 448],
    ]);
    expect(d.sizeClasses.judged.classes).toEqual([
      { sizeClass: 0, blockSizeBytes: 16, pools: 1, blocksInUse: 1, blockCapacity: 253, utilisation: 1 / 253, availableBlockBytes: 252 * 16, quantizationBytes: 0 },
    ]);
    // The leak section is what `memreplay leaks` says: one site live at the end, held since event 449 (after the
    // warm-up, then no more: bounded).
    expect(d.leaks).toEqual(await findLeaks(path));
    expect(d.leaks.sites.map((s) => [s.key, s.blocks, s.requestedBytes, s.growth.class, s.arenasAlone])).toEqual([['leak.py:5', 1, 10, 'bounded', 1]]);
    expect(d.leaks.sites[0]!.first).toEqual({ event: LEAK_EVENT, ts: LEAK_EVENT });
    expect(d.timeline.buckets.at(-1)!.event).toBe(TOTAL_EVENTS);
    expect(Math.max(...d.timeline.buckets.map((b) => b.max.arenas))).toBe(2);
    expect(d.whatIf).toBeNull();
  });

  it('names sites as --by asks in every table, and passes the growth options to the leak section', async () => {
    const d = await buildReport(path, { sites: { by: 'traceback', depth: 2 }, growth: { warmup: { percent: 50 } } });
    expect(d.analyze.liveBlocks).toMatchObject({ groupedBy: 'traceback', depth: 2 });
    expect(d.analyze.liveBlocks.groups.map((g) => g.key)).toEqual(['main.py:2; leak.py:5']);
    expect(d.highWater.arenas.live.groups.map((g) => g.key)).toEqual(['main.py:1; app.py:10', 'main.py:2; leak.py:5']);
    expect(d.pinning.judged).toMatchObject({ groupedBy: 'traceback', depth: 2 });
    expect(d.pinning.judged.sitesByArenasPinned[0]!.site).toBe('main.py:2; leak.py:5');
    expect(d.leaks).toEqual(await findLeaks(path, { sites: { by: 'traceback', depth: 2 }, growth: { warmup: { percent: 50 } } }));
    expect(d.leaks.growth.warmup).toBeGreaterThan((await findLeaks(path)).growth.warmup);
  });

  it('leaves suppressed blocks out of the leak section only: the allocator sections still show them', async () => {
    const d = await buildReport(path, { growth: { suppressions: parseSuppressions('leak:leak.py:5\n', 'accepted.supp') } });
    expect(d.leaks.sites).toEqual([]);
    expect(d.leaks.suppressions).toEqual([{ pattern: 'leak.py:5', file: 'accepted.supp', line: 1, blocks: 1, bytes: 10 }]);
    expect(d.pinning.judged.sitesByArenasPinned[0]!.site).toBe('leak.py:5');
    expect(d.analyze.liveBlocks.groups[0]!.key).toBe('leak.py:5');
  });

  it('puts the what-if versions side by side, in the order asked', async () => {
    const d = await buildReport(path, { whatIf: ['3.11', '3.8'] });
    expect(d.whatIf!.map((w) => [w.version, w.arenasPeak.value, w.judged.arenas])).toEqual([
      ['3.11', 1, 1],
      ['3.8', 2, 1],
    ]);
    const { value, event } = d.analyze.highWater.footprint_bytes;
    expect(d.whatIf![1]!.footprintPeak).toMatchObject({ value, event });
    expect(d.whatIf![1]!.arenasFromTrace).toBe(false); // the trace has no arena records
  });

  it('shows the first pass, once, with all but the peaks final: the charts drawn early are the ones the page draws', async () => {
    const partials: ReportData[] = [];
    const d = await buildReport(path, { whatIf: ['3.8'] }, { onFirstPass: (p) => partials.push(structuredClone(p)) });
    expect(partials).toHaveLength(1);
    const p = partials[0]!;
    expect([p.flame, p.arenaMap.arenaPeak, p.pinning.arenaPeak, p.whatIf, p.markWindow]).toEqual([null, null, null, null, null]);
    expect(p.highWater.arenas.live.groups).toEqual([]);
    expect(d.flame).not.toBeNull();
    expect(d.arenaMap.arenaPeak).not.toBeNull();
    const { highWater: _h, flame: _f, arenaMap, pinning, whatIf: _w, ...settled } = d;
    expect(p).toMatchObject({ ...settled, arenaMap: { judged: arenaMap.judged }, pinning: { judged: pinning.judged } });
    const early = new Map(reportCharts(p).map((c) => [c.name, JSON.stringify(c.spec)]));
    const final = reportCharts(d);
    const same = final.filter((c) => early.get(c.name) === JSON.stringify(c.spec)).map((c) => c.name);
    expect(same).toEqual(expect.arrayContaining(['timeline', 'size-classes-peak', 'size-classes-end', 'arena-map-end']));
    expect(final.map((c) => c.name).filter((n) => !same.includes(n))).toEqual(['arena-map-peak', 'what-if']);
  });

  it('refuses standard input, which it could not read twice', async () => {
    await expect(buildReport('-')).rejects.toThrow(/more than once/);
  });
});

describe('buildReport on a real CPython trace (startup-3.11)', () => {
  const path = join(FIXTURES, 'startup-3.11.csv.gz');

  it('agrees with analyze, with the stats at the end and with a replay stopped at the arena peak', async () => {
    const [d, analyze] = await Promise.all([buildReport(path, { whatIf: ['3.11'] }), analyzeTrace(path, { churn: { count: true } })]);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d); // plain data, as a worker posts it
    // The report keeps churn beside the analysis (counted on the same first replay): the same figures.
    const { churn, ...analysis } = analyze;
    expect(d.analyze).toEqual(analysis);
    expect(d.churn).toEqual(churn);
    // The leak section is at the recorder's `stats` mark (interpreter alive), as `leaks --at stats`, from the same replay.
    expect(d.leaks).toEqual(await findLeaks(path, { instant: { at: 'stats' } }));
    expect(d.leaks.at.mark).toBe('stats');
    for (const m of TIMELINE_METRICS) {
      const max = Math.max(...d.timeline.buckets.map((b) => b.max[m]));
      if (m === 'arenas') expect(max).toBe(analyze.highWater.arenas.value);
      if (m === 'footprintBytes') expect(max).toBe(analyze.highWater.footprint_bytes.value);
    }
    // Every section is judged at the `stats` mark, captured on the way: as a replay stopped there sees it.
    expect(d.at).toMatchObject({ mark: 'stats', end: false, event: d.leaks.at.event });
    const { replayer: end } = await replayTrace(path, { stopAtMark: 'stats' });
    const stats = countersStats(end.model);
    expect(d.sizeClasses.judged.classes.map((c) => [c.sizeClass, c.pools, c.blocksInUse])).toEqual(
      stats.classes.map((c) => [c.sizeClass, c.pools, c.blocksInUse]),
    );
    expect(d.arenaMap.judged.totalArenas).toBe(stats.arenasCurrent);
    expect(d.arenaMap.judged.arenas.reduce((n, a) => n + a.liveBlocks, 0)).toBe(end.model.blocksInUseTotal);
    expect(d.arenaMap.judged.arenas.reduce((n, a) => n + a.poolsInUse, 0)).toBe(stats.classes.reduce((n, c) => n + c.pools, 0));
    expect(d.pinning.judged.pinnedArenas + d.pinning.judged.emptyArenas).toBe(stats.arenasCurrent);

    const peakEvent = analyze.highWater.arenas.event;
    const { replayer: atPeak } = await replayTrace(path, { stopAtEvent: peakEvent });
    expect(d.highWater.arenas.live.totalBlocks).toBe(atPeak.liveBlockCount);
    expect(d.pinning.arenaPeak!.pinnedArenas + d.pinning.arenaPeak!.emptyArenas).toBe(analyze.highWater.arenas.value);
    expect(d.arenaMap.arenaPeak!.arenas.reduce((n, a) => n + a.liveBlocks, 0)).toBe(atPeak.model.blocksInUseTotal);
    expect(d.sizeClasses.arenaPeak!.classes.map((c) => c.blocksInUse)).toEqual(
      countersStats(atPeak.model).classes.map((c) => c.blocksInUse),
    );
    expect(d.whatIf![0]).toMatchObject({ version: '3.11', arenasFromTrace: true, arenasPeak: { value: analyze.highWater.arenas.value } });
  });
});

describe("the report's flame graphs", () => {
  it('are the live stacks at the footprint high-water mark, from the peak log of the one replay: the same as memreplay flamegraph finds there', async () => {
    const path = writeTrace(pinningTrace(), '3.8.18');
    const d = await buildReport(path, { limits: { maxBuckets: 16 } });
    const alone = await liveStacksAt(path, { instant: { kind: 'footprint-peak' } });
    expect(d.flame).toMatchObject({ event: alone.at.event, footprintBytes: alone.footprintBytes });
    expect(d.flame!.event).toBe(d.highWater.footprint_bytes.event);
    for (const weight of STACK_WEIGHTS) {
      expect(unflattenCallTree(d.flame!.trees[weight])).toEqual(callTreeOf(alone.live, weight, REPORT_FLAME_LIMITS));
    }
    expect(d.flame!.trees.blocks.nodes[0]!.blocks).toBe(LEAK_EVENT);
  });
});

describe("the report's churn", () => {
  // Allocations before the mark, a mark, then more after it: counted up to
  // the mark the report judges at, as every other section is.
  const lines = [alloc(0x1000, 24, 'a.py:1'), alloc(0x2000, 24, 'a.py:1'), free(0x1000), mark('half'), alloc(0x3000, 40, 'b.py:2'), alloc(0x4000, 40, 'b.py:2'), free(0x3000)];
  const path = writeTrace(lines, '3.11.7');

  it('ends at the --at mark, as the rest of the report, unless --churn-to says otherwise', async () => {
    const atHalf = await buildReport(path, { instant: { at: 'half' } });
    expect(atHalf.at.mark).toBe('half');
    expect(atHalf.churn.window).toMatchObject({ to: 'half', lastEvent: 4 });
    expect(atHalf.churn.totals).toMatchObject({ allocations: 2, allocatedBytes: 48, freed: 1 });
    expect(atHalf.churn.sites.map((s) => s.key)).toEqual(['a.py:1']);
    // analyze judges the same instant and counts the same churn.
    expect((await analyzeTrace(path, { instant: { at: 'half' }, churn: { count: true } })).churn).toEqual(atHalf.churn);

    const atEnd = await buildReport(path, { instant: { atEnd: true } });
    expect(atEnd.churn.window.to).toBeNull();
    expect(atEnd.churn.totals.allocations).toBe(4);
    const churnToGiven = await buildReport(path, { instant: { at: 'half' }, churn: { from: 'half' } });
    expect(churnToGiven.churn.totals.allocations).toBe(2);
    expect(churnToGiven.churn.sites.map((s) => s.key)).toEqual(['b.py:2']);
  });
});
