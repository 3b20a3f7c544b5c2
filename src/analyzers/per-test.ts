// What each test of a recorded pytest run keeps: an observer of the one
// replay that follows the plugin's marks (test-boundaries.ts) and measures,
// per test,
//  - the blocks allocated during its phases (setup, every call repetition,
//    teardown; not while a wider fixture is set up: those are the fixture's)
//    that are still live at its `test:end` mark, by site (after the
//    teardown, once the hook calls around the phases returned);
//  - after each call repetition, the live bytes per site of the blocks its
//    calls allocated, for the growth rule (growth-rule.ts): s_0 = 0 before
//    the first call, s_k after the k-th;
//  - the most bytes live above what was live when its setup began (the peak
//    `limit_memory` is about), and the highest bytes in pymalloc blocks,
//    arenas and C-library bytes while it ran (the process's, as
//    _debugmallocstats would show them, beside their values at its start).
// Blocks are told apart by their allocating event (ReplayView.forEachLiveBlock
// gives it), so nothing is kept per block: a walk of the live set after each
// repetition and at the end of the teardown. State is one test's intervals
// and per-site samples; a finished test keeps only its capped result.
//
// The verdict is policy (check/per-test-policy.ts); this file only measures.

import { parseFrame } from '../events/frame-text.js';
import { HIGH_WATER_METRICS, type HighWaterMetric } from '../events/high-water-metrics.js';
import type { ImportContext } from '../import/import-context.js';
import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import { SuppressionMatcher, type SuppressionRule } from '../suppressions/suppressions.js';
import { classifyGrowth, type GrowthClass } from './growth-rule.js';
import { DEFAULT_SITE_GROUPING, SiteTable, SUPPRESSED, type SiteGroupingOptions } from './site-table.js';
import { testBoundaryOf, type TestBoundary } from './test-boundaries.js';

/** Sites kept per test by retained bytes (steady-state leak sites are kept besides, up to MAX_LEAK_SITES). */
export const TOP_TEST_SITES = 5;
export const MAX_LEAK_SITES = 20;

export interface TestSite {
  readonly key: string;
  /** The innermost frame the site is named by (null: blocks without a stack). */
  readonly location: { readonly file: string; readonly line: number; readonly function: string } | null;
  /** Allocated during the test and live after its teardown. */
  readonly bytes: number;
  readonly blocks: number;
  /** The growth rule over the call repetitions (null: the test ran its call phase fewer than twice). */
  readonly growth: GrowthClass | null;
  /** Bytes added per repetition (least-squares slope over the repetitions). */
  readonly bytesPerRepetition: number;
  /** Repetitions after which the site's live bytes had risen. */
  readonly rises: number;
}

/** Process-wide metrics followed during each test: their values when it began and their highest while it ran. */
export const TEST_PEAK_METRICS = ['block_bytes', 'arenas', 'system_bytes'] as const satisfies readonly HighWaterMetric[];
export type TestPeakMetric = (typeof TEST_PEAK_METRICS)[number];
const PEAK_INDEX = TEST_PEAK_METRICS.map((m) => HIGH_WATER_METRICS.indexOf(m));

/** Marks read before their test's setup (limits, where it is defined) are kept for this many tests at most. */
const MAX_PENDING_TESTS = 1024;

export interface TestMeasure {
  readonly nodeid: string;
  /** Call phases run (1 unless recorded with --repeat-tests). */
  readonly repetitions: number;
  /** The teardown ended (false: the run stopped inside the test, or its marks are missing). */
  readonly complete: boolean;
  readonly retainedBytes: number;
  readonly retainedBlocks: number;
  /** Left out by suppressions. */
  readonly suppressedBytes: number;
  /** The most bytes live at once above what was live when the test began (requested sizes, every domain). */
  readonly peakBytes: number;
  /** Per TEST_PEAK_METRICS metric: its value when the test began and its highest while the test ran. */
  readonly peaks: Readonly<Record<TestPeakMetric, { readonly atStart: number; readonly highest: number }>>;
  /** The test function's definition (from the trace's `test:at` mark; null: the trace does not say). */
  readonly location: { readonly file: string; readonly line: number } | null;
  /** Limits from the test's markers, as written. */
  readonly limits: { readonly limit_leaks?: string; readonly limit_memory?: string };
  /** Sites the growth rule calls steady-state leaks that rose after every repetition, largest first. */
  readonly leakSites: readonly TestSite[];
  /** The TOP_TEST_SITES sites with the most retained bytes. */
  readonly topSites: readonly TestSite[];
  /** The event of its setup's first mark (where it is in the trace). */
  readonly firstEvent: number;
}

