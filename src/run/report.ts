// buildReport: everything `memreplay report` shows about one trace.
//
// 1. One streaming replay with the timeline, arena-peak and leaks observers;
//    every section judges one instant, as analyze, leaks and check do: the
//    `stats` mark when the trace has one (a recorded trace frees nearly
//    everything at shutdown, after it) or the `at` mark, else the end
//    (`atEnd`: the end). The analyze figures, size-class occupancy, arena
//    map and pinning are captured there on the way (judged-instant.ts), the
//    leaks result too (growth sampled on the way, as `memreplay leaks` does);
//    allocation churn by site is counted on the way (churn.ts).
// 2. What was live at each high-water instant (bytes, pools, arenas,
//    footprint), the flame graphs at the footprint peak, and the arena map
//    and pinning at the arena peak: from the same replay, as it ended, with
//    the records PeakLog kept of what ended after a peak (peak-log.ts): no
//    second reading of the trace. Only where the trace's marks crowd
//    together is it read again, up to the end of that stretch, for a fine
//    timeline of it (mark-window.ts).
// 3. One replay per other `whatIf` version, arenas placed by the model.
// Each replay is freed before the next starts, and every walk of the live
// set shares one WalkScratch, so the report holds one replay at a time, as
// analyze does.
// The result is plain JSON-serialisable data (report-data.ts), so a worker
// thread can build it and post it back.

import { MemreplayError, UsageError } from '../errors.js';
import { fullCollection } from '../memory-guard.js';
import { ImportContext } from '../import/import-context.js';
import { requireRegularFile, traceDisplayName } from '../import/source.js';
import { countersStats } from '../models/pymalloc/stats.js';
import { HIGH_WATER_DESCRIPTIONS } from '../events/high-water-metrics.js';
import { replayTrace } from './replay-trace.js';
import type { ReplayView } from '../replay/replay-view.js';
import { analyzeReplayed, judgedStateOf, type JudgedState } from '../analyzers/analyze.js';
import { arenaMapOf } from '../analyzers/arena-map.js';
import { ArenaPeakObserver } from '../analyzers/arena-peak.js';
import { arenaPinning } from '../analyzers/arena-pinning.js';
import { instantAt, instantOf } from '../analyzers/instant.js';
import { CaptureAtMark, type JudgedInstant } from '../analyzers/judged-instant.js';
import { LeaksAnalysis, type LeaksResult } from '../analyzers/leaks.js';
import { SiteTable, SUPPRESSED, type SiteGroupingOptions } from '../analyzers/site-table.js';
import { SuppressionMatcher } from '../suppressions/suppressions.js';
import { withDefaults, type Given } from '../options/given.js';
import { DEFAULT_GROWTH_OPTIONS } from '../options/growth-options.js';
import { DEFAULT_INSTANT, judgedMarkLabel } from '../options/instant-options.js';
import { DEFAULT_SITE_GROUPING, DEFAULT_TOP } from '../options/site-options.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import { denseMarkWindow } from '../analyzers/mark-window.js';
import { PeakLog } from '../analyzers/peak-log.js';
import { groupLiveBlocks, type LiveBlocksSummary } from '../analyzers/live-sites.js';
import type { HighWaterPoint } from '../replay/high-water.js';
import {
  PEAK_SITE_METRICS,
  REPORT_SCHEMA,
  type ArenaMap,
  type ArenaPinning,
  type PeakSiteMetric,
  type PeakSites,
  type ReportData,
  type ReportFlame,
  type ReportLeakFlame,
  type ReportLimits,
  type ReportOptions,
  type SizeClassOccupancyAt,
  type TraceInstant,
  type WhatIfVersion,
} from '../analyzers/report-data.js';
import { noMarkLabelled } from '../replay/missing-mark.js';
import { sizeClassOccupancy } from '../analyzers/size-class-occupancy.js';
import { DEFAULT_MAX_BUCKETS, DEFAULT_MAX_MARKS, TimelineObserver, TimelineWindowObserver } from '../analyzers/timeline.js';
import { whatIfJudgedOf, whatIfOfReplay, type WhatIfJudged } from '../analyzers/what-if.js';
import { whatIfReplay } from './what-if-replay.js';
import { WalkScratch } from '../analyzers/walk-scratch.js';
import { callTreeOf, flattenCallTree, type CallTreeLimits, type FlatCallTree } from '../analyzers/call-tree.js';
import { liveStacksOf, STACK_WEIGHTS, type StackWeight } from '../analyzers/live-stacks.js';
import { ChurnAnalysis } from '../analyzers/churn.js';
import { churnWindowAt, DEFAULT_CHURN_OPTIONS } from '../options/churn-options.js';

