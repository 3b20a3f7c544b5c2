// `memreplay leaks`: one streaming replay of a trace; live bytes per site are
// sampled at interval boundaries on the way (growth.ts), and at the end (or
// at the --at mark) the live blocks are grouped into sites with their pools,
// arenas and size classes, and each site gets its growth verdict. Suppressed
// blocks are left out of sites and growth alike, and counted per rule.
//
// Options and result are plain data, so the same function can run on a
// worker thread for `memreplay check` over many traces.

import { blockSize } from '../models/pymalloc/geometry.js';
import { countersStats } from '../models/pymalloc/stats.js';
import type { PythonVersion } from '../models/pymalloc/geometry.js';
import { DOMAIN_NAMES } from '../events/ops.js';
import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace, type ReplayTraceOptions } from '../replay/replay-trace.js';
import type { Replayer } from '../replay/replayer.js';
import { SuppressionMatcher, type SuppressionRule } from '../suppressions/suppressions.js';
import { globMatcher } from '../suppressions/glob.js';
import { fragmentationOf, type FragmentationSummary } from './fragmentation.js';
import { parseFrame, type PythonFrame } from './frame-text.js';
import { GrowthObserver, MAX_SITES, type GrowthSample, type WarmupSpec } from './growth.js';
import type { GrowthClass } from './growth-rule.js';
import { C_LIBRARY_CLASS, SiteTable, walkLiveSites, type SiteGrouping, type SiteTotals } from './live-sites.js';

export const LEAKS_SCHEMA = 'memreplay.leaks/1';
/** Steady-state leak sites, and sites over listSitesOver, listed at most (counts are always exact). */
export const MAX_LISTED_SITES = 1000;

export interface LeaksOptions extends Omit<ReplayTraceOptions, 'observers' | 'stopAtEvent'> {
  by?: SiteGrouping;
  /** With --by traceback: innermost frames per site (default all). */
  depth?: number;
  /** Sites listed besides the steady-state leaks (default 20). */
  top?: number;
  warmup?: WarmupSpec;
  /** Glob over mark labels: only those marks are interval boundaries. */
  marks?: string;
  suppressions?: readonly SuppressionRule[];
  /** List every site with more live bytes than this too (a per-site budget), up to MAX_LISTED_SITES. */
  listSitesOver?: number;
}

export interface LeaksSite {
  readonly key: string;
  /** The innermost frame of an example stack (null for blocks without a stack). */
  readonly location: { readonly file: string; readonly line: number; readonly function: string } | null;
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
    /** Least-squares slope after the warm-up, bytes per interval. */
    readonly slope: number;
    readonly rises: number;
    /** Live bytes at each growth sample (the evidence). */
    readonly liveBytes: readonly number[];
  };
}

export interface LeaksResult {
  readonly file: string;
  readonly python: { readonly version: PythonVersion; readonly source: 'option' | 'trace' | 'default' };
  readonly at: { readonly event: number; readonly ts: number | null; readonly mark: string | null; readonly end: boolean };
  readonly groupedBy: SiteGrouping;
  readonly depth: number | null;
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
    /** Warm-up, in intervals (marks or windows). */
    readonly warmup: number;
    readonly samples: readonly GrowthSample[];
    readonly firstSteadySample: number;
    readonly steadyIntervals: number;
    /** At least MIN_STEADY_INTERVALS intervals after the warm-up: verdicts of steady_leak are possible. */
    readonly enough: boolean;
    readonly steadyLeakSites: number;
    readonly retainedOnceSites: number;
    readonly transientSites: number;
    readonly sitesUntracked: number;
  };
  /** Steady-state leaks first (largest slope first), then the largest sites by live bytes. */
  readonly sites: readonly LeaksSite[];
  readonly memory: {
    readonly peakFootprintBytes: number;
    readonly arenasHighWater: number;
    /** At the reported instant. */
    readonly fragmentation: FragmentationSummary;
  };
  readonly suppressions: readonly { readonly pattern: string; readonly file: string; readonly line: number; readonly blocks: number; readonly bytes: number }[];
}

