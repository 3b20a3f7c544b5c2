// The data of a `memreplay report`: everything the HTML, Markdown and JSON
// reports show, as plain JSON-serialisable values (so a worker thread can
// build it and post it back, and `--format json` can print it as it is).
// Reporters are pure functions of this; nothing here refers to the replayer.
//
// Units are in the field names (`...Bytes`, `...Events`); counts of blocks,
// pools and arenas are plain numbers; ratios are fractions in [0, 1].
// Event numbers count the trace's records after the header from 1 (`stack`
// definitions excluded), as everywhere in memreplay. Within a version the
// schema only grows: fields are added, never renamed. Sites are named as
// everywhere (site-table.ts), by the report's --by / --depth.

import type { FlatCallTree } from './call-tree.js';
import type { StackWeight } from './live-stacks.js';
import type { ChurnResult } from './churn.js';
import type { ChurnOptions } from '../options/churn-options.js';
import type { AnalyzeResult } from './analyze.js';
import type { JudgedInstant } from './judged-instant.js';
import type { FragmentationSummary } from './fragmentation.js';
import type { LeaksResult } from './leaks.js';
import type { LiveBlocksSummary } from './live-sites.js';
import type { SiteGrouping, SiteGroupingOptions } from './site-table.js';
import type { TraceOptions } from '../options/trace-options.js';
import type { InstantOptions } from '../options/instant-options.js';
import type { GrowthOptions } from '../options/growth-options.js';
import type { HighWaterMetric } from '../events/high-water-metrics.js';
import type { PythonVersion } from '../models/pymalloc/geometry.js';

export const REPORT_SCHEMA = 'memreplay.report/3';

/** An instant of the trace. */
export interface TraceInstant {
  /** Number (1-based) of the event; the state is as of right after it. */
  readonly event: number;
  /** Timestamp of that event, or of the last event before it that had one; null when none had. */
  readonly ts: number | null;
  /** Line of the trace file of that event. */
  readonly line: number;
  /** Label of the last mark at or before that event; null when there was none. */
  readonly mark: string | null;
}

// ------------------------------------------------------------------ timeline

/** The quantities the timeline samples, in the order reporters should list them. */
export const TIMELINE_METRICS = [
  'arenas',
  'poolsInUse',
  'unusedPools',
  'liveBlocks',
  'liveRequestedBytes',
  'allocatedBlockBytes',
  'utilisation',
  'availableBlockBytes',
  'unusedPoolBytes',
  'quantizationBytes',
  'poolHeaderBytes',
  'arenaAlignmentBytes',
  'arenaBytes',
  'systemBytes',
  'footprintBytes',
] as const;
export type TimelineMetric = (typeof TIMELINE_METRICS)[number];

/**
 * One value of every timeline metric at an instant (or the min / max of each
 * over a bucket of events):
 * - `arenas`: pymalloc arenas allocated; `arenaBytes` = arenas x arena size;
 * - `poolsInUse`: pools with at least one block in use; `unusedPools`: empty
 *   and never-used pools of the live arenas (CPython's "# unused pools");
 * - `liveBlocks`: live blocks of every domain (pymalloc and C library);
 * - `liveRequestedBytes`: the sizes the program asked for, all domains;
 * - `allocatedBlockBytes`: pymalloc blocks in use, at their block size;
 * - `utilisation`: allocatedBlockBytes / arenaBytes (0 without arenas);
 * - `availableBlockBytes`: free blocks inside pools in use;
 * - `unusedPoolBytes`, `quantizationBytes`, `poolHeaderBytes`,
 *   `arenaAlignmentBytes`: the rest of the arena bytes, as
 *   sys._debugmallocstats() splits them (the six byte fields from
 *   allocatedBlockBytes on add up to arenaBytes);
 * - `systemBytes`: bytes asked of the C library (sizes 0 and > 512, raw domain);
 * - `footprintBytes`: arenaBytes + systemBytes.
 */
export type TimelineValues = Readonly<Record<TimelineMetric, number>>;

/**
 * A run of consecutive events [firstEvent, event]. `at` is the state after
 * its last event; `min` and `max` are taken over every event of the bucket,
 * so a peak inside a bucket is never lost. The instant fields (event, ts,
 * line, mark) are those of the bucket's last event.
 */
export interface TimelineBucket extends TraceInstant {
  readonly firstEvent: number;
  readonly at: TimelineValues;
  readonly min: TimelineValues;
  readonly max: TimelineValues;
}

