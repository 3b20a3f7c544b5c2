// What was live at the high-water marks, without replaying the trace again.
//
// The replay learns that an instant was a metric's peak only when the trace
// ends, and a walk of the live set at every new high would cost a walk per
// rise. Instead, the blocks live at a peak P are, once the replay ends:
//   - the blocks still live whose current record was live at P (allocated at
//     or before P, and not resized in place since), and
//   - the logged ones: records that were live at a peak candidate (the last
//     new high of each followed metric) and ended later (freed, or resized
//     in place), with the event they began and the event they ended.
// A record is kept only while some candidate lies in its lifetime; every
// such record was live at a candidate, so the log is bounded by the live
// blocks at the candidates (at most a few times the replay's own live set),
// never by the number of events. PeakLog.at(P) gives a view of that set that
// the live-set walks (live-sites.ts, live-stacks.ts, arena-pinning.ts,
// arena-map.ts) take as they take the replay, so every figure is the one a
// replay stopped at P would give.
//
// The pymalloc state at P as those walks read it: a pool's size class is the
// one it had while its logged blocks lived (a pool does not change class
// while a block lives in it); pool slots belong to fixed arena slots; the
// arena slots themselves (base, serial, pools carved) are copied at each new
// arena high, O(arena slots) each time, for the arena peak's map and pinning.

import { HIGH_WATER_METRICS, type HighWaterMetric } from '../events/high-water-metrics.js';
import { NOT_PYMALLOC, type PymallocView } from '../models/pymalloc/pymalloc-view.js';
import type { LiveBlockVisit, LiveBlockVisitBrief, ReplayObserver, ReplayView } from '../replay/replay-view.js';

type Column = Float64Array | Int32Array | Int16Array | Uint8Array | Uint16Array;

/** Log columns, grown by doubling (after dropping what no candidate needs). */
class EndedRecords {
  length = 0;
  since = new Float64Array(1024);
  until = new Float64Array(1024);
  allocEvent = new Float64Array(1024);
  allocTs = new Float64Array(1024);
  size = new Float64Array(1024);
  stack = new Int32Array(1024);
  pool = new Int32Array(1024);
  sizeClass = new Int16Array(1024);
  place = new Float64Array(1024);
  domain = new Uint8Array(1024);
  interpreter = new Uint16Array(1024);

  get capacity(): number {
    return this.since.length;
  }

  /** Keeps the records `keep` accepts, in order. */
  retain(keep: (since: number, until: number) => boolean): void {
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      if (!keep(this.since[i]!, this.until[i]!)) continue;
      if (n !== i) this.move(i, n);
      n++;
    }
    this.length = n;
  }

  grow(): void {
    const c = this.capacity * 2;
    this.mapColumns((a, make) => {
      const b = new make(c);
      b.set(a);
      return b;
    });
  }

  /** Puts record order[j] at j, for every j (order: a permutation of the records). */
  reorder(order: Int32Array): void {
    const n = this.length;
    this.mapColumns((a, make) => {
      const b = new make(a.length);
      for (let j = 0; j < n; j++) b[j] = a[order[j]!]!;
      return b;
    });
  }

  /** Every column replaced by `f` of it. */
  private mapColumns(f: <T extends Column>(a: T, make: new (n: number) => T) => T): void {
    this.since = f(this.since, Float64Array);
    this.until = f(this.until, Float64Array);
    this.allocEvent = f(this.allocEvent, Float64Array);
    this.allocTs = f(this.allocTs, Float64Array);
    this.size = f(this.size, Float64Array);
    this.stack = f(this.stack, Int32Array);
    this.pool = f(this.pool, Int32Array);
    this.sizeClass = f(this.sizeClass, Int16Array);
    this.place = f(this.place, Float64Array);
    this.domain = f(this.domain, Uint8Array);
    this.interpreter = f(this.interpreter, Uint16Array);
  }

  private move(from: number, to: number): void {
    this.since[to] = this.since[from]!;
    this.until[to] = this.until[from]!;
    this.allocEvent[to] = this.allocEvent[from]!;
    this.allocTs[to] = this.allocTs[from]!;
    this.size[to] = this.size[from]!;
    this.stack[to] = this.stack[from]!;
    this.pool[to] = this.pool[from]!;
    this.sizeClass[to] = this.sizeClass[from]!;
    this.place[to] = this.place[from]!;
    this.domain[to] = this.domain[from]!;
    this.interpreter[to] = this.interpreter[from]!;
  }
}

