// Live bytes per site over time, sampled at interval boundaries while the
// trace streams, for the growth rule (growth-rule.ts).
//
// Boundaries are the trace's `mark` records (all but `stats` and `final`,
// which the recorder writes at exit, or those whose label matches --marks).
// Only a trace with no such mark at all falls back to equal windows of
// events, which need more intervals and judge fewer sites: a trace with too few marks
// after the warm-up gets no verdict rather than another basis. The trace
// length is not known while streaming, so windows are sampled from the start
// and dropped at the first usable mark.
//
// State is bounded: at most MAX_SAMPLES samples per basis, each a walk of the
// live blocks into one number per site (at most MAX_SITES sites). When the
// samples fill up, every other one is dropped and the stride between samples
// doubles, so the kept samples stay evenly spaced (every 2^k-th boundary).
// A walk is taken per sample: MAX_SAMPLES, then MAX_SAMPLES / 2 more per
// doubling, each costing the blocks live then (ReplayView.forEachLiveBlockBrief
// visits the pools in use, not whole arenas). The marks seen are counted by
// label shape (mark-census.ts), a bounded list, for messages.
//
// A walk whose sample is later dropped (or every window walk, once a mark
// makes marks the basis) still counts: SiteTable numbers sites, and keeps
// each one's example stack, in the order walks first meet them, and every
// site met is judged (sitesJudged, transient sites). Skipping those walks
// changes these figures on the recorded traces (leak-3.11: 1000 sites
// judged, 89 transient, become 913 and 2). Nor could the final stride be
// chosen up front: no trace format says how many marks are to come.

import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import { count } from '../text/units.js';
import { classifyGrowth, MIN_STEADY_INTERVALS, MIN_WINDOW_STEADY_INTERVALS, type GrowthVerdict } from './growth-rule.js';
import { endMarkOf } from '../replay/completeness.js';
import { MarkCounter, type MarkCensus } from '../replay/mark-census.js';
import { SUPPRESSED, type SiteTable } from './site-table.js';
import type { WarmupSpec } from '../options/growth-options.js';

export const MAX_SAMPLES = 64;
export const MAX_SITES = 16_384;
/** Events per boundary in the window basis before any doubling. */
export const FIRST_WINDOW_EVENTS = 16;
/** Default warm-up: one interval with marks, a quarter of the windows without. */
export const DEFAULT_WARMUP_MARKS: WarmupSpec = { intervals: 1 };
export const DEFAULT_WARMUP_WINDOWS: WarmupSpec = { percent: 25 };

/**
 * Marks the recorder writes at exit (trace-format.md): not iterations, so not
 * boundaries by default. Nor is the mark a trace names as its end
 * (`# end_mark:`, memreplay record's `end`); a trace that names none may use
 * `end` for its own marks, which then count.
 */
export const EXIT_MARKS: readonly string[] = ['stats', 'final'];
/** Always kept in the mark census, so a message can name them. */
const CENSUS_KEPT: readonly string[] = [...EXIT_MARKS, 'end'];

export type { WarmupSpec };

export interface GrowthSample {
  /** Boundaries before this sample: the mark count, or windows of FIRST_WINDOW_EVENTS events (0: start of trace). */
  readonly ordinal: number;
  readonly event: number;
  readonly ts: number | null;
  /** The label of the mark (marks basis). */
  readonly mark: string | null;
}

class SampleSeries {
  stride = 1;
  boundaries = 0;
  readonly samples: GrowthSample[] = [];
  readonly rows: Float64Array[] = [];

  constructor(private readonly walk: (r: ReplayView) => Float64Array) {}

  boundary(r: ReplayView, mark: string | null): void {
    this.boundaries++;
    if (this.boundaries % this.stride !== 0) return;
    if (this.samples.length === MAX_SAMPLES) {
      // Keep the samples at even multiples of the stride (the 2nd, 4th, ...).
      let k = 0;
      for (let j = 1; j < MAX_SAMPLES; j += 2, k++) {
        this.samples[k] = this.samples[j]!;
        this.rows[k] = this.rows[j]!;
      }
      this.samples.length = k;
      this.rows.length = k;
      this.stride *= 2;
      if (this.boundaries % this.stride !== 0) return;
    }
    this.samples.push({ ordinal: this.boundaries, event: r.events, ts: Number.isNaN(r.lastTs) ? null : r.lastTs, mark });
    this.rows.push(this.walk(r));
  }
}

