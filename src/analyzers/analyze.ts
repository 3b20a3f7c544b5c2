// `memreplay analyze`: one streaming replay of a trace, and the summary built
// from it: totals, checks and high-water marks over the whole trace; live
// blocks and fragmentation at the judged instant (judged-instant.ts: the
// `stats` mark when the trace has one, else the end), captured on the way as
// the arena-peak snapshot is. The result is plain data: reporters render it,
// --json prints it.

import { DOMAIN_COUNT, DOMAIN_NATIVE, OP_ALLOC, OP_ARENA_ALLOC, OP_ARENA_FREE, OP_CALLOC, OP_FREE, OP_MARK, OP_MMAP, OP_MREMAP, OP_MUNMAP, OP_REALLOC } from '../events/ops.js';
import type { BadRecordExample } from '../import/import-context.js';
import { versionFromMeta, type PythonVersion } from '../models/pymalloc/geometry.js';
import { countersStats } from '../models/pymalloc/stats.js';
import { ANOMALY_DESCRIPTIONS, ANOMALY_KINDS, type AnomalyKind } from '../events/anomaly-kinds.js';
import type { AnomalyExample } from '../replay/anomalies.js';
import { MAX_ARENA_EXAMPLES, type ArenaCheckExample } from '../replay/arena-feed.js';
import type { Completeness } from '../replay/completeness.js';
import { exactnessOf, type Exactness } from '../replay/exactness.js';

/** Outputs and policy take the completeness and exactness types from here, an analysis result, not from the replay (layering.md). */
export type { Completeness, CompletenessState } from '../replay/completeness.js';
export type { Exactness, ExactnessState } from '../replay/exactness.js';
import type { AddressMismatch } from '../replay/address-check.js';
import {
  HIGH_WATER_DESCRIPTIONS,
  HIGH_WATER_METRICS,
  NATIVE_HIGH_WATER_DESCRIPTIONS,
  NATIVE_HIGH_WATER_METRICS,
  type HighWaterMetric,
  type NativeHighWaterMetric,
} from '../events/high-water-metrics.js';
import type { HighWaterPoint } from '../replay/high-water.js';
import type { ReplayedTrace } from '../replay/replayed-trace.js';
import type { ArenaFeedView, ReplayView } from '../replay/replay-view.js';
import { ImportContext } from '../import/import-context.js';
import { ArenaPeakObserver } from './arena-peak.js';
import { CaptureAtMark, type JudgedInstant } from './judged-instant.js';
import { fragmentationOf, type FragmentationSummary } from './fragmentation.js';
import { groupLiveBlocks, type LiveBlocksSummary } from './live-sites.js';
import { WalkScratch } from './walk-scratch.js';
import { DEFAULT_SITE_GROUPING, type SiteGroupingOptions } from './site-table.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import { DEFAULT_SITE_OPTIONS, type SiteOptions } from '../options/site-options.js';
import { DEFAULT_INSTANT, type InstantOptions } from '../options/instant-options.js';
import { DEFAULT_CHURN_OPTIONS, type ChurnOptions } from '../options/churn-options.js';
import type { ChurnResult } from './churn.js';

export interface CallCounts {
  readonly obj: number;
  readonly mem: number;
  readonly raw: number;
  readonly total: number;
}

