// `memreplay leaks`: one streaming replay of a trace; live bytes per site are
// sampled at interval boundaries on the way (growth.ts), and at the end (or
// at the --at mark) the live blocks are grouped into sites with their pools,
// arenas and size classes, and each site gets its growth verdict — or none
// for any site, said why, when too few intervals follow the warm-up. A
// --marks glob that matches no mark is a usage error, never a quiet switch
// to windows. Suppressed blocks are left out of sites and growth alike, and
// counted per rule.
//
// Options and result are plain data, so the same function can run on a
// worker thread for `memreplay check` over many traces.

import { blockSize } from '../models/pymalloc/geometry.js';
import { countersStats } from '../models/pymalloc/stats.js';
import type { PythonVersion } from '../models/pymalloc/geometry.js';
import { DOMAIN_NAMES } from '../events/ops.js';
import { ImportContext, type BadRecordExample } from '../import/import-context.js';
import type { Completeness } from '../replay/completeness.js';
import type { HighWaterPoint } from '../replay/high-water.js';
import { exactnessOf, type Exactness } from '../replay/exactness.js';
import { completenessOfReplay } from '../replay/replayed-trace.js';
import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import { SuppressionMatcher } from '../suppressions/suppressions.js';
import { globMatcher } from '../suppressions/glob.js';
import { fragmentationOf, type FragmentationSummary } from './fragmentation.js';
import { parseFrame, type PythonFrame } from '../events/frame-text.js';
import { UsageError } from '../errors.js';
import { GrowthObserver, MAX_SITES, type GrowthSample } from './growth.js';
import type { GrowthClass } from './growth-rule.js';
import { marksSummary, type MarkCensus } from '../replay/mark-census.js';
import { rankSites, walkLiveSites, type SiteTotals } from './live-sites.js';
import type { WalkScratch } from './walk-scratch.js';
import { C_LIBRARY_CLASS, SiteTable, type SiteGrouping } from './site-table.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import { DEFAULT_SITE_OPTIONS, type SiteOptions } from '../options/site-options.js';
import { DEFAULT_INSTANT, type InstantOptions } from '../options/instant-options.js';
import { DEFAULT_GROWTH_OPTIONS, type GrowthOptions } from '../options/growth-options.js';

/** Steady-state leak sites, and sites over listSitesOver, listed at most (counts are always exact). */
export const MAX_LISTED_SITES = 1000;

/** How many sites a leaks result lists beyond --top (check's budgets ask for more). */
export interface LeakListing {
  /** List every site with more live bytes than this too (a per-site budget), up to MAX_LISTED_SITES. */
  readonly listSitesOver?: number | undefined;
  /** Steady-state leak sites listed at most (absent: MAX_LISTED_SITES; the count stays exact). */
  readonly maxListedLeaks?: number | undefined;
}

/** What `leaks` (and `check`) read, group, judge and measure. */
export interface LeaksOptions {
  readonly trace: TraceOptions;
  readonly sites: SiteOptions;
  readonly instant: InstantOptions;
  readonly growth: GrowthOptions;
  readonly listing: LeakListing;
}

export const DEFAULT_LEAKS_OPTIONS: LeaksOptions = {
  trace: DEFAULT_TRACE_OPTIONS,
  sites: DEFAULT_SITE_OPTIONS,
  instant: DEFAULT_INSTANT,
  growth: DEFAULT_GROWTH_OPTIONS,
  listing: {},
};

export interface NativeSiteFrame {
  readonly function: string;
  readonly object: string;
  readonly offset: string;
  readonly file: string;
  readonly line: number;
}

/** A native site's C frame as a result reports it (null when the site is not native). */
export function nativeSiteFrame(text: string | null): NativeSiteFrame | null {
  if (text === null) return null;
  const f = parseFrame(text);
  return { function: f.func, object: f.native?.object ?? '', offset: f.native?.offset ?? '', file: f.file, line: f.line };
}

/** The native half of a trace's memory: peaks with when each was reached, and what is live at the reported instant. */
export interface NativeMemory {
  readonly peakHeapBytes: HighWaterPoint;
  readonly peakMmapBytes: HighWaterPoint;
  /** Requested bytes of native blocks live at the reported instant, after suppressions. */
  readonly leakedBytes: number;
  /** Anonymously mapped bytes at the reported instant. */
  readonly mmapBytes: number;
}