export async function findLeaks(path: string, options: LeaksOptions = {}): Promise<LeaksResult> {
  const by = options.by ?? 'lineno';
  const matcher = new SuppressionMatcher(options.suppressions ?? []);
  const ctx = new ImportContext(traceDisplayName(path), options.lenient ?? false);
  // Built at the first event, when the header has given the model version.
  let state: { table: SiteTable; growth: GrowthObserver } | undefined;
  const ensure = (rep: Replayer): { table: SiteTable; growth: GrowthObserver } => {
    if (state !== undefined) return state;
    const table = new SiteTable(ctx.stacks, rep.geometry, {
      by,
      ...(options.depth !== undefined ? { depth: options.depth } : {}),
      suppressionOf: (frames) => matcher.match(frames),
    });
    const growth = new GrowthObserver(table, {
      ...(options.marks !== undefined ? { markFilter: globMatcher(options.marks) } : {}),
      ...(options.warmup !== undefined ? { warmup: options.warmup } : {}),
    });
    state = { table, growth };
    return state;
  };
  const { replayer: r, stoppedEarly } = await replayTrace(path, {
    ...options,
    context: ctx,
    observers: [
      {
        onEvent: (rep) => ensure(rep).growth.onEvent(rep),
        onMark: (rep, label) => ensure(rep).growth.onMark(rep, label),
      },
    ],
  });
  const { table: sites, growth } = ensure(r);
  const series = growth.result();
  const walk = walkLiveSites(r, sites);
  const totalsBySite = new Map<number, SiteTotals>(walk.sites.map((t) => [t.site, t]));

  // Verdicts for every site seen at a sample or live now.
  const verdicts = new Map<number, ReturnType<typeof series.verdict>>();
  const counts = { steady_leak: 0, retained_once: 0, transient: 0 };
  const seen = Math.min(sites.count, MAX_SITES);
  for (let s = 0; s < sites.count; s++) {
    const live = totalsBySite.get(s)?.requestedBytes ?? 0;
    if (s >= seen && live === 0) continue;
    const v = series.verdict(s, live);
    verdicts.set(s, v);
    counts[v.class]++;
  }
  const leaking = [...verdicts.entries()].filter(([, v]) => v.class === 'steady_leak').sort((a, b) => b[1].slope - a[1].slope || a[0] - b[0]);
  const sorted = walk.sites
    .filter((t) => verdicts.get(t.site)?.class !== 'steady_leak')
    .sort((a, b) => b.requestedBytes - a.requestedBytes || b.blocks - a.blocks || a.site - b.site);
  const over = options.listSitesOver === undefined ? 0 : sorted.filter((t) => t.requestedBytes > options.listSitesOver!).length;
  const others = sorted.slice(0, Math.max(options.top ?? 20, Math.min(over, MAX_LISTED_SITES)));
  const listed = [...leaking.slice(0, MAX_LISTED_SITES).map(([s]) => s), ...others.map((t) => t.site)];

  const geometry = r.geometry;
  const siteOut = (s: number): LeaksSite => {
    const info = sites.info(s);
    const t = totalsBySite.get(s);
    const v = verdicts.get(s)!;
    const stack = info.exampleStack >= 0 ? ctx.stacks.frames(info.exampleStack) : [];
    const innermost: PythonFrame | null = stack.length > 0 ? parseFrame(stack[stack.length - 1]!) : null;
    const classes: LeaksSite['sizeClasses'][number][] = [];
    t?.classBlocks.forEach((n, c) => {
      if (n !== undefined && n > 0) classes.push({ sizeClass: c, blockSize: blockSize(geometry, c), blocks: n });
    });
    return {
      key: info.key,
      location: innermost === null ? null : { file: innermost.file, line: innermost.line, function: innermost.func },
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
      growth: { class: v.class, slope: v.slope, rises: v.rises, liveBytes: series.liveBytes(s) },
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
      mark: stoppedEarly ? (options.stopAtMark ?? null) : null,
      end: !stoppedEarly,
    },
    groupedBy: by,
    depth: options.depth ?? null,
    totals: {
      liveBlocks: walk.totalBlocks,
      liveRequestedBytes: walk.totalRequestedBytes,
      sites: walk.sites.length,
      suppressedBlocks,
      suppressedBytes,
    },
    growth: {
      basis: series.basis,
      markFilter: options.marks ?? null,
      boundaries: series.boundaries,
      marksPerSample: series.basis === 'marks' ? series.stride : null,
      eventsPerWindow: series.basis === 'windows' ? series.eventsPerWindow : null,
      warmup: series.basis === 'marks' ? series.warmup : Math.ceil(series.warmup / series.stride),
      samples: series.samples,
      firstSteadySample: series.firstSteady,
      steadyIntervals: series.steadyIntervals,
      enough: series.enough,
      steadyLeakSites: counts.steady_leak,
      retainedOnceSites: counts.retained_once,
      transientSites: counts.transient,
      sitesUntracked: series.sitesUntracked,
    },
    sites: listed.map(siteOut),
    memory: {
      peakFootprintBytes: hw.point('footprint_bytes').value,
      arenasHighWater: hw.point('arenas').value,
      fragmentation: fragmentationOf(countersStats(r.model)),
    },
    suppressions: (options.suppressions ?? []).map((rule, i) => ({
      pattern: rule.pattern,
      file: rule.file,
      line: rule.line,
      blocks: walk.suppressed.get(i)?.blocks ?? 0,
      bytes: walk.suppressed.get(i)?.bytes ?? 0,
    })),
  };
}