export interface AnalyzeResult {
  readonly file: string;
  readonly format: string;
  readonly gzip: boolean;
  readonly python: {
    readonly version: PythonVersion;
    readonly source: 'option' | 'trace' | 'default';
    /**
     * Set (true) only when --python chose another model than the version the
     * trace names: mismatches then may come from the version. Absent
     * otherwise, so the JSON of a trace read as it says is as it was.
     */
    readonly overridesTrace?: true;
  };
  readonly meta: Readonly<Record<string, string>>;
  /** Whether the trace holds the whole run: its end mark, or what its metadata says (src/replay/completeness.ts). */
  readonly completeness: Completeness;
  /** Whether the model followed the trace exactly: addresses, arenas, no anomalies (src/replay/exactness.ts). */
  readonly exactness: Exactness;
  readonly events: {
    readonly total: number;
    readonly calls: Readonly<Record<'alloc' | 'calloc' | 'realloc' | 'free', CallCounts>>;
    readonly arenaAlloc: number;
    readonly arenaFree: number;
    readonly marks: number;
    /** free(NULL) and realloc(NULL, n). */
    readonly nullPointerCalls: number;
    readonly stacks: number;
    readonly threads: number;
  };
  readonly skippedRecords: { readonly count: number; readonly examples: readonly BadRecordExample[] };
  /**
   * Every pymalloc state at the judged instant (the trace's `interp` ids; [0] is the
   * main interpreter's): one unless isolated sub-interpreters of 3.12+ ran.
   * High-water marks are summed over them; fragmentation is the main one's.
   */
  readonly interpreters: readonly InterpreterAt[];
  readonly anomalies: {
    readonly total: number;
    readonly byKind: Readonly<Record<AnomalyKind, { count: number; description: string; examples: readonly AnomalyExample[] }>>;
  };
  readonly verification: {
    /** pymalloc blocks whose address the model predicted, of those checked. */
    readonly blocksChecked: number;
    readonly blocksPredicted: number;
    readonly addressMismatches: number;
    readonly addressExamples: readonly AddressMismatch[];
    readonly arenas: {
      readonly traceHasArenaRecords: boolean;
      readonly fromTrace: number;
      readonly placedByModel: number;
      readonly releasesConfirmed: number;
      readonly mismatches: number;
      readonly examples: readonly ArenaCheckExample[];
    };
    /** Every block address predicted and every arena decision matched the trace. */
    readonly exact: boolean;
  };
  readonly highWater: Readonly<Record<HighWaterMetric, HighWaterPoint & { description: string }>>;
  /** The instant `judged`, `liveBlocks`, `interpreters` and `fragmentation.judged` are taken at. */
  readonly at: JudgedInstant;
  readonly judged: LiveTotals;
  readonly liveBlocks: LiveBlocksSummary;
  readonly fragmentation: {
    readonly judged: FragmentationSummary;
    /** At the instant the arena count first reached its peak; null when no arena was used. */
    readonly arenaPeak: (FragmentationSummary & { event: number; ts: number | null; mark: string | null; line: number }) | null;
  };
  /** Allocation churn by site over the whole run or the --churn-from/--churn-to window (churn.ts); `analyze` sets it, other commands' analyses may not. */
  readonly churn?: ChurnResult;
  /** Only for a trace with a native half (native blocks or mappings, the native contract). */
  readonly native?: NativeHalf;
}

/** The footprint by what holds it: pymalloc's arenas, Python's C-library blocks, native blocks, mappings. */
export interface FootprintByDomain {
  readonly pymallocArenaBytes: number;
  /** Blocks of Python's allocator domains the C library serves (raw, and obj/mem of size 0 or > 512). */
  readonly pythonCLibraryBytes: number;
  readonly nativeHeapBytes: number;
  readonly nativeHeapBlocks: number;
  readonly mmapBytes: number;
  readonly mappings: number;
  readonly totalBytes: number;
}

/** What analyze says of a trace's native half. */
export interface NativeHalf {
  /** Native blocks' calls (C code's own malloc & co.). */
  readonly calls: Readonly<Record<'alloc' | 'calloc' | 'realloc' | 'free', number>>;
  readonly mappingOps: Readonly<Record<'mmap' | 'munmap' | 'mremap', number>>;
  /** At the judged instant. */
  readonly footprint: FootprintByDomain;
  readonly highWater: Readonly<Record<NativeHighWaterMetric, HighWaterPoint & { description: string }>>;
  /** Anomalies met by native events, by kind. */
  readonly anomalies: Readonly<Record<AnomalyKind, number>>;
}

export interface InterpreterAt {
  readonly interp: number;
  readonly arenas: number;
  readonly blocksInUse: number;
}

export interface LiveTotals {
  readonly liveBlocks: number;
  readonly liveRequestedBytes: number;
  /** What sys.getallocatedblocks() would say. */
  readonly allocatedBlocks: number;
  readonly systemBlocks: number;
  readonly systemBytes: number;
  readonly footprintBytes: number;
}

/** What analyze judges at its instant: taken from the replayer there, kept to the end of the replay. */
export interface JudgedState {
  readonly judged: LiveTotals;
  readonly footprint: FootprintByDomain;
  readonly liveBlocks: LiveBlocksSummary;
  readonly interpreters: readonly InterpreterAt[];
  readonly fragmentation: FragmentationSummary;
}