/** The state right after a `mark` record. `mark` (from TraceInstant) is its label. */
export interface TimelineMarkSample extends TraceInstant {
  readonly at: TimelineValues;
}

export interface Timeline {
  /** Events per bucket: a power of two, doubled whenever the buckets fill up. The last bucket may be shorter. */
  readonly bucketEvents: number;
  /** The most buckets kept; there are between half of it and all of it (fewer for short traces). */
  readonly maxBuckets: number;
  /** Every event of the trace lies in exactly one bucket, in order. */
  readonly buckets: readonly TimelineBucket[];
  /** The first `maxMarks` marks of the trace, in order. */
  readonly marks: readonly TimelineMarkSample[];
  readonly maxMarks: number;
  /** Marks after the first `maxMarks`, not sampled. */
  readonly marksOmitted: number;
  /** The trace's first timestamp (ns), the origin of the report's time axes; null when no event had one. */
  readonly firstTs: number | null;
}

/**
 * A stretch of the trace sampled again, finely: where its marks crowd
 * together (a request loop marking each request), too close to tell apart on
 * the whole timeline. Its buckets are as in `Timeline`, over these events only.
 */
export interface TimelineWindow {
  /** First and last event of the stretch (inclusive). */
  readonly firstEvent: number;
  readonly lastEvent: number;
  readonly bucketEvents: number;
  readonly buckets: readonly TimelineBucket[];
}

// -------------------------------------------------------- size-class occupancy

export interface SizeClassOccupancy {
  readonly sizeClass: number;
  readonly blockSizeBytes: number;
  /** Pools of this class with at least one block in use. */
  readonly pools: number;
  readonly blocksInUse: number;
  /** Blocks those pools can hold (pools x blocks per pool). */
  readonly blockCapacity: number;
  /** blocksInUse / blockCapacity. */
  readonly utilisation: number;
  /** Free blocks of those pools, in bytes. */
  readonly availableBlockBytes: number;
  /** Bytes at the end of those pools too small for one more block. */
  readonly quantizationBytes: number;
}

/** Size classes with at least one pool in use, ascending. */
export interface SizeClassOccupancyAt extends TraceInstant {
  readonly classes: readonly SizeClassOccupancy[];
}

// ------------------------------------------------------------------ arena map

export interface ArenaMapArena {
  /** Base address as the trace wrote it (hex), or as the model placed it. */
  readonly base: string;
  /** Which arena allocation this is: 1 for the first arena the process took, counting re-allocations. */
  readonly serial: number;
  readonly poolsInUse: number;
  readonly liveBlocks: number;
  readonly allocatedBlockBytes: number;
  /** allocatedBlockBytes / arena size. */
  readonly utilisation: number;
  /**
   * One entry per pool the arena can hold, in address order: the fraction of
   * the pool's blocks in use (0 for an empty pool), or null for a pool not
   * carved yet. An arena not aligned to the pool size holds one pool less.
   * Fractions are rounded to 4 decimals.
   */
  readonly pools: readonly (number | null)[];
  /** Size class of each pool in use (same index as `pools`), -1 for an empty or uncarved pool. */
  readonly poolSizeClasses: readonly number[];
}

export interface ArenaMap extends TraceInstant {
  readonly arenaSizeBytes: number;
  readonly poolSizeBytes: number;
  /** Pools in an arena aligned to the pool size. */
  readonly poolsPerArena: number;
  /** Live arenas at that instant. */
  readonly totalArenas: number;
  /** Arenas not shown (beyond the cap; the ones shown are spread evenly over the address order). */
  readonly arenasOmitted: number;
  /** Shown arenas, by ascending base address. */
  readonly arenas: readonly ArenaMapArena[];
}

// --------------------------------------------------------------- arena pinning

/** A call site's part of the live blocks of one arena. */
export interface SiteShare {
  readonly site: string;
  readonly blocks: number;
  /** At their block size. */
  readonly allocatedBytes: number;
}

/** A live arena that holds at least one live block, so pymalloc cannot release it. */
export interface PinnedArena {
  readonly base: string;
  readonly serial: number;
  readonly liveBlocks: number;
  readonly requestedBytes: number;
  readonly allocatedBlockBytes: number;
  readonly poolsInUse: number;
  /** Arena bytes not in blocks in use (free blocks, empty pools, headers, quantization, alignment): held only because of the live blocks. */
  readonly heldBytes: number;
  /** The sites owning its blocks, most blocks first (at most a few). */
  readonly sites: readonly SiteShare[];
  readonly sitesOmitted: number;
}