export interface LeaksSite {
  readonly key: string;
  /**
   * The innermost frame of an example stack (null for blocks without a
   * stack); for a native site, its innermost Python frame, the Python line
   * that led to the C function (null when the stack has none).
   */
  readonly location: { readonly file: string; readonly line: number; readonly function: string } | null;
  /**
   * Only on a native site (its innermost frame is a C frame): that frame,
   * the C function that called malloc, with its object and offset, and its
   * file and line when the trace has them ('' and 0 when not).
   */
  readonly native?: NativeSiteFrame;
  /** An example stack, oldest frame first ([] without a stack). */
  readonly stack: readonly string[];
  /** Blocks without a stack: their domain and size class (null: the C library). */
  readonly noStack: { readonly domain: string; readonly sizeClass: number | null } | null;
  readonly blocks: number;
  readonly requestedBytes: number;
  readonly allocatedBytes: number;
  readonly sizeClasses: readonly { readonly sizeClass: number; readonly blockSize: number; readonly blocks: number }[];
  /** Blocks the C library served (sizes 0 and > 512, raw domain). */
  readonly systemBlocks: number;
  readonly pools: number;
  readonly poolsAlone: number;
  readonly arenas: number;
  readonly arenasAlone: number;
  /** The earliest and latest allocation of a block still live (null when none is). */
  readonly first: { readonly event: number; readonly ts: number | null } | null;
  readonly last: { readonly event: number; readonly ts: number | null } | null;
  readonly growth: {
    readonly class: GrowthClass;
    /** Least-squares slope from `from` on, bytes per interval. */
    readonly slope: number;
    /** Intervals from `from` on in which the live bytes rose. */
    readonly rises: number;
    /** Live bytes at each growth sample (the evidence). */
    readonly liveBytes: readonly number[];
    /**
     * The sample the site is judged from: the end of the warm-up
     * (growth.firstSteadySample), or, over event windows, when the site
     * first held bytes after it, the last sample before it did (growth.ts,
     * originOf).
     */
    readonly from: number;
    /**
     * Windows basis only: why the site cannot be a steady-state leak whatever
     * its growth — blocks without a stack, or allocated only inside imports.
     */
    readonly excluded: 'no-stack' | 'import-time' | null;
  };
}

export interface LeaksResult {
  readonly file: string;
  readonly python: { readonly version: PythonVersion; readonly source: 'option' | 'trace' | 'default' };
  /** As analyze's `at` (judged-instant.ts): `seconds` from the trace's first timestamp, null without timestamps. */
  readonly at: { readonly event: number; readonly ts: number | null; readonly seconds: number | null; readonly mark: string | null; readonly end: boolean };
  /** The marks seen up to the reported instant, by label shape (`iteration *`). */
  readonly marks: MarkCensus;
  readonly groupedBy: SiteGrouping;
  readonly depth: number | null;
  /**
   * A call stack with a frame was seen up to the reported instant. False:
   * every site is a `(no stack)` group by domain and size class, whatever
   * groupedBy says.
   */
  readonly hasStacks: boolean;
  readonly totals: {
    readonly liveBlocks: number;
    readonly liveRequestedBytes: number;
    readonly sites: number;
    readonly suppressedBlocks: number;
    readonly suppressedBytes: number;
  };
  readonly growth: {
    readonly basis: 'marks' | 'windows';
    readonly markFilter: string | null;
    /** Marks counted, or base windows of FIRST_WINDOW_EVENTS events completed. */
    readonly boundaries: number;
    /** Marks per sample (marks), or null. */
    readonly marksPerSample: number | null;
    /** Events per interval (windows), or null. */
    readonly eventsPerWindow: number | null;
    /** Warm-up, in intervals (marks or windows), as asked for. */
    readonly warmup: number;
    /** The share asked for with --warmup P%, or null. */
    readonly warmupPercent: number | null;
    readonly samples: readonly GrowthSample[];
    readonly firstSteadySample: number;
    readonly steadyIntervals: number;
    /** Intervals after the warm-up the rule needs for a verdict: 3 with marks, 8 with windows. */
    readonly minSteadyIntervals: number;
    /** At least minSteadyIntervals intervals after the warm-up: verdicts of steady_leak are possible. */
    readonly enough: boolean;
    /** Why there is no leak verdict (too few intervals after the warm-up), or null when there is one. */
    readonly noVerdict: string | null;
    /**
     * Sites with a growth class: every site seen at a growth sample or live at
     * the reported instant, so more than totals.sites (those live then). The
     * four counts below add up to it.
     */
    readonly sitesJudged: number;
    readonly steadyLeakSites: number;
    /** Grew after the warm-up, then levelled off: bounded caches. */
    readonly boundedSites: number;
    readonly retainedOnceSites: number;
    readonly transientSites: number;
    readonly sitesUntracked: number;
  };
  /**
   * Steady-state leaks first (largest slope first), then the --top bounded
   * sites (largest slope first), then the --top largest other sites by live
   * bytes.
   */
  readonly sites: readonly LeaksSite[];
  readonly memory: {
    readonly peakFootprintBytes: number;
    readonly arenasHighWater: number;
    /** At the reported instant. */
    readonly fragmentation: FragmentationSummary;
    /** Only for a trace with a native half (native blocks or mappings): its figures. */
    readonly native?: NativeMemory;
  };
  readonly suppressions: readonly { readonly pattern: string; readonly file: string; readonly line: number; readonly blocks: number; readonly bytes: number }[];
  /**
   * Bad records skipped with --lenient up to the reported instant, with the
   * first few: a gate must never pass corrupted input without saying so.
   */
  readonly skippedRecords: { readonly count: number; readonly examples: readonly BadRecordExample[] };
  /**
   * Whether the trace holds the whole run (its end mark, or its metadata);
   * `unknown` when the result is at an --at mark, before the end was read.
   */
  readonly completeness: Completeness;
  /**
   * Whether the model followed the trace exactly up to the result's instant
   * (src/replay/exactness.ts): when not, its figures may not be the program's.
   */
  readonly exactness: Exactness;
}