/** What `analyze` reads, what a site is and how many groups it lists, and the instant it judges. */
export interface AnalyzeOptions {
  readonly trace: TraceOptions;
  readonly sites: SiteOptions;
  readonly instant: InstantOptions;
  /** The window allocation churn is counted over. */
  readonly churn: ChurnOptions;
}

export const DEFAULT_ANALYZE_OPTIONS: AnalyzeOptions = { trace: DEFAULT_TRACE_OPTIONS, sites: DEFAULT_SITE_OPTIONS, instant: DEFAULT_INSTANT, churn: DEFAULT_CHURN_OPTIONS };

/** The observer that takes analyze's judged state at the mark labelled `label` (null: at the end). */
export function judgedStateCapture(ctx: ImportContext, top: number, sites: SiteGroupingOptions, label: string | null): CaptureAtMark<JudgedState> {
  return new CaptureAtMark(label, (r) => judgedStateOf(r, ctx, top, sites));
}

/** analyze's judged figures at the replayer's current instant. */
export function judgedStateOf(
  r: ReplayView,
  ctx: ImportContext,
  top: number,
  sites: SiteGroupingOptions = DEFAULT_SITE_GROUPING,
  scratch: WalkScratch = new WalkScratch(),
): JudgedState {
  const stats = countersStats(r.model);
  const footprint = footprintByDomain(stats.arenaBytes, r);
  return {
    judged: {
      liveBlocks: r.liveBlockCount,
      liveRequestedBytes: r.liveRequestedBytes,
      allocatedBlocks: r.allocatedBlocks,
      systemBlocks: r.system.liveBlocks,
      systemBytes: r.system.liveBytes,
      footprintBytes: footprint.totalBytes,
    },
    footprint,
    liveBlocks: groupLiveBlocks(r, ctx.stacks, sites, top, scratch),
    interpreters: r.interpreters.map((s) => ({ interp: s.id, arenas: s.model.arenasCurrent, blocksInUse: s.model.blocksInUseTotal })),
    fragmentation: fragmentationOf(stats),
  };
}

function footprintByDomain(arenaBytes: number, r: ReplayView): FootprintByDomain {
  const sys = r.system;
  return {
    pymallocArenaBytes: arenaBytes,
    pythonCLibraryBytes: sys.liveBytes - sys.nativeLiveBytes,
    nativeHeapBytes: sys.nativeLiveBytes,
    nativeHeapBlocks: sys.nativeLiveBlocks,
    mmapBytes: r.mappings.bytes,
    mappings: r.mappings.count,
    totalBytes: arenaBytes + sys.liveBytes + r.mappings.bytes,
  };
}

function nativeHalfOf(r: ReplayView, footprint: FootprintByDomain): NativeHalf {
  const native = (op: number): number => r.counts[op * DOMAIN_COUNT + DOMAIN_NATIVE]!;
  return {
    calls: { alloc: native(OP_ALLOC), calloc: native(OP_CALLOC), realloc: native(OP_REALLOC), free: native(OP_FREE) },
    mappingOps: { mmap: native(OP_MMAP), munmap: native(OP_MUNMAP), mremap: native(OP_MREMAP) },
    footprint,
    highWater: recordOf(NATIVE_HIGH_WATER_METRICS, (m) => ({ ...r.highWater.nativePoint(m), description: NATIVE_HIGH_WATER_DESCRIPTIONS[m] })),
    anomalies: recordOf(ANOMALY_KINDS, (k) => r.anomalies.countOf(k, DOMAIN_NATIVE)),
  };
}

/**
 * The analyze summary of a finished replay; `peak` must have observed it, and
 * `judged` is its state at the judged instant (judgedStateCapture's valueAt).
 * (For analyzers that run their own observers in the same pass, and for
 * callers that need the replayer's end state too, e.g. `diff`.)
 */
