// A synthetic ReportData for the renderer tests: shaped like a real report
// (every section filled, consistent sums) but built in microseconds, with
// every string that would come from a trace replaced by `text(i)` so a test
// can put hostile text everywhere at once. The CLI and browser tests render
// reports of real traces; this one covers what real traces rarely have.

import type { AnalyzeResult } from '../../src/analyzers/analyze.js';
import { callTreeOf, flattenCallTree, type FlatCallTree } from '../../src/analyzers/call-tree.js';
import { STACK_WEIGHTS, type StackWeight } from '../../src/analyzers/live-stacks.js';
import type { FragmentationSummary } from '../../src/analyzers/fragmentation.js';
import type { LeaksResult, LeaksSite } from '../../src/analyzers/leaks.js';
import type { GrowthClass } from '../../src/analyzers/growth-rule.js';
import type { LiveBlocksSummary } from '../../src/analyzers/live-sites.js';
import {
  PEAK_SITE_METRICS,
  REPORT_SCHEMA,
  TIMELINE_METRICS,
  type ArenaMap,
  type ArenaPinning,
  type PeakSites,
  type PinningSite,
  type ReportData,
  type ReportFlame,
  type SizeClassOccupancyAt,
  type TimelineBucket,
  type TimelineMetric,
  type TimelineValues,
  type TraceInstant,
  type WhatIfVersion,
} from '../../src/analyzers/report-data.js';
import type { PythonVersion } from '../../src/models/pymalloc/geometry.js';
import { TEMPORARY_RULE, type ChurnResult, type ChurnSite } from '../../src/analyzers/churn.js';
import { ANOMALY_DESCRIPTIONS, ANOMALY_KINDS } from '../../src/events/anomaly-kinds.js';
import { HIGH_WATER_DESCRIPTIONS, HIGH_WATER_METRICS } from '../../src/events/high-water-metrics.js';

export const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  "'; alert(4); '",
  '\u2028\u2029</style>&amp;',
  '{{constructor.constructor("alert(5)")()}}',
  'datum["x"] + alert(6)',
];

export interface SampleOptions {
  /** Trace text number i (file names, sites, marks, labels). */
  text?: (i: number) => string;
  file?: string;
  buckets?: number;
  marks?: number;
  arenas?: number;
  sites?: number;
  whatIf?: readonly PythonVersion[] | null;
  /** A trace with no pymalloc activity at all. */
  empty?: boolean;
  /** Points of the finely sampled stretch of crowded marks (240 by default), or false for none. */
  markWindow?: false | number;
  /** Timestamps on every event (1 µs apart, from event 1), so the charts run in seconds (default); false: none, the charts run by event. */
  timestamps?: boolean;
}

const ARENA = 1 << 20;
const POOL = 16 << 10;
const POOLS_PER_ARENA = 64;