/** What LeaksAnalysis needs: LeaksOptions without the replay's and the instant (its caller stops the replay or names the mark). */
export interface LeakAnalysisOptions {
  readonly sites: SiteOptions;
  readonly growth: GrowthOptions;
  readonly listing?: LeakListing;
  /**
   * Take the result at the first mark with this label while the replay goes
   * on for other observers (the report, the default instant); `resultAt`
   * gives it. A capture point, not --at: InstantOptions says which mark.
   */
  readonly captureAtMark?: string | null;
  /** Arrays for the walk of the live set, shared with the caller's other walks (the report's). */
  readonly scratch?: WalkScratch;
}

/**
 * The leaks analysis of one replay: observe the replay with it (it samples
 * growth on the way), then take `result` from the replayer where it stopped.
 * `memreplay leaks` and the report's leak section both run it, so they agree.
 */
export class LeaksAnalysis implements ReplayObserver {
  private readonly matcher: SuppressionMatcher;
  /** Built at the first event, when the header has given the model version. */
  private state: { table: SiteTable; growth: GrowthObserver } | undefined;
  /** With atMark: the mark was seen and the result is due after its event; then the result. */
  private atMarkDue = false;
  private atMarkResult: LeaksResult | undefined;
  private firstTs = NaN;

  constructor(
    private readonly ctx: ImportContext,
    private readonly options: LeakAnalysisOptions,
  ) {
    this.matcher = new SuppressionMatcher(options.growth.suppressions);
  }

  onEvent(r: ReplayView): void {
    // NaN !== NaN: the first timestamp seen, the origin of `at.seconds`.
    if (this.firstTs !== this.firstTs) this.firstTs = r.lastTs;
    this.ensure(r).growth.onEvent(r);
    // After the mark's own event, as a replay stopped by --at would see it.
    if (this.atMarkDue) {
      this.atMarkDue = false;
      this.atMarkResult = this.result(r, this.options.captureAtMark!);
    }
  }

  onMark(r: ReplayView, label: string): void {
    this.ensure(r).growth.onMark(r, label);
    if (label === this.options.captureAtMark && this.atMarkResult === undefined) this.atMarkDue = true;
  }

  /** With atMark: the result at that mark when the trace has one, else at the replayer's instant (the end). */
  resultAt(r: ReplayView): LeaksResult {
    return this.atMarkResult ?? this.result(r, null);
  }

  private ensure(r: ReplayView): { table: SiteTable; growth: GrowthObserver } {
    if (this.state !== undefined) return this.state;
    const options = this.options;
    const table = new SiteTable(this.ctx.stacks, r.geometry, {
      ...options.sites,
      suppressionOf: (frames) => this.matcher.match(frames),
    });
    const growth = new GrowthObserver(table, {
      ...(options.growth.marks !== undefined ? { markFilter: globMatcher(options.growth.marks) } : {}),
      ...(options.growth.warmup !== undefined ? { warmup: options.growth.warmup } : {}),
    });
    this.state = { table, growth };
    return this.state;
  }