/** The arena slots of one pymalloc state, as of one instant. */
interface ArenaSlotsCopy {
  readonly model: PymallocView;
  readonly base: Float64Array;
  readonly serial: Float64Array;
  readonly totalPools: Int32Array;
  readonly carvedPools: Int32Array;
}

/** Follows `metrics`' highs; at the end, `at(P)` views the live blocks as of P, the last high of one of them. */
export class PeakLog implements ReplayObserver {
  private readonly metricIndex: number[];
  /** The event each followed metric last reached a new high at (0: never). */
  private readonly candidates: Float64Array;
  private readonly log = new EndedRecords();
  /** Blocks resized in place (keeping their allocating event) since the earliest candidate: allocating event -> event their record began. */
  private readonly resizedSince = new Map<number, number>();
  private pruneResizedAt = 1024;
  private arenaSlots: ArenaSlotsCopy | null = null;
  private arenaPeakEvent = 0;
  private lastModel: PymallocView | null = null;
  private lastInterpreter = 0;

  constructor(metrics: readonly HighWaterMetric[]) {
    this.metricIndex = metrics.map((m) => HIGH_WATER_METRICS.indexOf(m));
    this.candidates = new Float64Array(metrics.length);
  }

  /** The followed metrics' last highs, as of the event being replayed (HighWater raises them after each event). */
  private readCandidates(r: ReplayView): void {
    const events = r.highWater.event;
    const idx = this.metricIndex;
    for (let k = 0; k < idx.length; k++) this.candidates[k] = events[idx[k]!]!;
  }

  onArenaPeak(r: ReplayView): void {
    const m = r.model;
    const n = m.arenaSlots;
    const copy: ArenaSlotsCopy = { model: m, base: new Float64Array(n), serial: new Float64Array(n), totalPools: new Int32Array(n), carvedPools: new Int32Array(n) };
    for (let a = 0; a < n; a++) {
      const base = m.arenaBase(a);
      copy.base[a] = base;
      if (base === 0) continue;
      copy.serial[a] = m.arenaSerial(a);
      copy.totalPools[a] = m.arenaTotalPools(a);
      copy.carvedPools[a] = m.arenaCarvedPools(a);
    }
    this.arenaSlots = copy;
    this.arenaPeakEvent = r.events;
  }

  onBlockFreed(r: ReplayView): void {
    this.ended(r);
  }

  onBlockResized(r: ReplayView, keepsAllocEvent: boolean): void {
    this.ended(r);
    // The new record: from now, under the same allocating event or under this one.
    if (keepsAllocEvent) this.resizedSince.set(r.changedBlock.allocEvent, r.events);
  }

  /** A record ends at this event: logged when a candidate lies in its lifetime. */
  private ended(r: ReplayView): void {
    const b = r.changedBlock;
    let since = b.allocEvent;
    if (this.resizedSince.size !== 0) {
      const s = this.resizedSince.get(since);
      if (s !== undefined) {
        since = s;
        this.resizedSince.delete(b.allocEvent);
      }
    }
    const until = r.events;
    this.readCandidates(r);
    if (!this.needed(since, until)) return;
    const log = this.log;
    if (log.length === log.capacity) {
      log.retain((s, u) => this.needed(s, u));
      if (log.length > log.capacity / 2) log.grow();
      this.pruneResized();
    }
    const i = log.length++;
    log.since[i] = since;
    log.until[i] = until;
    log.allocEvent[i] = b.allocEvent;
    log.allocTs[i] = b.allocTs;
    log.size[i] = b.size;
    log.stack[i] = b.stack;
    log.pool[i] = b.pool;
    log.domain[i] = b.domain;
    log.place[i] = b.place;
    const m = r.model;
    if (m !== this.lastModel) {
      this.lastModel = m;
      this.lastInterpreter = Math.max(0, r.interpreters.findIndex((s) => s.model === m));
    }
    log.interpreter[i] = this.lastInterpreter;
    log.sizeClass[i] = b.pool === NOT_PYMALLOC ? -1 : m.poolSizeClass(b.pool);
  }