function leaksResultOf(leaks: LeaksAnalysis, r: ReplayView, at: string | undefined, file: string): LeaksResult {
  const result = leaks.resultAt(r);
  if (at !== undefined && result.at.end) throw noMarkLabelled(file, at, leaks.marksSeen(r));
  return result;
}

/** Everything the report judges at its instant but the leak section (which LeaksAnalysis takes itself). */
interface ReportJudged {
  readonly analyze: JudgedState;
  /** The leak sites' blocks by stack, taken there as the leak result is. */
  readonly leakFlame: ReportLeakFlame | null;
  readonly sizeClasses: SizeClassOccupancyAt;
  readonly arenaMap: ArenaMap;
  readonly pinning: ArenaPinning;
  readonly ownWhatIf: WhatIfJudged | null;
}

/**
 * Frees the replay that just ended before the next one starts (or the report
 * is rendered). Its live blocks and pools are typed arrays, outside the
 * JavaScript heap: the replay allocates so little on the heap that V8 would
 * collect them only much later, and the next replay would grow beside them
 * (report's peak was two replays, 1.6x analyze's).
 */
function dropReplay(): void {
  fullCollection();
}

export const DEFAULT_REPORT_LIMITS: ReportLimits = {
  maxBuckets: DEFAULT_MAX_BUCKETS,
  maxMarks: DEFAULT_MAX_MARKS,
  top: DEFAULT_TOP,
  maxArenas: 256,
};

export const DEFAULT_REPORT_OPTIONS: ReportOptions = {
  trace: DEFAULT_TRACE_OPTIONS,
  sites: DEFAULT_SITE_GROUPING,
  instant: DEFAULT_INSTANT,
  growth: DEFAULT_GROWTH_OPTIONS,
  whatIf: [],
  limits: DEFAULT_REPORT_LIMITS,
  churn: DEFAULT_CHURN_OPTIONS,
};

/** What a caller may do while the report is built. */
export interface ReportHooks {
  /**
   * Called once the first pass has settled everything it reads from the
   * trace but the peaks' figures, with the report as it stands: the peaks'
   * live sites empty, no flame graph, no arena-peak map or pinning, no
   * mark-window timeline, no other Python versions. What it shows of the
   * rest is final, so a caller can start drawing it (the HTML report's
   * charts, report-task.ts) while the peaks are walked.
   */
  readonly onFirstPass?: (partial: ReportData) => void;
}

export async function buildReport(path: string, given: Given<ReportOptions> = {}, hooks: ReportHooks = {}): Promise<ReportData> {
  const twice = 'a report reads the trace more than once (to look again at its peaks)';
  if (path === '-') throw new MemreplayError(`${twice}; give a file, not standard input`);
  requireRegularFile(path, twice);
  const options = withDefaults(DEFAULT_REPORT_OPTIONS, given);
  const { limits, trace: replayOptions, sites: grouping } = options;
  const newContext = (): ImportContext => new ImportContext(traceDisplayName(path), replayOptions.lenient);

  // One set of arrays for every walk of the live set, in both replays: the
  // walks' pair and owner tables are reused instead of piling up (walk-scratch.ts).
  const scratch = new WalkScratch();
  const first = await firstPass(path, replayOptions, newContext(), limits, grouping, options, scratch, (settled) => {
    hooks.onFirstPass?.(reportDataOf(settled, NO_PEAKS, null, null, options));
  });
  const { analyze } = first;
  dropReplay();

  // Where the trace's marks crowd together, a fine timeline of that stretch
  // (mark-window.ts): the stretch is known only once every mark was seen, so
  // the trace is read again up to its end, and only then.
  const dense = denseMarkWindow(
    first.timeline.marks.map((m) => m.event),
    analyze.events.total,
  );
  const window = dense === null ? null : new TimelineWindowObserver(dense.firstEvent, dense.lastEvent, limits.maxBuckets);
  if (window !== null) {
    await replayTrace(path, { ...replayOptions, python: analyze.python.version, context: newContext(), stopAtEvent: window.lastEvent, observers: [window] });
    dropReplay();
  }
  // Pass 3: other geometries.
  let whatIf: WhatIfVersion[] | null = null;
  if (options.whatIf.length > 0) {
    whatIf = [];
    for (const version of options.whatIf) {
      if (version === analyze.python.version) whatIf.push(first.ownWhatIf!);
      else {
        whatIf.push(await whatIfReplay(path, version, analyze.python.version, judgedMarkLabel(options.instant), replayOptions));
        dropReplay();
      }
    }
  }

  return reportDataOf(first, first.peaks, window, whatIf, options);
}

/** What the first pass settled before it walks the peaks. */
type FirstPass = Omit<Awaited<ReturnType<typeof firstPass>>, 'peaks'>;

/** The peaks before they are walked (ReportHooks.onFirstPass). */
const NO_PEAKS: AtThePeaks = { live: new Map(), flame: null, arenaMap: null, pinning: null };