  /** The marks replayed so far, counted by label shape (for messages). */
  marksSeen(r: ReplayView): MarkCensus {
    return this.ensure(r).growth.marksSeen();
  }

  /** The result at the replayer's current instant: `mark` is the --at label it stopped at, null at the end. */
  result(r: ReplayView, mark: string | null): LeaksResult {
    const { sites: siteOptions, growth: growthOptions, listing = {} } = this.options;
    const ctx = this.ctx;
    const by = siteOptions.by;
    const { table: sites, growth } = this.ensure(r);
    const series = growth.result();
    const marks = growth.marksSeen();
    if (growthOptions.marks !== undefined && series.basis === 'windows') throw noMarkMatches(ctx.fileName, growthOptions.marks, marks, mark);
    const walk = walkLiveSites(r, sites, this.options.scratch);
    const totalsBySite = new Map<number, SiteTotals>(walk.sites.map((t) => [t.site, t]));

    // Verdicts for every site seen at a sample or live now: those live now are totals.sites.
    const verdicts = new Map<number, ReturnType<typeof series.verdict>>();
    const counts = { steady_leak: 0, bounded: 0, retained_once: 0, transient: 0 };
    const seen = Math.min(sites.count, MAX_SITES);
    const excluded = (s: number): LeaksSite['growth']['excluded'] =>
      series.basis !== 'windows' ? null : sites.info(s).noStack !== null ? 'no-stack' : sites.importOnly(s) ? 'import-time' : null;
    for (let s = 0; s < sites.count; s++) {
      const live = totalsBySite.get(s)?.requestedBytes ?? 0;
      if (s >= seen && !totalsBySite.has(s)) continue;
      const v = series.verdict(s, live, excluded(s) === null);
      verdicts.set(s, v);
      counts[v.class]++;
    }
    const leaking = [...verdicts.entries()].filter(([, v]) => v.class === 'steady_leak').sort((a, b) => b[1].slope - a[1].slope || a[0] - b[0]);
    // Bounded sites are shown, not failed: the --top largest slopes, live now or not (a cache freed at shutdown).
    const bounded = [...verdicts.entries()]
      .filter(([, v]) => v.class === 'bounded')
      .sort((a, b) => b[1].slope - a[1].slope || a[0] - b[0])
      .slice(0, siteOptions.top)
      .map(([s]) => s);
    const boundedListed = new Set(bounded);
    const sorted = rankSites(walk.sites.filter((t) => verdicts.get(t.site)?.class !== 'steady_leak' && !boundedListed.has(t.site)));
    const over = listing.listSitesOver === undefined ? 0 : sorted.filter((t) => t.requestedBytes > listing.listSitesOver!).length;
    const others = sorted.slice(0, Math.max(siteOptions.top, Math.min(over, MAX_LISTED_SITES)));
    const listed = [...leaking.slice(0, listing.maxListedLeaks ?? MAX_LISTED_SITES).map(([s]) => s), ...bounded, ...others.map((t) => t.site)];

    const geometry = r.geometry;
    const siteOut = (s: number): LeaksSite => {
      const info = sites.info(s);
      const t = totalsBySite.get(s);
      const v = verdicts.get(s)!;
      const stack = info.exampleStack >= 0 ? ctx.stacks.frames(info.exampleStack) : [];
      // The frame the site is named by: the user's code rather than importlib or the library it called.
      const innermost: PythonFrame | null = info.frame !== null ? parseFrame(info.frame) : null;
      const classes: LeaksSite['sizeClasses'][number][] = [];
      t?.classBlocks.forEach((n, c) => {
        if (n !== undefined && n > 0) classes.push({ sizeClass: c, blockSize: blockSize(geometry, c), blocks: n });
      });
      const native = nativeSiteFrame(info.nativeFrame);
      return {
        key: info.key,
        location: innermost === null ? null : { file: innermost.file, line: innermost.line, function: innermost.func },
        ...(native === null ? {} : { native }),
        stack,
        noStack:
          info.noStack === null
            ? null
            : { domain: DOMAIN_NAMES[info.noStack.domain] ?? 'obj', sizeClass: info.noStack.sizeClass === C_LIBRARY_CLASS ? null : info.noStack.sizeClass },
        blocks: t?.blocks ?? 0,
        requestedBytes: t?.requestedBytes ?? 0,
        allocatedBytes: t?.allocatedBytes ?? 0,
        sizeClasses: classes,
        systemBlocks: t?.systemBlocks ?? 0,
        pools: t?.pools ?? 0,
        poolsAlone: t?.poolsAlone ?? 0,
        arenas: t?.arenas ?? 0,
        arenasAlone: t?.arenasAlone ?? 0,
        first: t === undefined ? null : { event: t.firstEvent, ts: Number.isNaN(t.firstTs) ? null : t.firstTs },
        last: t === undefined ? null : { event: t.lastEvent, ts: Number.isNaN(t.lastTs) ? null : t.lastTs },
        growth: { class: v.class, slope: v.slope, rises: v.rises, liveBytes: series.liveBytes(s), from: v.origin, excluded: excluded(s) },
      };
    };

    let suppressedBlocks = 0;
    let suppressedBytes = 0;
    for (const x of walk.suppressed.values()) {
      suppressedBlocks += x.blocks;
      suppressedBytes += x.bytes;
    }
    const hw = r.highWater;
    return {
      file: ctx.fileName,
      python: { version: r.geometry.version, source: r.versionSource },
      at: {
        event: r.events,
        ts: Number.isNaN(r.lastTs) ? null : r.lastTs,
        seconds: Number.isNaN(r.lastTs) || Number.isNaN(this.firstTs) ? null : (r.lastTs - this.firstTs) / 1e9,
        mark,
        end: mark === null,
      },
      marks,
      groupedBy: by,
      depth: siteOptions.depth ?? null,
      // Frames, not stacks: an event with an empty frame list interns a stack without any.
      hasStacks: ctx.stacks.frameCount > 0,
      totals: {
        liveBlocks: walk.totalBlocks,
        liveRequestedBytes: walk.totalRequestedBytes,
        sites: walk.sites.length,
        suppressedBlocks,
        suppressedBytes,
      },
      growth: {
        basis: series.basis,
        markFilter: growthOptions.marks ?? null,
        boundaries: series.boundaries,
        marksPerSample: series.basis === 'marks' ? series.stride : null,
        eventsPerWindow: series.basis === 'windows' ? series.eventsPerWindow : null,
        warmup: series.warmup,
        warmupPercent: series.warmupPercent,
        samples: series.samples,
        firstSteadySample: series.firstSteady,
        steadyIntervals: series.steadyIntervals,
        minSteadyIntervals: series.minSteadyIntervals,
        enough: series.enough,
        noVerdict: series.noVerdict,
        sitesJudged: verdicts.size,
        steadyLeakSites: counts.steady_leak,
        boundedSites: counts.bounded,
        retainedOnceSites: counts.retained_once,
        transientSites: counts.transient,
        sitesUntracked: series.sitesUntracked,
      },
      sites: listed.map(siteOut),
      memory: {
        peakFootprintBytes: hw.point('footprint_bytes').value,
        arenasHighWater: hw.point('arenas').value,
        fragmentation: fragmentationOf(countersStats(r.model)),
        ...(r.nativeEvents === 0
          ? {}
          : {
              native: {
                peakHeapBytes: hw.nativePoint('native_heap_bytes'),
                peakMmapBytes: hw.nativePoint('mmap_bytes'),
                leakedBytes: walk.nativeRequestedBytes,
                mmapBytes: r.mappings.bytes,
              },
            }),
      },
      suppressions: growthOptions.suppressions.map((rule, i) => ({
        pattern: rule.pattern,
        file: rule.file,
        line: rule.line,
        blocks: walk.suppressed.get(i)?.blocks ?? 0,
        bytes: walk.suppressed.get(i)?.bytes ?? 0,
      })),
      // A copy: the context keeps counting while a report's replay goes on past --at.
      skippedRecords: { count: ctx.skippedRecords, examples: [...ctx.skippedExamples] },
      completeness: completenessOfReplay(r, mark !== null),
      exactness: exactnessOf(r),
    };
  }
}

/** --marks GLOB matched no mark of the trace: a usage error that says which marks it has. */
function noMarkMatches(file: string, glob: string, marks: MarkCensus, at: string | null): UsageError {
  const where = at === null ? 'the trace' : `the trace before mark ${JSON.stringify(at.slice(0, 40))}`;
  return new UsageError(
    `${file}: --marks ${JSON.stringify(glob.slice(0, 60))} matches no mark; ${where} has ${marksSummary(marks)}` +
      `${marks.count === 0 ? ' (leave --marks out to measure growth over windows of events)' : ''}`,
  );
}