  /** Whether a record live from `since` until just before `until` was live at a candidate. */
  private needed(since: number, until: number): boolean {
    const c = this.candidates;
    for (let k = 0; k < c.length; k++) if (since <= c[k]! && c[k]! < until) return true;
    return false;
  }

  /** Drops resized records begun at or before every candidate: for them the allocating event already says it. */
  private pruneResized(): void {
    if (this.resizedSince.size < this.pruneResizedAt) return;
    const earliest = Math.min(...this.candidates);
    for (const [event, since] of this.resizedSince) if (since <= earliest) this.resizedSince.delete(event);
    this.pruneResizedAt = Math.max(1024, this.resizedSince.size * 2);
  }

  /** Logged records, for tests: at most a few times the live blocks at the candidates. */
  get logged(): number {
    return this.log.length;
  }

  /**
   * The live blocks as of event `event`, which must be the last high of a
   * followed metric (HighWaterView.point(metric).event), read from `r` as
   * the replay ended. Valid until the replay goes on.
   */
  at(r: ReplayView, event: number): ReplayView {
    this.readCandidates(r);
    if (event <= 0 || !this.candidates.includes(event)) throw new Error(`internal: event ${event} is no peak PeakLog followed`);
    // One view per peak: several metrics often peak at one event, and each
    // view sorts out its logged records once (loggedInOrder).
    const kept = this.views.get(event);
    if (kept !== undefined && kept.r === r && kept.replayedTo === r.events) return kept.view as unknown as ReplayView;
    // The walks read only what PastLiveView has (geometry, model, the two visits, formatAddress, events).
    const arenas = event === this.arenaPeakEvent ? this.arenaSlots : null;
    const view = new PastLiveView(r, event, this.log, this.resizedSince, arenas, this.inVisitOrder(r));
    this.views.set(event, { r, replayedTo: r.events, view });
    return view as unknown as ReplayView;
  }

  /** The views given out, valid while the replay stays where it was (replayedTo). */
  private readonly views = new Map<number, { readonly r: ReplayView; readonly replayedTo: number; readonly view: PastLiveView }>();

  /** The log's keys once it is sorted (null: not yet). */
  private sortedKeys: Float64Array | null = null;

  /**
   * Each logged record's key (store rank x PLACE_SPAN + place in the store,
   * unique among the blocks live at one instant), ascending: the log's
   * records are put in that order, once for every view, which only filters
   * it. In that order every walk reads the log's columns front to back
   * (scattered reads of millions of records cost most of a peak's walk).
   */
  private inVisitOrder(r: ReplayView): Float64Array {
    if (this.sortedKeys !== null) return this.sortedKeys;
    const log = this.log;
    const hashRank = r.interpreters.length;
    const keys = new Float64Array(log.length);
    for (let i = 0; i < log.length; i++) {
      const place = log.place[i]!;
      keys[i] = place >= 0 ? log.interpreter[i]! * PLACE_SPAN + place : hashRank * PLACE_SPAN - place - 1;
    }
    const order = radixOrder(keys);
    log.reorder(order);
    const sorted = new Float64Array(keys.length);
    for (let j = 0; j < order.length; j++) sorted[j] = keys[order[j]!]!;
    this.sortedKeys = sorted;
    return sorted;
  }
}

/**
 * A pymalloc state as of a past instant, as far as the live-set walks read
 * it (the methods below); every other member is the state's now and is not
 * to be read through it.
 */
class PastModel {
  private counts: Map<number, number> | null = null;

  constructor(
    readonly real: PymallocView,
    /** Size classes of pools whose logged blocks were live then. */
    private readonly classes: Map<number, number>,
    private readonly arenas: ArenaSlotsCopy | null,
    /** Counts live blocks per pool then (for poolBlockCount). */
    private readonly countBlocks: (into: Map<number, number>, model: PastModel) => void,
  ) {}

  get g() {
    return this.real.g;
  }

  poolSizeClass(pool: number): number {
    if (this.classes.size !== 0) {
      const c = this.classes.get(pool);
      if (c !== undefined) return c;
    }
    return this.real.poolSizeClass(pool);
  }