/** A site (as --by names it; blocks without a stack by domain and size class) and the arenas its live blocks keep. */
export interface PinningSite {
  readonly site: string;
  /** One full stack of its blocks, oldest frame first (sites with a stack only). */
  readonly exampleStack?: readonly string[];
  readonly liveBlocks: number;
  readonly requestedBytes: number;
  readonly allocatedBytes: number;
  /** Per-site quantization waste: block size minus requested size, summed over its pymalloc blocks. */
  readonly quantizationWasteBytes: number;
  /** Arenas holding at least one of its blocks. */
  readonly arenasPinned: number;
  /** Arenas whose live blocks are all its own: freeing them would let pymalloc release the arena. */
  readonly arenasSolelyPinned: number;
  /** Pools holding at least one of its blocks. */
  readonly poolsPinned: number;
  /** Pools whose live blocks are all its own. */
  readonly poolsSolelyPinned: number;
  /** Its share of the held bytes of the arenas it pins, in proportion to its blocks in each. */
  readonly keptUnusableBytes: number;
}

export interface ArenaPinning extends TraceInstant {
  readonly groupedBy: SiteGrouping;
  /** With `traceback`: innermost frames per site; null: all. */
  readonly depth: number | null;
  readonly arenaSizeBytes: number;
  /** Live arenas with at least one live block. */
  readonly pinnedArenas: number;
  /** Live arenas without a live block (CPython 3.9+ keeps one such arena). */
  readonly emptyArenas: number;
  /** Sum of heldBytes over the pinned arenas. */
  readonly heldBytes: number;
  /** Pinned arenas, fewest live blocks first (the cheapest to set free), at most the cap. */
  readonly arenas: readonly PinnedArena[];
  readonly arenasOmitted: number;
  /** Distinct sites with a pymalloc block live at that instant. */
  readonly totalSites: number;
  /** The top sites by arenasPinned (then poolsPinned, then keptUnusableBytes). */
  readonly sitesByArenasPinned: readonly PinningSite[];
  /** The top sites by keptUnusableBytes. */
  readonly sitesByKeptUnusableBytes: readonly PinningSite[];
  /** The top sites by quantizationWasteBytes. */
  readonly sitesByQuantizationWaste: readonly PinningSite[];
}

// ------------------------------------------------------------------ high water

/** The high-water metrics whose peak instant is replayed again to see what was live. */
export const PEAK_SITE_METRICS = ['live_requested_bytes', 'pools_in_use', 'arenas', 'footprint_bytes'] as const;
export type PeakSiteMetric = (typeof PEAK_SITE_METRICS)[number] & HighWaterMetric;

export interface PeakSites extends TraceInstant {
  readonly metric: PeakSiteMetric;
  readonly description: string;
  /** The peak value (bytes, pools or arenas); event 0 means it was never above 0. */
  readonly value: number;
  /** The live blocks at that instant, by site, largest first. */
  readonly live: LiveBlocksSummary;
}

// ------------------------------------------------------------------- what-if

/** The trace replayed under one CPython version's pymalloc geometry. */
export interface WhatIfVersion {
  readonly version: PythonVersion;
  readonly arenaSizeBytes: number;
  readonly poolSizeBytes: number;
  /**
   * True when the arena addresses came from the trace (its own version);
   * false when the model placed arenas itself, aligned to the arena size.
   */
  readonly arenasFromTrace: boolean;
  readonly footprintPeak: TraceInstant & { readonly value: number };
  readonly arenasPeak: TraceInstant & { readonly value: number };
  readonly poolsPeak: TraceInstant & { readonly value: number };
  readonly blockBytesPeak: TraceInstant & { readonly value: number };
  /** The instant `judged` is taken at: the report's (the `stats` mark when the trace has one, else the end). */
  readonly at: JudgedInstant;
  readonly judged: FragmentationSummary & { readonly footprintBytes: number; readonly blocksInUse: number };
  /** At the instant the arena count first reached its peak; null when no arena was used. */
  readonly arenaPeak: (FragmentationSummary & TraceInstant) | null;
}

// -------------------------------------------------------------------- report