export function sampleReportData(o: SampleOptions = {}): ReportData {
  const text = o.text ?? ((i: number) => `app/module_${i}.py:${10 + i}`);
  const empty = o.empty ?? false;
  const bucketCount = empty ? 1 : (o.buckets ?? 300);
  const bucketEvents = 64;
  const events = bucketCount * bucketEvents;
  const markCount = empty ? 0 : (o.marks ?? 6);
  const arenaCount = empty ? 0 : (o.arenas ?? 24);
  const siteCount = empty ? 0 : (o.sites ?? 12);

  const valuesAt = (x: number): TimelineValues => {
    // A rise to a peak two thirds in, then a partial release that leaves arenas pinned.
    const load = empty ? 0 : x < 0.66 ? x / 0.66 : 1 - 0.6 * ((x - 0.66) / 0.34);
    const arenas = Math.round(arenaCount * Math.min(1, x < 0.66 ? x / 0.66 : 1 - 0.2 * ((x - 0.66) / 0.34)));
    const arenaBytes = arenas * ARENA;
    const allocated = Math.round(arenaBytes * 0.85 * load);
    const poolHeaders = arenas * POOLS_PER_ARENA * 48;
    const quantization = Math.round(allocated * 0.02);
    const alignment = arenas * 4096;
    const poolsInUse = Math.min(arenas * (POOLS_PER_ARENA - 1), Math.round(allocated / (POOL * 0.9)));
    const unusedPools = Math.max(0, arenas * (POOLS_PER_ARENA - 1) - poolsInUse);
    const unusedPoolBytes = unusedPools * POOL;
    const available = Math.max(0, arenaBytes - allocated - poolHeaders - quantization - alignment - unusedPoolBytes);
    const systemBytes = empty ? 0 : 200_000 + Math.round(50_000 * x);
    return {
      arenas,
      poolsInUse,
      unusedPools,
      liveBlocks: Math.round(allocated / 40),
      liveRequestedBytes: Math.round(allocated * 0.9) + systemBytes,
      allocatedBlockBytes: allocated,
      utilisation: arenaBytes === 0 ? 0 : allocated / arenaBytes,
      availableBlockBytes: available,
      unusedPoolBytes,
      quantizationBytes: quantization,
      poolHeaderBytes: poolHeaders,
      arenaAlignmentBytes: alignment,
      arenaBytes,
      systemBytes,
      footprintBytes: arenaBytes + systemBytes,
    };
  };
  const scale = (v: TimelineValues, f: number): TimelineValues => {
    const out = {} as Record<TimelineMetric, number>;
    for (const m of TIMELINE_METRICS) out[m] = m === 'utilisation' ? v[m] : Math.round(v[m] * f);
    return out;
  };
  const instant = (event: number, markIndex: number | null): TraceInstant => ({
    event,
    ts: o.timestamps === false ? null : event * 1000,
    line: event + 3,
    mark: markIndex === null ? null : text(100 + markIndex),
  });
  const markAt = (event: number): number | null => {
    const k = Math.floor((event / events) * markCount) - 1;
    return k < 0 ? null : k;
  };
  const buckets: TimelineBucket[] = [];
  for (let b = 0; b < bucketCount; b++) {
    const last = (b + 1) * bucketEvents;
    const at = valuesAt((b + 1) / bucketCount);
    buckets.push({
      ...instant(last, markAt(last)),
      firstEvent: b * bucketEvents + 1,
      at,
      min: scale(at, 0.97),
      max: scale(at, 1.03),
    });
  }
  const marks = Array.from({ length: markCount }, (_, k) => {
    const event = Math.round(((k + 1) / markCount) * events * 0.98);
    return { ...instant(event, k), at: valuesAt(event / events) };
  });

  // A request loop sampled event by event: a sawtooth that creeps up.
  const markWindow = () => {
    const first = Math.round(events * 0.5);
    const n = typeof o.markWindow === 'number' ? o.markWindow : 240;
    const windowBuckets: TimelineBucket[] = Array.from({ length: n }, (_, k) => {
      const event = first + k;
      const at = scale(valuesAt(event / events), 1 + 0.002 * (k % 20) + 0.0005 * k);
      return { ...instant(event, markAt(event)), firstEvent: event, at, min: at, max: at };
    });
    return { firstEvent: first, lastEvent: first + n - 1, bucketEvents: 1, buckets: windowBuckets };
  };

  const peakEvent = Math.round(events * 0.66);
  const peakInstant = instant(peakEvent, markAt(peakEvent));
  const endInstant = instant(events, markAt(events));
  /** The report's judged instant: the end of the trace, where the leak section is too. */
  const judgedAt = { event: events, ts: events * 1000, seconds: (events * 1000 - 1000) / 1e9, mark: null, end: true };
  const frag = (v: TimelineValues): FragmentationSummary => ({
    arenas: v.arenas,
    arenaBytes: v.arenaBytes,
    poolsInUse: v.poolsInUse,
    unusedPools: v.unusedPools,
    allocatedBlockBytes: v.allocatedBlockBytes,
    availableBlockBytes: v.availableBlockBytes,
    unusedPoolBytes: v.unusedPoolBytes,
    poolHeaderBytes: v.poolHeaderBytes,
    quantizationBytes: v.quantizationBytes,
    arenaAlignmentBytes: v.arenaAlignmentBytes,
    utilisation: v.utilisation,
    freeRatio: v.arenaBytes === 0 ? 0 : (v.availableBlockBytes + v.unusedPoolBytes) / v.arenaBytes,
  });
  const peakValues = valuesAt(0.66);
  const endValues = valuesAt(1);

  const live = (n: number, shift: number): LiveBlocksSummary => ({
    groupedBy: 'lineno',
    depth: null,
    totalBlocks: 1000 * n,
    totalRequestedBytes: 40_000 * n,
    totalGroups: n,
    groups: Array.from({ length: Math.min(n, 10) }, (_, i) => ({
      key: text(i + shift),
      blocks: 1000 - i * 50,
      requestedBytes: 40_000 - i * 2000,
      allocatedBytes: 48_000 - i * 2000,
      firstEvent: 10 + i,
      lastEvent: events - i,
      exampleStack: [text(50 + i), text(i + shift)],
    })),
  });

  const sizeClasses = (at: TraceInstant, load: number): SizeClassOccupancyAt => ({
    ...at,
    classes: empty
      ? []
      : Array.from({ length: 20 }, (_, c) => {
          const blockSize = (c + 1) * 16;
          const perPool = Math.floor((POOL - 48) / blockSize);
          const pools = 1 + ((c * 7) % 11);
          const capacity = pools * perPool;
          const inUse = Math.round(capacity * load * (0.3 + 0.7 * ((c * 13) % 10) / 10));
          return {
            sizeClass: c,
            blockSizeBytes: blockSize,
            pools,
            blocksInUse: inUse,
            blockCapacity: capacity,
            utilisation: inUse / capacity,
            availableBlockBytes: (capacity - inUse) * blockSize,
            quantizationBytes: pools * ((POOL - 48) % blockSize),
          };
        }),
  });

  const arenaMap = (at: TraceInstant, fill: number, count: number): ArenaMap => ({
    ...at,
    arenaSizeBytes: ARENA,
    poolSizeBytes: POOL,
    poolsPerArena: POOLS_PER_ARENA,
    totalArenas: count,
    arenasOmitted: 0,
    arenas: Array.from({ length: count }, (_, a) => {
      const pools = Array.from({ length: POOLS_PER_ARENA - 1 }, (_, p): number | null => {
        if (p > 50 + (a % 10)) return null;
        const u = ((a * 31 + p * 17) % 100) / 100;
        return u > fill ? 0 : Math.round(u * 10_000) / 10_000;
      });
      const classes = pools.map((u, p) => (u === null || u === 0 ? -1 : (a + p) % 20));
      return {
        base: `0x7f${(0x1000 + a).toString(16)}00000`,
        serial: a + 1,
        poolsInUse: classes.filter((c) => c >= 0).length,
        liveBlocks: 100 * a,
        allocatedBlockBytes: Math.round(ARENA * fill * 0.8),
        utilisation: fill * 0.8,
        pools,
        poolSizeClasses: classes,
      };
    }),
  });

  const pinningSite = (i: number): PinningSite => ({
    site: text(i),
    exampleStack: [text(50 + i), text(i)],
    liveBlocks: 500 - i * 20,
    requestedBytes: 20_000 - i * 500,
    allocatedBytes: 24_000 - i * 500,
    quantizationWasteBytes: 4000 - i * 100,
    arenasPinned: Math.max(1, siteCount - i),
    arenasSolelyPinned: i % 3 === 0 ? 1 : 0,
    poolsPinned: 3 * (siteCount - i),
    poolsSolelyPinned: siteCount - i,
    keptUnusableBytes: 900_000 - i * 40_000,
  });
  const pinning = (at: TraceInstant, arenas: number): ArenaPinning => {
    const sites = Array.from({ length: siteCount }, (_, i) => pinningSite(i));
    return {
      ...at,
      groupedBy: 'lineno',
      depth: null,
      arenaSizeBytes: ARENA,
      pinnedArenas: arenas,
      emptyArenas: empty ? 0 : 1,
      heldBytes: arenas * 600_000,
      arenas: Array.from({ length: Math.min(arenas, 10) }, (_, a) => ({
        base: `0x7f${(0x1000 + a).toString(16)}00000`,
        serial: a + 1,
        liveBlocks: 1 + a * 3,
        requestedBytes: 40 + a * 100,
        allocatedBlockBytes: 48 + a * 120,
        poolsInUse: 1 + a,
        heldBytes: ARENA - 48 - a * 120,
        sites: [{ site: text(a), blocks: 1 + a * 3, allocatedBytes: 48 + a * 120 }],
        sitesOmitted: a % 2,
      })),
      arenasOmitted: Math.max(0, arenas - 10),
      totalSites: siteCount,
      sitesByArenasPinned: sites,
      sitesByKeptUnusableBytes: [...sites].sort((x, y) => y.keptUnusableBytes - x.keptUnusableBytes),
      sitesByQuantizationWaste: [...sites].sort((x, y) => y.quantizationWasteBytes - x.quantizationWasteBytes),
    };
  };

  const peakSites = {} as Record<(typeof PEAK_SITE_METRICS)[number], PeakSites>;
  for (const m of PEAK_SITE_METRICS) {
    const value =
      m === 'arenas' ? peakValues.arenas : m === 'pools_in_use' ? peakValues.poolsInUse : m === 'footprint_bytes' ? peakValues.footprintBytes : peakValues.liveRequestedBytes;
    peakSites[m] = { ...peakInstant, metric: m, description: HIGH_WATER_DESCRIPTIONS[m], value: empty ? 0 : value, live: live(siteCount, 0) };
  }

  // The leak section: `siteCount` steady-state leaks and as many other sites
  // (the report lists at most `top` of each), 64 growth samples each — the
  // most the growth sampling keeps — shaped as a ramp, a step or a sawtooth.
  const SAMPLES = 64;
  const samples = Array.from({ length: SAMPLES + 1 }, (_, k) => ({
    ordinal: k,
    event: Math.round((k / SAMPLES) * events),
    ts: k * 1000,
    mark: k === 0 ? null : text(100 + (k % Math.max(1, markCount))),
  }));
  const leakSite = (i: number, cls: GrowthClass): LeaksSite => {
    const total = 50_000 - i * 1000;
    const shape = (k: number): number => {
      const x = k / SAMPLES;
      if (cls === 'steady_leak') return Math.round(total * x);
      if (cls === 'retained_once') return k === 0 ? 0 : Math.round(total * (k > 2 ? 1 : k / 3));
      return Math.round(total * 0.3 * (k % 4 === 0 ? 0 : 1));
    };
    const liveBytes = samples.map((_, k) => shape(k));
    const blocks = cls === 'transient' ? 0 : 900 - i * 20;
    return {
      key: text(i),
      location: { file: text(i), line: 10 + i, function: text(60 + i) },
      stack: [text(50 + i), text(i)],
      noStack: null,
      blocks,
      requestedBytes: cls === 'transient' ? 0 : liveBytes[SAMPLES]!,
      allocatedBytes: cls === 'transient' ? 0 : liveBytes[SAMPLES]! + 5000,
      sizeClasses: blocks === 0 ? [] : [{ sizeClass: i % 32, blockSize: ((i % 32) + 1) * 16, blocks }],
      systemBlocks: 0,
      pools: 3 + i,
      poolsAlone: i % 3,
      arenas: 1 + (i % 4),
      arenasAlone: i % 2,
      first: blocks === 0 ? null : { event: 5 + i, ts: (5 + i) * 1000 },
      last: blocks === 0 ? null : { event: events - i, ts: (events - i) * 1000 },
      growth: { class: cls, slope: cls === 'steady_leak' ? total / SAMPLES : 0, rises: cls === 'steady_leak' ? SAMPLES - 1 : 1, liveBytes, excluded: null },
    };
  };
  const leakClasses: GrowthClass[] = ['retained_once', 'transient'];
  const leakSites = [
    ...Array.from({ length: siteCount }, (_, i) => leakSite(i, 'steady_leak')),
    ...Array.from({ length: siteCount }, (_, i) => leakSite(siteCount + i, leakClasses[i % 2]!)),
  ];
  const leaks: LeaksResult = {
    file: o.file ?? 'traces/sample.csv.gz',
    python: { version: '3.11', source: 'trace' },
    at: { event: events, ts: events * 1000, mark: null, end: true },
    marks: { count: markCount, labels: markCount === 0 ? [] : [{ label: text(60), count: markCount }], more: false },
    groupedBy: 'lineno',
    depth: null,
    hasStacks: siteCount > 0,
    totals: {
      liveBlocks: leakSites.reduce((n, x) => n + x.blocks, 0),
      liveRequestedBytes: leakSites.reduce((n, x) => n + x.requestedBytes, 0),
      sites: leakSites.filter((x) => x.blocks > 0).length,
      suppressedBlocks: empty ? 0 : 7,
      suppressedBytes: empty ? 0 : 700,
    },
    growth: {
      basis: markCount >= 4 ? 'marks' : 'windows',
      markFilter: null,
      boundaries: SAMPLES,
      marksPerSample: markCount >= 4 ? 1 : null,
      eventsPerWindow: markCount >= 4 ? null : Math.round(events / SAMPLES),
      warmup: 2,
      warmupPercent: null,
      samples,
      firstSteadySample: 2,
      steadyIntervals: SAMPLES - 2,
      minSteadyIntervals: markCount >= 4 ? 3 : 8,
      enough: true,
      noVerdict: null,
      sitesJudged: 2 * siteCount,
      steadyLeakSites: siteCount,
      boundedSites: 0,
      retainedOnceSites: Math.ceil(siteCount / 2),
      transientSites: Math.floor(siteCount / 2),
      sitesUntracked: 0,
    },
    sites: leakSites,
    memory: { peakFootprintBytes: peakValues.footprintBytes, arenasHighWater: peakValues.arenas, fragmentation: frag(endValues) },
    suppressions: empty ? [] : [{ pattern: text(500), file: '.memreplay-suppressions', line: 1, blocks: 7, bytes: 700 }],
    skippedRecords: { count: 0, examples: [] },
    completeness: { state: 'unknown', endMark: null, reason: 'not checked: the replay stopped before the end of the trace' },
    exactness: { state: 'unverified', blocksChecked: 0, addressMismatches: 0, arenaMismatches: 0, anomalies: 0, reason: 'the trace has no arena records' },
  };

  const whatIf = (o.whatIf ?? null)?.map((version, k): WhatIfVersion => {
    const f = 1 + 0.1 * k;
    const arena = version === '3.8' || version === '3.9' ? 256 << 10 : ARENA;
    const pv = (v: number) => ({ ...peakInstant, value: Math.round(v * f) });
    return {
      version,
      arenaSizeBytes: arena,
      poolSizeBytes: arena === ARENA ? POOL : 4096,
      arenasFromTrace: k === 0,
      footprintPeak: pv(peakValues.footprintBytes),
      arenasPeak: pv(peakValues.arenas),
      poolsPeak: pv(peakValues.poolsInUse),
      blockBytesPeak: pv(peakValues.allocatedBlockBytes),
      at: judgedAt,
      judged: { ...frag(endValues), footprintBytes: endValues.footprintBytes, blocksInUse: endValues.liveBlocks },
      arenaPeak: { ...frag(peakValues), ...peakInstant },
    };
  });

  const file = o.file ?? 'traces/sample.csv.gz';
  const hw = {} as Record<(typeof HIGH_WATER_METRICS)[number], AnalyzeResult['highWater'][(typeof HIGH_WATER_METRICS)[number]]>;
  const hwValue: Record<(typeof HIGH_WATER_METRICS)[number], number> = {
    live_requested_bytes: peakValues.liveRequestedBytes,
    block_bytes: peakValues.allocatedBlockBytes,
    pools_in_use: peakValues.poolsInUse,
    arenas: peakValues.arenas,
    system_bytes: endValues.systemBytes,
    footprint_bytes: peakValues.footprintBytes,
  };
  for (const m of HIGH_WATER_METRICS) {
    hw[m] = empty
      ? { value: 0, event: 0, ts: null, mark: null, line: 0, description: HIGH_WATER_DESCRIPTIONS[m] }
      : { ...(m === 'system_bytes' ? endInstant : peakInstant), value: hwValue[m], description: HIGH_WATER_DESCRIPTIONS[m] };
  }
  const calls = (n: number) => ({ obj: n, mem: Math.round(n / 2), raw: 3, total: n + Math.round(n / 2) + 3 });
  const byKind = {} as Record<(typeof ANOMALY_KINDS)[number], AnalyzeResult['anomalies']['byKind'][(typeof ANOMALY_KINDS)[number]]>;
  for (const [k, kind] of ANOMALY_KINDS.entries()) {
    const count = empty ? 0 : k === 0 ? 3 : k === 2 ? 1 : 0;
    byKind[kind] = {
      count,
      description: ANOMALY_DESCRIPTIONS[kind],
      examples: Array.from({ length: count }, (_, j) => ({ line: 100 + j, event: 97 + j, address: `0x7f00000${j}`, detail: text(200 + j) })),
    };
  }
  const analyze: AnalyzeResult = {
    file,
    format: 'csv',
    gzip: true,
    python: { version: '3.11', source: 'trace' },
    meta: { python: '3.11.7', complete: 'true', comment: text(300) },
    // Incomplete, with the end mark's label (trace text) in the reason: every renderer must show it, inert.
    completeness: { state: 'incomplete', endMark: text(700), reason: `the trace does not end with its ${JSON.stringify(text(700))} mark: the recording was cut short` },
    // Inexact by its anomalies (none in an empty trace): every renderer must say so.
    exactness: empty
      ? { state: 'exact', blocksChecked: 0, addressMismatches: 0, arenaMismatches: 0, anomalies: 0, reason: 'all 0 block addresses and every arena record matched the trace' }
      : { state: 'inexact', blocksChecked: Math.round(events * 0.4), addressMismatches: 0, arenaMismatches: 0, anomalies: 4, reason: 'the trace has 4 anomalies' },
    events: {
      total: events,
      calls: { alloc: calls(Math.round(events * 0.45)), calloc: calls(10), realloc: calls(100), free: calls(Math.round(events * 0.45)) },
      arenaAlloc: arenaCount,
      arenaFree: Math.round(arenaCount * 0.2),
      marks: markCount,
      nullPointerCalls: 2,
      stacks: siteCount * 3,
      threads: 2,
    },
    skippedRecords: { count: empty ? 0 : 1, examples: empty ? [] : [{ line: 7, message: text(400) }] },
    anomalies: { total: empty ? 0 : 4, byKind },
    verification: {
      blocksChecked: Math.round(events * 0.4),
      blocksPredicted: Math.round(events * 0.4),
      addressMismatches: 0,
      addressExamples: [],
      arenas: { traceHasArenaRecords: true, fromTrace: arenaCount, placedByModel: 0, releasesConfirmed: Math.round(arenaCount * 0.2), mismatches: 0, examples: [] },
      exact: true,
    },
    highWater: hw,
    at: judgedAt,
    judged: {
      liveBlocks: endValues.liveBlocks,
      liveRequestedBytes: endValues.liveRequestedBytes,
      allocatedBlocks: endValues.liveBlocks,
      systemBlocks: empty ? 0 : 12,
      systemBytes: endValues.systemBytes,
      footprintBytes: endValues.footprintBytes,
    },
    liveBlocks: empty
      ? live(siteCount, 0)
      : { ...live(siteCount, 0), nativeGroups: live(3, 20).groups.map((g, i) => ({ ...g, key: `copy_${i} [libx.so+0x${(16 * i).toString(16)}] <- ${g.key}` })) },
    fragmentation: { judged: frag(endValues), arenaPeak: empty ? null : { ...frag(peakValues), ...peakInstant } },
    // A native half (the native contract) unless empty: every renderer of it meets the hostile texts too.
    ...(empty
      ? {}
      : {
          native: {
            calls: { alloc: 300, calloc: 20, realloc: 10, free: 250 },
            mappingOps: { mmap: 4, munmap: 3, mremap: 1 },
            footprint: { pymallocArenaBytes: 4 << 20, pythonCLibraryBytes: 200_000, nativeHeapBytes: 30_000, nativeHeapBlocks: 70, mmapBytes: 1 << 20, mappings: 2, totalBytes: (5 << 20) + 230_000 },
            highWater: {
              native_heap_bytes: { ...peakInstant, value: 40_000, description: 'bytes of native blocks' },
              mmap_bytes: { ...peakInstant, value: 2 << 20, description: 'bytes of anonymous mappings' },
            },
            anomalies: { untracked_free: 1, double_free: 0, missing_free: 0, untracked_realloc: 0, free_size_mismatch: 0 },
          },
        }),
  };

  return {
    schema: REPORT_SCHEMA,
    analyze,
    at: judgedAt,
    timeline: { bucketEvents, maxBuckets: 512, buckets, marks, maxMarks: 1000, marksOmitted: 0, firstTs: o.timestamps === false || empty ? null : 1000 },
    markWindow: o.markWindow === false || empty ? null : markWindow(),
    sizeClasses: { judged: sizeClasses(endInstant, 0.5), arenaPeak: empty ? null : sizeClasses(peakInstant, 0.9) },
    arenaMap: {
      judged: arenaMap(endInstant, 0.4, endValues.arenas),
      arenaPeak: empty ? null : arenaMap(peakInstant, 0.9, peakValues.arenas),
    },
    pinning: { judged: pinning(endInstant, endValues.arenas), arenaPeak: empty ? null : pinning(peakInstant, peakValues.arenas) },
    highWater: peakSites,
    leaks,
    whatIf: whatIf ?? null,
    limits: { maxBuckets: 512, maxMarks: 1000, top: 20, maxArenas: 256 },
    flame: empty ? null : flameOf(siteCount, text, peakInstant, peakValues.footprintBytes),
    ...(empty ? {} : { churn: churnOf(siteCount, text) }),
  };
}