  poolArena(pool: number): number {
    return this.real.poolArena(pool);
  }

  hasPool(pool: number): boolean {
    return this.real.hasPool(pool);
  }

  arenaPoolSlot(arena: number, i: number): number {
    return this.real.arenaPoolSlot(arena, i);
  }

  get arenaSlots(): number {
    return this.arenas === null ? this.real.arenaSlots : this.arenas.base.length;
  }

  arenaBase(arena: number): number {
    return this.arenas === null ? this.real.arenaBase(arena) : (this.arenas.base[arena] ?? 0);
  }

  arenaSerial(arena: number): number {
    return this.arenas === null ? this.real.arenaSerial(arena) : this.arenas.serial[arena]!;
  }

  arenaTotalPools(arena: number): number {
    return this.arenas === null ? this.real.arenaTotalPools(arena) : this.arenas.totalPools[arena]!;
  }

  arenaCarvedPools(arena: number): number {
    return this.arenas === null ? this.real.arenaCarvedPools(arena) : this.arenas.carvedPools[arena]!;
  }

  poolBlockCount(pool: number): number {
    if (this.counts === null) {
      this.counts = new Map();
      this.countBlocks(this.counts, this);
    }
    return this.counts.get(pool) ?? 0;
  }
}

/** The live blocks of a past instant P, over the replay as it ended (see the top of this file). */
class PastLiveView {
  private readonly models = new Map<PymallocView, PastModel>();
  private ordered: { keys: Float64Array; records: Int32Array } | null = null;
  private resizedFilter: Uint8Array | null | undefined = undefined;
  readonly model: PymallocView;

  constructor(
    private readonly r: ReplayView,
    private readonly event: number,
    private readonly log: EndedRecords,
    private readonly resizedSince: ReadonlyMap<number, number>,
    arenas: ArenaSlotsCopy | null,
    /** Every logged record's key, the log sorted by it (PeakLog.inVisitOrder). */
    private readonly keys: Float64Array,
  ) {
    const classes = r.interpreters.map(() => new Map<number, number>());
    for (let i = 0; i < log.length; i++) {
      if (this.logged(i) && log.pool[i] !== NOT_PYMALLOC) classes[log.interpreter[i]!]!.set(log.pool[i]!, log.sizeClass[i]!);
    }
    const countBlocks = (into: Map<number, number>, model: PastModel): void =>
      this.forEachLiveBlockBrief((pool, _size, _stack, _domain, m) => {
        if (m === (model as unknown as PymallocView) && pool !== NOT_PYMALLOC) into.set(pool, (into.get(pool) ?? 0) + 1);
      });
    r.interpreters.forEach((s, i) => {
      const own = arenas !== null && arenas.model === s.model ? arenas : null;
      this.models.set(s.model, new PastModel(s.model, classes[i]!, own, countBlocks));
    });
    this.model = this.pastOf(r.model);
  }

  private pastOf(m: PymallocView): PymallocView {
    return (this.models.get(m) ?? this.models.values().next().value!) as unknown as PymallocView;
  }

  private logged(i: number): boolean {
    const log = this.log;
    return log.since[i]! <= this.event && this.event < log.until[i]!;
  }

  get geometry() {
    return this.r.geometry;
  }

  get events(): number {
    return this.event;
  }

  formatAddress(key: number): string {
    return this.r.formatAddress(key);
  }