function reportDataOf(first: FirstPass, peaks: AtThePeaks, window: TimelineWindowObserver | null, whatIf: WhatIfVersion[] | null, options: ReportOptions): ReportData {
  const { analyze } = first;
  const grouping = options.sites;
  const highWater = {} as Record<PeakSiteMetric, PeakSites>;
  for (const metric of PEAK_SITE_METRICS) {
    const p = analyze.highWater[metric];
    highWater[metric] = {
      metric,
      description: HIGH_WATER_DESCRIPTIONS[metric],
      value: p.value,
      ...instantAt(p.event, p.ts ?? NaN, p.line, p.mark),
      live: peaks.live.get(p.event) ?? {
        groupedBy: grouping.by,
        depth: grouping.depth ?? null,
        totalBlocks: 0,
        totalRequestedBytes: 0,
        totalGroups: 0,
        groups: [],
      },
    };
  }
  return {
    schema: REPORT_SCHEMA,
    analyze,
    at: analyze.at,
    timeline: first.timeline,
    markWindow: window?.result() ?? null,
    sizeClasses: first.sizeClasses,
    arenaMap: { judged: first.arenaMapJudged, arenaPeak: peaks.arenaMap },
    pinning: { judged: first.pinningJudged, arenaPeak: peaks.pinning },
    highWater,
    leaks: first.leaks,
    whatIf,
    limits: options.limits,
    flame: peaks.flame,
    churn: first.churn,
    leakFlame: first.leakFlame,
  };
}

/** What the flame graphs of a report draw: the live blocks by stack, one pruned call tree per weight. */
export const REPORT_FLAME_LIMITS: CallTreeLimits = { maxFrames: 300, minFraction: 0.001 };

function reportFlameOf(r: ReplayView, ctx: ImportContext, at: TraceInstant, footprintBytes: number): ReportFlame {
  const live = liveStacksOf(r, ctx.stacks);
  const trees = {} as Record<StackWeight, FlatCallTree>;
  for (const weight of STACK_WEIGHTS) trees[weight] = flattenCallTree(callTreeOf(live, weight, REPORT_FLAME_LIMITS));
  return { ...at, footprintBytes, trees };
}

/** What the report shows of the high-water instants, taken from the first pass's PeakLog as the replay ended. */
interface AtThePeaks {
  /** The live blocks by site at each peak's event. */
  readonly live: Map<number, LiveBlocksSummary>;
  /** The live stacks at the footprint peak (null: it never rose). */
  readonly flame: ReportFlame | null;
  readonly arenaMap: ArenaMap | null;
  readonly pinning: ArenaPinning | null;
}

function atThePeaks(r: ReplayView, ctx: ImportContext, log: PeakLog, limits: ReportLimits, grouping: SiteGroupingOptions, scratch: WalkScratch): AtThePeaks {
  const live = new Map<number, LiveBlocksSummary>();
  for (const metric of PEAK_SITE_METRICS) {
    const { event } = r.highWater.point(metric);
    if (event > 0 && !live.has(event)) live.set(event, groupLiveBlocks(log.at(r, event), ctx.stacks, grouping, limits.top, scratch));
  }
  const instant = (p: HighWaterPoint): TraceInstant => instantAt(p.event, p.ts ?? NaN, p.line, p.mark);
  const footprint = r.highWater.point('footprint_bytes');
  const flame = footprint.event > 0 ? reportFlameOf(log.at(r, footprint.event), ctx, instant(footprint), footprint.value) : null;
  const arenas = r.highWater.point('arenas');
  if (arenas.event === 0) return { live, flame, arenaMap: null, pinning: null };
  const atArenas = log.at(r, arenas.event);
  return {
    live,
    flame,
    arenaMap: arenaMapOf(atArenas, instant(arenas), limits.maxArenas),
    pinning: arenaPinning(atArenas, new SiteTable(ctx.stacks, atArenas.geometry, grouping), instant(arenas), limits, scratch),
  };
}