export interface PerTestOptions {
  /** What a site is, as for `check`. */
  readonly sites: SiteGroupingOptions;
  readonly suppressions: readonly SuppressionRule[];
}

export const DEFAULT_PER_TEST_OPTIONS: PerTestOptions = { sites: DEFAULT_SITE_GROUPING, suppressions: [] };

/** The test being replayed. */
class OpenTest {
  /** Counted windows as event pairs [start, end); end Infinity while open. */
  readonly intervals: number[] = [];
  /** The event of the first call's begin mark (Infinity before it). */
  callStart = Infinity;
  repetitions = 0;
  /** Nested wider-fixture set-ups under way. */
  fixtureDepth = 0;
  inPhase = false;
  /** The trace said its call phase runs once (`test:repeat=1`): no growth samples. */
  runsOnce = false;
  /** Its teardown ended. */
  tornDown = false;
  peak = 0;
  /** TEST_PEAK_METRICS at the test's start, and their highest since. */
  readonly metricsAtStart: Float64Array;
  readonly metricsHighest: Float64Array;
  /** Per site: live bytes of the call's blocks after each repetition (index k-1). */
  readonly samples = new Map<number, number[]>();

  constructor(
    readonly nodeid: string,
    readonly firstEvent: number,
    readonly baseLive: number,
    readonly limits: TestMeasure['limits'],
    readonly location: TestMeasure['location'],
    now: ArrayLike<number>,
  ) {
    this.metricsAtStart = Float64Array.from(PEAK_INDEX, (k) => now[k]!);
    this.metricsHighest = this.metricsAtStart.slice();
  }

  open(event: number): void {
    if (this.fixtureDepth === 0 && this.intervals.length % 2 === 0) this.intervals.push(event);
  }

  close(event: number): void {
    if (this.intervals.length % 2 === 1) this.intervals.push(event);
  }

  /** True when a block allocated at `event` was allocated in one of the test's windows. */
  counts(event: number): boolean {
    const iv = this.intervals;
    if (iv.length === 0 || event < iv[0]!) return false;
    for (let i = 0; i < iv.length; i += 2) {
      const end = i + 1 < iv.length ? iv[i + 1]! : Infinity;
      if (event > iv[i]! && event < end) return true;
    }
    return false;
  }
}

export class PerTestObserver implements ReplayObserver {
  private readonly matcher: SuppressionMatcher;
  private table: SiteTable | undefined;
  private current: OpenTest | null = null;
  /** Limits and definitions read before the test's setup began, by node id. */
  private pendingLimits = new Map<string, { limit_leaks?: string; limit_memory?: string }>();
  private pendingLocations = new Map<string, { readonly file: string; readonly line: number }>();
  /** The last `test:repeat` mark, for the setup that follows it. */
  private announced: { readonly times: number; readonly nodeid: string } | null = null;
  private readonly done: TestMeasure[] = [];
  /** Per site: bytes and blocks of one walk; `touched` the sites to reset. */
  private bytes = new Float64Array(1024);
  private blocks = new Float64Array(1024);
  private touched: number[] = [];
  private suppressed = 0;
  /** Marks of the plugin seen (0: the trace was not recorded with it). */
  testMarks = 0;
  fixtureMarks = 0;

  constructor(
    private readonly ctx: ImportContext,
    private readonly options: PerTestOptions = DEFAULT_PER_TEST_OPTIONS,
  ) {
    this.matcher = new SuppressionMatcher(options.suppressions);
  }