/** Allocation churn: `sites` sites, site i with 100 x (sites - i) allocations of 48 bytes, a quarter temporary; sizes in two classes and the C library. */
function churnOf(sites: number, text: (i: number) => string): ChurnResult {
  const list: ChurnSite[] = Array.from({ length: sites }, (_, i) => {
    const allocations = 100 * (sites - i);
    return { key: text(i), location: null, allocations, allocatedBytes: 48 * allocations, temporary: allocations / 4, freed: allocations / 2, meanLifetimeEvents: 10 + i, meanLifetimeNs: i % 2 === 0 ? 1500 * (i + 1) : null };
  });
  const sum = (f: (s: ChurnSite) => number): number => list.reduce((n, s) => n + f(s), 0);
  const allocations = sum((s) => s.allocations);
  return {
    window: { from: null, to: null, firstEvent: 1, lastEvent: 1000 },
    temporaryRule: TEMPORARY_RULE,
    totals: { allocations, allocatedBytes: sum((s) => s.allocatedBytes), temporary: sum((s) => s.temporary), freed: sum((s) => s.freed), meanLifetimeEvents: 12, meanLifetimeNs: 3000 },
    totalSites: sites,
    sites: list,
    sizes: [
      { sizeClass: 2, blockSize: 48, minSize: 33, maxSize: 48, allocations: allocations - 30, requestedBytes: 40 * (allocations - 30), blockBytes: 48 * (allocations - 30) },
      { sizeClass: 31, blockSize: 512, minSize: 497, maxSize: 512, allocations: 20, requestedBytes: 20 * 500, blockBytes: 20 * 512 },
      { sizeClass: null, blockSize: null, minSize: 513, maxSize: 1024, allocations: 10, requestedBytes: 10 * 600, blockBytes: 10 * 600 },
    ],
  };
}

/** The flame graphs' trees: `sites` stacks under one caller, each ending in a frame named by `text`. */
function flameOf(sites: number, text: (i: number) => string, at: TraceInstant, footprintBytes: number): ReportFlame {
  const stacks = Array.from({ length: sites }, (_, i) => ({ frames: ['main (app/main.py:1)', text(i)], blocks: 10 + i, requestedBytes: 1000 * (sites - i), blockBytes: 1024 * (sites - i) }));
  const sum = (f: (s: (typeof stacks)[number]) => number): number => stacks.reduce((n, s) => n + f(s), 0);
  const live = { total: { blocks: sum((s) => s.blocks), requestedBytes: sum((s) => s.requestedBytes), blockBytes: sum((s) => s.blockBytes) }, stacks };
  const trees = {} as Record<StackWeight, FlatCallTree>;
  for (const w of STACK_WEIGHTS) trees[w] = flattenCallTree(callTreeOf(live, w));
  return { ...at, footprintBytes, trees };
}

/** Hostile text for every trace string: cycles through HOSTILE, numbered so strings stay distinct. */
export function hostileText(i: number): string {
  return `${HOSTILE[i % HOSTILE.length]}#${i}`;
}