export function analyzeReplayed(
  replayed: ReplayedTrace,
  peak: ArenaPeakObserver,
  judged: { readonly value: JudgedState; readonly at: JudgedInstant },
): AnalyzeResult {
  const { replayer: r, ctx, source } = replayed;
  const calls = (op: number): CallCounts => {
    const obj = r.counts[op * DOMAIN_COUNT]!;
    const mem = r.counts[op * DOMAIN_COUNT + 1]!;
    const raw = r.counts[op * DOMAIN_COUNT + 2]!;
    return { obj, mem, raw, total: obj + mem + raw };
  };
  const snap = peak.snapshot;
  const check = r.addressCheck;
  return {
    file: ctx.fileName,
    format: source.format,
    gzip: source.gzip,
    python: { version: r.geometry.version, source: r.versionSource, ...(overridesTrace(r) ? { overridesTrace: true as const } : {}) },
    meta: r.traceMeta,
    completeness: replayed.completeness,
    exactness: exactnessOf(r),
    events: {
      total: r.events,
      calls: { alloc: calls(OP_ALLOC), calloc: calls(OP_CALLOC), realloc: calls(OP_REALLOC), free: calls(OP_FREE) },
      arenaAlloc: r.counts[OP_ARENA_ALLOC * DOMAIN_COUNT]!,
      arenaFree: r.counts[OP_ARENA_FREE * DOMAIN_COUNT]!,
      marks: r.counts[OP_MARK * DOMAIN_COUNT]!,
      nullPointerCalls: r.nullPointerCalls,
      stacks: ctx.stacks.stackCount,
      threads: ctx.threads.count,
    },
    skippedRecords: { count: ctx.skippedRecords, examples: ctx.skippedExamples },
    anomalies: {
      total: r.anomalies.total,
      byKind: recordOf(ANOMALY_KINDS, (k) => ({
        count: r.anomalies.counts[k],
        description: ANOMALY_DESCRIPTIONS[k],
        examples: r.anomalies.examples[k],
      })),
    },
    interpreters: judged.value.interpreters,
    verification: verificationOf(r, check),
    highWater: recordOf(HIGH_WATER_METRICS, (m) => ({ ...r.highWater.point(m), description: HIGH_WATER_DESCRIPTIONS[m] })),
    at: judged.at,
    judged: judged.value.judged,
    liveBlocks: judged.value.liveBlocks,
    fragmentation: {
      judged: judged.value.fragmentation,
      arenaPeak:
        snap === null
          ? null
          : { ...fragmentationOf(snap.stats), event: snap.event, ts: snap.ts, mark: snap.mark, line: snap.line },
    },
    ...(r.nativeEvents === 0 ? {} : { native: nativeHalfOf(r, judged.value.footprint) }),
  };
}

export function verificationOf(r: ReplayView, check = r.addressCheck): AnalyzeResult['verification'] {
  // Summed over every interpreter's pymalloc state (each has its own arenas).
  const feeds = r.interpreters.map((s) => s.arenas);
  const sum = (of: (a: ArenaFeedView) => number): number => feeds.reduce((n, a) => n + of(a), 0);
  const traceHasArenaRecords = feeds.some((a) => a.traceHasArenas);
  const mismatches = sum((a) => a.mismatches + a.unusedAnnounced);
  const placedByModel = sum((a) => a.arenasPlaced);
  return {
    blocksChecked: check.checked,
    blocksPredicted: check.predicted,
    addressMismatches: check.mismatched,
    addressExamples: check.examples,
    arenas: {
      traceHasArenaRecords,
      fromTrace: sum((a) => a.arenasFromTrace),
      placedByModel,
      releasesConfirmed: sum((a) => a.releasesConfirmed),
      mismatches,
      examples: feeds.flatMap((a) => a.examples).slice(0, MAX_ARENA_EXAMPLES),
    },
    // As ArenaFeedView.exact, over every state: each arena from the trace, each release confirmed.
    exact: check.mismatched === 0 && traceHasArenaRecords && mismatches === 0 && placedByModel === 0,
  };
}

/** An object with one property per key. */
function recordOf<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  const out = {} as Record<K, V>;
  for (const k of keys) out[k] = value(k);
  return out;
}

/** Whether --python chose a model other than the version the trace's metadata names. */
function overridesTrace(r: ReplayView): boolean {
  const said = r.traceMeta['python'];
  return r.versionSource === 'option' && said !== undefined && versionFromMeta(said) !== r.geometry.version;
}