  onEvent(r: ReplayView): void {
    const t = this.current;
    if (t === null) return;
    const held = r.liveRequestedBytes - t.baseLive;
    if (held > t.peak) t.peak = held;
    const now = r.highWater.now;
    const highest = t.metricsHighest;
    for (let i = 0; i < PEAK_INDEX.length; i++) {
      const v = now[PEAK_INDEX[i]!]!;
      if (v > highest[i]!) highest[i] = v;
    }
  }

  onMark(r: ReplayView, label: string): void {
    const b = testBoundaryOf(label);
    if (b === null) return;
    if (b.kind === 'fixture') this.fixtureMarks++;
    else this.testMarks++;
    this.apply(r, b);
  }

  /** The tests measured, in the order they ended, and the one under way when the trace ended (incomplete). */
  results(r: ReplayView): TestMeasure[] {
    if (this.current !== null) {
      const t = this.current;
      t.close(r.events + 1);
      this.done.push(this.measure(r, t, false));
      this.current = null;
    }
    return this.done;
  }

  private apply(r: ReplayView, b: TestBoundary): void {
    const event = r.events;
    if (b.kind === 'limit') {
      const limits = { ...this.pendingLimits.get(b.nodeid), [b.limit]: b.value };
      if (this.pendingLimits.size >= MAX_PENDING_TESTS) this.pendingLimits.clear();
      this.pendingLimits.set(b.nodeid, limits);
      return;
    }
    if (b.kind === 'at') {
      if (this.pendingLocations.size >= MAX_PENDING_TESTS) this.pendingLocations.clear();
      this.pendingLocations.set(b.nodeid, { file: b.file, line: b.line });
      return;
    }
    if (b.kind === 'repeat') {
      this.announced = b;
      return;
    }
    const t = this.current;
    if (b.kind === 'fixture') {
      if (t === null) return;
      if (b.edge === 'begin') {
        if (t.fixtureDepth++ === 0) t.close(event);
      } else if (t.fixtureDepth > 0 && --t.fixtureDepth === 0 && t.inPhase) {
        t.open(event);
      }
      return;
    }
    if (b.kind === 'phase' && b.phase === 'setup' && b.edge === 'begin') {
      // A test still open here lost its teardown marks (a crash inside it): it ends incomplete.
      if (t !== null) {
        t.close(event);
        this.done.push(this.measure(r, t, false));
      }
      const limits = this.pendingLimits.get(b.nodeid) ?? {};
      this.pendingLimits.delete(b.nodeid);
      const location = this.pendingLocations.get(b.nodeid) ?? null;
      this.pendingLocations.delete(b.nodeid);
      this.current = new OpenTest(b.nodeid, event, r.liveRequestedBytes, limits, location, r.highWater.now);
      if (this.announced?.nodeid === b.nodeid) this.current.runsOnce = this.announced.times === 1;
      this.announced = null;
      this.current.inPhase = true;
      this.current.open(event);
      return;
    }
    // A mark of another test than the open one (a trace put together by hand): ignored.
    if (t === null || t.nodeid !== b.nodeid) return;
    if (b.kind === 'end') {
      this.done.push(this.measure(r, t, t.tornDown));
      this.current = null;
      return;
    }
    if (b.edge === 'begin') {
      t.inPhase = true;
      t.fixtureDepth = 0;
      t.open(event);
      if (b.phase === 'call' && t.callStart === Infinity) t.callStart = event;
      return;
    }
    t.inPhase = false;
    t.fixtureDepth = 0;
    t.close(event);
    if (b.phase === 'call') {
      t.repetitions = Math.max(t.repetitions, b.repetition);
      // A walk of the live set per sample: skipped when the trace said the call runs once.
      if (!t.runsOnce) this.sample(r, t, b.repetition);
    } else if (b.phase === 'teardown') {
      t.tornDown = true;
    }
  }

  private ensureTable(r: ReplayView): SiteTable {
    this.table ??= new SiteTable(this.ctx.stacks, r.geometry, {
      ...this.options.sites,
      suppressionOf: (frames) => this.matcher.match(frames),
    });
    return this.table;
  }