  /**
   * The blocks live at P in the order a replay stopped at P would visit
   * them (each pool store, then the hash, by place): the logged ones merged
   * in among those still live, so the walks meet sites and their example
   * stacks in the same order. (A hash slot is where the block was when its
   * record ended: if the hash grew after P, its blocks' order may differ
   * from P's, which changes no figure, only which of equal sites is listed
   * first and which stack is the example.)
   */
  forEachLiveBlock(visit: LiveBlockVisit): void {
    const p = this.event;
    const resized = this.resizedSince;
    const log = this.log;
    const interpreters = this.r.interpreters;
    const hashRank = interpreters.length;
    const { keys, records } = this.loggedInOrder();
    const pastModels = interpreters.map((state) => this.pastOf(state.model));
    let next = 0;
    let nextKey = keys.length === 0 ? Infinity : keys[0]!;
    const emitBefore = (key: number): void => {
      while (nextKey < key) {
        const i = records[next]!;
        visit(log.pool[i]!, log.size[i]!, log.stack[i]!, log.domain[i]!, log.allocEvent[i]!, log.allocTs[i]!, pastModels[log.interpreter[i]!]!, log.place[i]!);
        next++;
        nextKey = next < keys.length ? keys[next]! : Infinity;
      }
    };
    let real: PymallocView | null = null;
    let past: PymallocView | null = null;
    let interpreter = 0;
    const maybeResized = this.resizedAfter();
    this.r.forEachLiveBlock((pool, size, stack, domain, event, ts, model, place) => {
      if (event > p) return;
      if (maybeResized !== null && maybeResized[event & RESIZED_MASK] === 1 && (resized.get(event) ?? event) > p) return;
      if (model !== real) {
        real = model;
        past = this.pastOf(model);
        interpreter = Math.max(0, interpreters.findIndex((s) => s.model === model));
      }
      if (nextKey !== Infinity) {
        const key = place >= 0 ? interpreter * PLACE_SPAN + place : hashRank * PLACE_SPAN - place - 1;
        if (nextKey < key) emitBefore(key);
      }
      visit(pool, size, stack, domain, event, ts, past!, place);
    });
    emitBefore(Infinity);
  }

  /**
   * A filter of the blocks still live that were resized in place after P
   * (indexed by allocating event & RESIZED_MASK; 1: maybe), so the walk looks
   * up the map only for those; null when there are none.
   */
  private resizedAfter(): Uint8Array | null {
    if (this.resizedFilter !== undefined) return this.resizedFilter;
    let filter: Uint8Array | null = null;
    for (const [event, since] of this.resizedSince) {
      if (since <= this.event) continue;
      filter ??= new Uint8Array(RESIZED_MASK + 1);
      filter[event & RESIZED_MASK] = 1;
    }
    this.resizedFilter = filter;
    return filter;
  }

  /** The logged records live at P in visit order: their keys (see placeKeys), ascending, and the record of each. */
  private loggedInOrder(): { keys: Float64Array; records: Int32Array } {
    if (this.ordered !== null) return this.ordered;
    const all = this.keys;
    let n = 0;
    for (let i = 0; i < all.length; i++) if (this.logged(i)) n++;
    const keys = new Float64Array(n);
    const records = new Int32Array(n);
    n = 0;
    for (let i = 0; i < all.length; i++) {
      if (!this.logged(i)) continue;
      keys[n] = all[i]!;
      records[n++] = i;
    }
    this.ordered = { keys, records };
    return this.ordered;
  }

  forEachLiveBlockBrief(visit: LiveBlockVisitBrief): void {
    this.forEachLiveBlock((pool, size, stack, domain, _event, _ts, model) => visit(pool, size, stack, domain, model));
  }
}

/**
 * Places within one store are below this (pool-store block indices: arena
 * slot, pool and block in under 40 bits; hash slots: under 2^28), so
 * rank x PLACE_SPAN + place orders the stores' records as a walk visits them.
 */
const PLACE_SPAN = 2 ** 40;

/** The size of PastLiveView's filter of resized blocks, less one. */
const RESIZED_MASK = (1 << 20) - 1;

/**
 * The indices of `keys` (integers in [0, 2^52)) in ascending key order, equal
 * keys in index order: an LSD radix sort, 4 passes of 13 bits, O(n) where a
 * comparison sort of a log of millions of records took most of a second.
 */
function radixOrder(keys: Float64Array): Int32Array {
  const n = keys.length;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    lo[i] = k % 2 ** 26;
    hi[i] = Math.floor(k / 2 ** 26);
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let out = new Int32Array(n);
  const counts = new Int32Array(1 << 13);
  for (const [half, shift] of [[lo, 0], [lo, 13], [hi, 0], [hi, 13]] as const) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(half[i]! >>> shift) & 8191]!++;
    let sum = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let j = 0; j < n; j++) {
      const i = order[j]!;
      out[counts[(half[i]! >>> shift) & 8191]!++] = i;
    }
    [order, out] = [out, order];
  }
  return order;
}