export interface ReportLimits {
  readonly maxBuckets: number;
  readonly maxMarks: number;
  /** Sites listed in each ranking; also the steady-state leak sites and the other sites the leak section lists. */
  readonly top: number;
  /** Arenas shown in an arena map / listed in a pinning table. */
  readonly maxArenas: number;
}

export interface ReportData {
  readonly schema: typeof REPORT_SCHEMA;
  /** Everything `memreplay analyze --json` says about the trace. */
  readonly analyze: AnalyzeResult;
  readonly timeline: Timeline;
  /** The stretch where the trace's marks crowd together, sampled finely; null when they do not (mark-window.ts). */
  readonly markWindow: TimelineWindow | null;
  /**
   * The instant the report judges, as analyze, leaks and check do: the
   * `stats` mark when the trace has one (or ReportOptions.at), else the end
   * (or the end with ReportOptions.atEnd). Every `judged` field below, the
   * analyze part's and the leak section are taken there.
   */
  readonly at: JudgedInstant;
  readonly sizeClasses: {
    readonly judged: SizeClassOccupancyAt;
    /** At the arena high-water mark; null when no arena was used. */
    readonly arenaPeak: SizeClassOccupancyAt | null;
  };
  readonly arenaMap: { readonly judged: ArenaMap; readonly arenaPeak: ArenaMap | null };
  readonly pinning: { readonly judged: ArenaPinning; readonly arenaPeak: ArenaPinning | null };
  readonly highWater: Readonly<Record<PeakSiteMetric, PeakSites>>;
  /**
   * What `memreplay leaks --at stats` says about the trace (memreplay.leaks/1
   * without `schema`) when it has a `stats` mark, else `memreplay leaks` at
   * its end, or at ReportOptions.at; from the same analysis: growth verdicts, evidence per
   * sample, pools and arenas per site. At most `limits.top` steady-state
   * leaks and `limits.top` other sites are listed; the counts are exact.
   */
  readonly leaks: LeaksResult;
  /** One entry per `--python` version asked for, in that order; null when none was asked for. */
  readonly whatIf: readonly WhatIfVersion[] | null;
  readonly limits: ReportLimits;
  /**
   * The live blocks by full stack at the footprint high-water mark, as call
   * trees pruned for a flame graph (call-tree.ts; flat, nodes in depth-first
   * order with their depth), one per weight; null when
   * the footprint never rose above 0. Optional: reports built before it
   * have none.
   */
  readonly flame?: ReportFlame | null;
  /** Allocation churn by site over the whole run or the `churn` window (churn.ts), taken on the first replay. Optional: reports built before it have none. */
  readonly churn?: ChurnResult;
  /**
   * The live blocks of the steady-state leak sites the leak section lists, by
   * full stack, at the report's instant `at`, as call trees pruned as `flame`'s;
   * null when there is none. Optional: reports built before it have none.
   */
  readonly leakFlame?: ReportLeakFlame | null;
}

/** The leak sites' flame graphs: where, how many sites, and one pruned call tree per weight. */
export interface ReportLeakFlame extends TraceInstant {
  /** Steady-state leak sites whose blocks the trees hold (those the leak section lists). */
  readonly leakSites: number;
  readonly trees: Readonly<Record<StackWeight, FlatCallTree>>;
}

/** The flame graphs' data: where, and one pruned call tree per weight. */
export interface ReportFlame extends TraceInstant {
  /** The footprint there (arenas x arena size + C library bytes). */
  readonly footprintBytes: number;
  readonly trees: Readonly<Record<StackWeight, FlatCallTree>>;
}

/** Options of `buildReport(path, options): Promise<ReportData>` (src/run/report.ts). */
export interface ReportOptions {
  readonly trace: TraceOptions;
  /** What a site is, in every table of the report (how many are listed is `limits.top`). */
  readonly sites: SiteGroupingOptions;
  /**
   * The instant every section judges (an `at` the trace lacks is an error);
   * the timeline and high-water marks are the whole trace's.
   */
  readonly instant: InstantOptions;
  /** The leak section's growth options, as `memreplay leaks` takes them; its suppressions apply to that section only. */
  readonly growth: GrowthOptions;
  /** Versions to replay the trace under for the what-if comparison (`--python 3.8,3.11,3.13`); none: no comparison. */
  readonly whatIf: readonly PythonVersion[];
  readonly limits: ReportLimits;
  /** The window the churn section counts over (--churn-from, --churn-to). */
  readonly churn: ChurnOptions;
}