/** The live blocks of the steady-state leak sites `leaks` lists, by stack, as the report's flame graphs draw them; null without one. */
function leakFlameOf(r: ReplayView, ctx: ImportContext, leaks: LeaksResult, grouping: SiteGroupingOptions, suppressions: ReportOptions['growth']['suppressions']): ReportLeakFlame | null {
  const leaking = new Set(leaks.sites.filter((s) => s.growth.class === 'steady_leak').map((s) => s.key));
  if (leaking.size === 0) return null;
  // Sites named as the leak analysis names them, its suppressions included.
  const matcher = new SuppressionMatcher(suppressions);
  const table = new SiteTable(ctx.stacks, r.geometry, { ...grouping, suppressionOf: (frames) => matcher.match(frames) });
  const verdicts = new Map<number, boolean>();
  const live = liveStacksOf(r, ctx.stacks, (stack, domain, pool, model) => {
    const site = table.siteOf(stack, domain, pool, (p) => model.poolSizeClass(p));
    if (site === SUPPRESSED) return false;
    let leak = verdicts.get(site);
    if (leak === undefined) {
      leak = leaking.has(table.info(site).key);
      verdicts.set(site, leak);
    }
    return leak;
  });
  const trees = {} as Record<StackWeight, FlatCallTree>;
  for (const weight of STACK_WEIGHTS) trees[weight] = flattenCallTree(callTreeOf(live, weight, REPORT_FLAME_LIMITS));
  return { ...instantOf(r), leakSites: leaking.size, trees };
}

/**
 * The whole trace, once; everything read from its final state is taken here
 * (the peaks' figures included, from PeakLog) so the replayer (the live map,
 * the model) can be collected before the next replay.
 */
async function firstPass(
  path: string,
  replayOptions: TraceOptions,
  ctx: ImportContext,
  limits: ReportLimits,
  grouping: SiteGroupingOptions,
  options: ReportOptions,
  scratch: WalkScratch,
  settled: (first: FirstPass) => void,
) {
  const timeline = new TimelineObserver({ maxBuckets: limits.maxBuckets, maxMarks: limits.maxMarks });
  const peak = new ArenaPeakObserver();
  const { at } = options.instant;
  if (at !== undefined && options.instant.atEnd === true) throw new UsageError('a report judges one instant: give `at` or `atEnd`, not both');
  const judgedMark = judgedMarkLabel(options.instant);
  const leaks = new LeaksAnalysis(ctx, {
    sites: { ...grouping, top: limits.top },
    growth: options.growth,
    listing: { maxListedLeaks: limits.top },
    captureAtMark: judgedMark,
    scratch,
  });
  const ownWhatIf = (version: string): boolean => options.whatIf.includes(version as never);
  // Bounded results only (the caps of `limits`), never the live map: the replay reads on to the end.
  const judged = new CaptureAtMark(judgedMark, (r: ReplayView, when: JudgedInstant): ReportJudged => {
    const instant = instantOf(r);
    return {
      analyze: judgedStateOf(r, ctx, limits.top, grouping, scratch),
      // LeaksAnalysis observes before this capture: at the mark its result is already taken (no second computation).
      leakFlame: when.end ? null : leakFlameOf(r, ctx, leaks.resultAt(r), grouping, options.growth.suppressions),
      sizeClasses: sizeClassOccupancy(countersStats(r.model), instant),
      arenaMap: arenaMapOf(r, instant, limits.maxArenas),
      pinning: arenaPinning(r, new SiteTable(ctx.stacks, r.geometry, grouping), instant, limits, scratch),
      ownWhatIf: ownWhatIf(r.geometry.version) ? whatIfJudgedOf(r) : null,
    };
  });
  const churn = new ChurnAnalysis(ctx, grouping, churnWindowAt(options.churn, options.instant), limits.top);
  const peakLog = new PeakLog(PEAK_SITE_METRICS);
  const replayed = await replayTrace(path, { ...replayOptions, context: ctx, observers: [timeline, peak, leaks, judged, churn, peakLog] });
  const r = replayed.replayer;
  const judgedAt = judged.valueAt(r);
  const { value } = judgedAt;
  if (at !== undefined && !judged.atMark) throw noMarkLabelled(ctx.fileName, at, leaks.marksSeen(r));
  const leaksAtEnd = leaksResultOf(leaks, r, at, ctx.fileName);
  const snap = peak.snapshot;
  const first = {
    analyze: analyzeReplayed(replayed, peak, { value: value.analyze, at: judgedAt.at }),
    timeline: timeline.result(),
    sizeClasses: {
      judged: value.sizeClasses,
      arenaPeak:
        snap === null ? null : sizeClassOccupancy(snap.stats, instantAt(snap.event, snap.ts ?? NaN, snap.line, snap.mark)),
    },
    arenaMapJudged: value.arenaMap,
    pinningJudged: value.pinning,
    leaks: leaksAtEnd,
    // At the end, the leak result's own walk is the last thing the replay sees: the flame graph takes the same state.
    leakFlame: judgedAt.at.end ? leakFlameOf(r, ctx, leaksAtEnd, grouping, options.growth.suppressions) : value.leakFlame,
    ownWhatIf: value.ownWhatIf === null ? null : whatIfOfReplay(r, peak, { value: value.ownWhatIf, at: judgedAt.at }),
    churn: churn.result(r),
  };
  settled(first);
  return { ...first, peaks: atThePeaks(r, ctx, peakLog, limits, grouping, scratch) };
}