export interface GrowthOptions {
  /** Marks counted as boundaries (default: every mark but EXIT_MARKS). */
  markFilter?: (label: string) => boolean;
  warmup?: WarmupSpec;
}

export class GrowthObserver implements ReplayObserver {
  private readonly marks: SampleSeries;
  private windows: SampleSeries | null;
  private readonly census = new MarkCounter(CENSUS_KEPT);
  private sinceWindow = 0;
  private scratch = new Float64Array(256);
  sitesUntracked = 0;

  constructor(
    private readonly table: SiteTable,
    private readonly options: GrowthOptions = {},
  ) {
    const walk = (r: ReplayView): Float64Array => this.walk(r);
    this.marks = new SampleSeries(walk);
    this.windows = new SampleSeries(walk);
  }

  onMark(r: ReplayView, label: string): void {
    this.census.add(label);
    const counted =
      this.options.markFilter !== undefined ? this.options.markFilter(label) : !EXIT_MARKS.includes(label) && label !== endMarkOf(r.traceMeta);
    if (!counted) return;
    this.marks.boundary(r, label);
    // A usable mark makes marks the basis: stop paying for windows.
    this.windows = null;
  }

  onEvent(r: ReplayView): void {
    if (++this.sinceWindow === FIRST_WINDOW_EVENTS) {
      this.sinceWindow = 0;
      if (this.windows !== null) this.windows.boundary(r, null);
    }
  }

  /** Marks seen so far, by label shape. */
  marksSeen(): MarkCensus {
    return this.census.census();
  }

  /** Live bytes per tracked site now (sites beyond MAX_SITES are counted, not tracked). */
  private walk(r: ReplayView): Float64Array {
    const table = this.table;
    // The model of the block being visited: pool slots are per interpreter.
    let model = r.model;
    const classOf = (pool: number): number => model.poolSizeClass(pool);
    this.scratch.fill(0);
    r.forEachLiveBlockBrief((pool, size, stack, domain, blockModel) => {
      model = blockModel;
      const site = table.siteOf(stack, domain, pool, classOf);
      if (site === SUPPRESSED || site >= MAX_SITES) return;
      if (site >= this.scratch.length) this.growScratch(site);
      this.scratch[site]! += size;
    });
    const tracked = Math.min(table.count, MAX_SITES);
    this.sitesUntracked = table.count - tracked;
    return this.scratch.slice(0, tracked);
  }

  private growScratch(site: number): void {
    let n = this.scratch.length;
    while (n <= site) n *= 2;
    const bigger = new Float64Array(n);
    bigger.set(this.scratch);
    this.scratch = bigger;
  }

  /** The basis and its samples so far: marks when any mark counted, else windows. */
  result(): GrowthSeries {
    const useMarks = this.marks.boundaries > 0;
    const basis = useMarks ? 'marks' : 'windows';
    const spec = this.options.warmup ?? (useMarks ? DEFAULT_WARMUP_MARKS : DEFAULT_WARMUP_WINDOWS);
    return new GrowthSeries(basis, useMarks ? this.marks : this.windows!, spec, this.sitesUntracked);
  }
}

/** Intervals of warm-up out of `intervals` (rounded up for a share). */
export function warmupIntervals(intervals: number, spec: WarmupSpec): number {
  return 'intervals' in spec ? spec.intervals : Math.ceil((intervals * spec.percent) / 100);
}

/** The samples of the chosen basis, and the verdict for any site. */
export class GrowthSeries {
  /** Samples with the start of the trace (all sites at 0) first. */
  readonly samples: GrowthSample[];
  /** Index in `samples` of the first sample at or after the end of the warm-up. */
  readonly firstSteady: number;
  /** Boundaries per kept sample (a power of two). */
  readonly stride: number;
  readonly boundaries: number;
  /** Warm-up in intervals of the basis (marks, or windows of the final spacing), as asked. */
  readonly warmup: number;
  /** The warm-up share asked for (--warmup P%), or null. */
  readonly warmupPercent: number | null;