  /**
   * Walk the live set: bytes and blocks per site of the blocks the test
   * allocated in its windows (from event `from` on); suppressed bytes apart.
   */
  private walk(r: ReplayView, t: OpenTest, from: number): void {
    const table = this.ensureTable(r);
    for (const s of this.touched) {
      this.bytes[s] = 0;
      this.blocks[s] = 0;
    }
    this.touched.length = 0;
    this.suppressed = 0;
    let model = r.model;
    const classOf = (pool: number): number => model.poolSizeClass(pool);
    r.forEachLiveBlock((pool, size, stack, domain, event, _ts, blockModel) => {
      if (event < from || !t.counts(event)) return;
      model = blockModel;
      const site = table.siteOf(stack, domain, pool, classOf);
      if (site === SUPPRESSED) {
        this.suppressed += size;
        return;
      }
      if (site >= this.bytes.length) this.grow(site);
      if (this.blocks[site] === 0) this.touched.push(site);
      this.bytes[site] += size;
      this.blocks[site]++;
    });
  }

  private grow(site: number): void {
    let n = this.bytes.length;
    while (n <= site) n *= 2;
    const bytes = new Float64Array(n);
    bytes.set(this.bytes);
    const blocks = new Float64Array(n);
    blocks.set(this.blocks);
    this.bytes = bytes;
    this.blocks = blocks;
  }

  /** After call repetition k: the live bytes per site of what the calls allocated. */
  private sample(r: ReplayView, t: OpenTest, k: number): void {
    this.walk(r, t, t.callStart);
    for (const s of this.touched) {
      let row = t.samples.get(s);
      if (row === undefined) {
        row = [];
        t.samples.set(s, row);
      }
      row[k - 1] = this.bytes[s]!;
    }
  }

  private measure(r: ReplayView, t: OpenTest, complete: boolean): TestMeasure {
    this.walk(r, t, t.firstEvent);
    const table = this.table!;
    const n = t.repetitions;
    const siteOut = (s: number): TestSite => {
      const info = table.info(s);
      const frame = info.frame !== null ? parseFrame(info.frame) : null;
      const row = t.samples.get(s);
      let growth: GrowthClass | null = null;
      let slope = 0;
      let rises = 0;
      if (row !== undefined && n >= 2) {
        // s_0 = 0: nothing the calls allocated was live before the first; a repetition that left nothing is 0.
        const steady = [0];
        const x = [0];
        for (let k = 1; k <= n; k++) {
          steady.push(row[k - 1] ?? 0);
          x.push(k);
        }
        const v = classifyGrowth(steady, x, this.bytes[s] ?? 0);
        growth = v.class;
        slope = v.slope;
        rises = v.rises;
      }
      return {
        key: info.key,
        location: frame === null ? null : { file: frame.file, line: frame.line, function: frame.func },
        bytes: this.bytes[s] ?? 0,
        blocks: this.blocks[s] ?? 0,
        growth,
        bytesPerRepetition: slope,
        rises,
      };
    };
    let retainedBytes = 0;
    let retainedBlocks = 0;
    for (const s of this.touched) {
      retainedBytes += this.bytes[s]!;
      retainedBlocks += this.blocks[s]!;
    }
    const byBytes = [...this.touched].sort((a, b) => this.bytes[b]! - this.bytes[a]! || a - b);
    // Leak sites are judged among every site the calls left something at, not only those live at the end.
    const leakSites = [...t.samples.keys()]
      .map(siteOut)
      .filter((s) => s.growth === 'steady_leak' && s.rises === n)
      .sort((a, b) => b.bytesPerRepetition - a.bytesPerRepetition || a.key.localeCompare(b.key))
      .slice(0, MAX_LEAK_SITES);
    return {
      nodeid: t.nodeid,
      repetitions: n,
      complete,
      retainedBytes,
      retainedBlocks,
      suppressedBytes: this.suppressed,
      peakBytes: t.peak,
      peaks: Object.fromEntries(TEST_PEAK_METRICS.map((m, i) => [m, { atStart: t.metricsAtStart[i]!, highest: t.metricsHighest[i]! }])) as TestMeasure['peaks'],
      location: t.location,
      limits: t.limits,
      leakSites,
      topSites: byBytes.slice(0, TOP_TEST_SITES).map(siteOut),
      firstEvent: t.firstEvent,
    };
  }
}