  constructor(
    readonly basis: 'marks' | 'windows',
    private readonly series: SampleSeries,
    spec: WarmupSpec,
    readonly sitesUntracked: number,
  ) {
    this.samples = [{ ordinal: 0, event: 0, ts: null, mark: null }, ...series.samples];
    this.stride = series.stride;
    this.boundaries = series.boundaries;
    // Marks: one interval per mark. Windows: one per sample spacing, counted at the end.
    const intervals = basis === 'marks' ? series.boundaries : this.samples.length - 1;
    this.warmup = warmupIntervals(intervals, spec);
    this.warmupPercent = 'percent' in spec ? spec.percent : null;
    const warmupBoundaries = basis === 'marks' ? this.warmup : this.warmup * this.stride;
    const i = this.samples.findIndex((s) => s.ordinal >= warmupBoundaries);
    this.firstSteady = i < 0 ? this.samples.length : i;
  }

  get steadyIntervals(): number {
    return Math.max(0, this.samples.length - 1 - this.firstSteady);
  }

  /** Intervals after the warm-up the basis's rule needs for a verdict. */
  get minSteadyIntervals(): number {
    return this.basis === 'marks' ? MIN_STEADY_INTERVALS : MIN_WINDOW_STEADY_INTERVALS;
  }

  get enough(): boolean {
    return this.steadyIntervals >= this.minSteadyIntervals;
  }

  /** Why no site can be called a steady-state leak (too few intervals after the warm-up), or null. */
  get noVerdict(): string | null {
    if (this.enough) return null;
    const n = this.steadyIntervals;
    // "(25% of 12 marks counted)": the share asked for with --warmup P%, of what it was taken of.
    const share = this.warmupPercent !== null ? `${this.warmupPercent}% of ` : '';
    if (this.basis === 'marks') {
      return (
        `only ${count(n, 'interval')} after the warm-up of ${count(this.warmup, 'mark')} ` +
        `(${share}${count(this.boundaries, 'mark')} counted); a verdict needs ${this.minSteadyIntervals}`
      );
    }
    return (
      `only ${count(n, 'window')} after the warm-up of ${count(this.warmup, 'window')} ` +
      `(${share}${count(this.samples.length - 1, 'window')} of ${count(this.eventsPerWindow, 'event')}; the trace has no usable marks); ` +
      `a verdict from windows needs ${this.minSteadyIntervals}`
    );
  }

  /** Events per interval in the windows basis (one sample spacing). */
  get eventsPerWindow(): number {
    return this.stride * FIRST_WINDOW_EVENTS;
  }

  /** Live bytes of a site at every sample (0 for sites beyond the tracking limit). */
  liveBytes(site: number): number[] {
    return [0, ...this.series.rows.map((row) => (site < row.length ? row[site]! : 0))];
  }

  /**
   * Interval position of each sample: marks count one interval per mark,
   * windows one per sample spacing, so slopes read "per mark" or "per window".
   */
  private x(i: number): number {
    const o = this.samples[i]!.ordinal;
    return this.basis === 'marks' ? o : o / this.stride;
  }

  /**
   * The sample a site is judged from: the end of the warm-up, or, over
   * event windows, for a site that first held bytes after it, the last
   * sample before it did. A leak
   * that starts after the warm-up (a service that takes a request path late,
   * or a short run whose start-up is a third of it) grows in every part of
   * its own life but not in the parts before it: judged from the warm-up it
   * would pass as retained once, however long it leaked. A site judged from
   * its birth needs the basis's minimum of intervals after it, and a
   * sawtooth born late still fails "s_n above the first half".
   */
  originOf(all: readonly number[]): number {
    // With marks the warm-up is the start-up (the first mark by default), so
    // a late site's growth is judged against the whole run, as measured on
    // the recorded request loops (a type-cache site first filled late would
    // otherwise be judged on its few own marks): windows only.
    if (this.basis === 'marks') return this.firstSteady;
    let first = 0;
    while (first < all.length && all[first]! === 0) first++;
    return Math.max(this.firstSteady, first - 1);
  }

  /** @param eligible for windows: the site has Python frames other than the import machinery's */
  verdict(site: number, liveNow: number, eligible: boolean): GrowthVerdict & { readonly origin: number } {
    const all = this.liveBytes(site);
    const origin = this.originOf(all);
    const steady = all.slice(origin);
    const xs = steady.map((_, k) => this.x(origin + k));
    const v = classifyGrowth(steady, xs, liveNow, { minIntervals: this.minSteadyIntervals, eligible: this.basis === 'marks' || eligible });
    return { ...v, origin };
  }
}
