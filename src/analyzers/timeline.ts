// The fragmentation timeline: every timeline metric (report-data.ts) after
// every event, kept in a bounded number of buckets of consecutive events.
//
// The trace's length is unknown while it streams, so the buckets start one
// event wide; when `maxBuckets` are full, neighbours are merged in pairs and
// the width doubles. At any time there are at most `maxBuckets` buckets of
// equal width (the last one filling), at least half of them full once the
// trace is longer than maxBuckets events. Each bucket keeps the min and max
// of every metric over all its events, so no peak is lost however wide the
// buckets get, and the state after its last event. Marks are sampled exactly
// (up to `maxMarks`).
//
// Per event: the metrics are read from the model's running totals (O(1)) and
// written into typed arrays; nothing is allocated.

import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import { instantAt } from './instant.js';
import {
  TIMELINE_METRICS,
  type Timeline,
  type TimelineBucket,
  type TimelineMarkSample,
  type TimelineMetric,
  type TimelineValues,
  type TimelineWindow,
} from './report-data.js';

export const DEFAULT_MAX_BUCKETS = 512;
export const DEFAULT_MAX_MARKS = 1000;

const M = TIMELINE_METRICS.length;
const I = Object.fromEntries(TIMELINE_METRICS.map((m, i) => [m, i])) as Record<TimelineMetric, number>;

/**
 * Metrics of the pool structure alone (arenas, pools in use, free pools,
 * unaligned arenas, the pools' tails) and what follows from them.
 */
const STRUCTURE = ['arenas', 'poolsInUse', 'unusedPools', 'quantizationBytes', 'arenaAlignmentBytes'].map((m) => I[m as TimelineMetric]);
// The others, which change with nearly every block (as numbers, for the per-event path).
const LIVE_BLOCKS = I.liveBlocks;
const LIVE_REQUESTED = I.liveRequestedBytes;
const ALLOCATED = I.allocatedBlockBytes;
const UTILISATION = I.utilisation;
const AVAILABLE = I.availableBlockBytes;
const SYSTEM = I.systemBytes;
const FOOTPRINT = I.footprintBytes;

/** Fold value `v` into the min and max at `k`. */
function fold(min: Float64Array, max: Float64Array, k: number, v: number): void {
  if (v < min[k]!) min[k] = v;
  if (v > max[k]!) max[k] = v;
}

/** Write every timeline metric of the replayer's current state into `out` (length M). */
export function readTimelineMetrics(r: ReplayView, out: Float64Array): void {
  const model = r.model;
  const g = r.geometry;
  const arenas = model.arenasCurrent;
  const pools = model.poolsInUseCount;
  const unused = model.freePools;
  const allocated = model.allocatedBlockBytes;
  const quantization = model.quantizationBytes;
  const arenaBytes = arenas * g.arenaSize;
  const system = r.system.liveBytes;
  out[I.arenas] = arenas;
  out[I.poolsInUse] = pools;
  out[I.unusedPools] = unused;
  out[I.liveBlocks] = r.liveBlockCount;
  out[I.liveRequestedBytes] = r.liveRequestedBytes;
  out[I.allocatedBlockBytes] = allocated;
  out[I.utilisation] = arenaBytes === 0 ? 0 : allocated / arenaBytes;
  // The pools in use hold (pool size - header) bytes each, split into blocks
  // in use, free blocks and the quantization tail.
  out[I.availableBlockBytes] = pools * (g.poolSize - g.poolOverhead) - quantization - allocated;
  out[I.unusedPoolBytes] = unused * g.poolSize;
  out[I.quantizationBytes] = quantization;
  out[I.poolHeaderBytes] = pools * g.poolOverhead;
  out[I.arenaAlignmentBytes] = model.unalignedArenaCount * g.poolSize;
  out[I.arenaBytes] = arenaBytes;
  out[I.systemBytes] = system;
  out[I.footprintBytes] = arenaBytes + system;
}

function valuesOf(a: Float64Array, offset: number): TimelineValues {
  const v = {} as Record<TimelineMetric, number>;
  for (let k = 0; k < M; k++) v[TIMELINE_METRICS[k]!] = a[offset + k]!;
  return v;
}

export interface TimelineOptions {
  /** Most buckets kept (even, at least 2). */
  maxBuckets?: number;
  maxMarks?: number;
}

export class TimelineObserver implements ReplayObserver {
  readonly maxBuckets: number;
  readonly maxMarks: number;
  /** Events per bucket. */
  private width = 1;
  /** Closed buckets; bucket `closed` is the one filling. */
  private closed = 0;
  /** Events in the filling bucket. */
  private filled = 0;
  private readonly at: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly firstEvent: Float64Array;
  private readonly lastEvent: Float64Array;
  private readonly ts: Float64Array;
  private firstTs = NaN;
  private readonly line: Float64Array;
  /** Label of the last mark at each bucket's last event (null: none yet). */
  private readonly mark: (string | null)[];
  private readonly cur = new Float64Array(M);
  /** The STRUCTURE metrics after the last event. */
  private readonly structure = new Float64Array(STRUCTURE.length).fill(NaN);
  private readonly markSamples: TimelineMarkSample[] = [];
  private marksSeen = 0;

  constructor(options: TimelineOptions = {}) {
    const b = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
    if (!Number.isInteger(b) || b < 2 || b % 2 !== 0) throw new RangeError(`maxBuckets must be an even integer >= 2, not ${b}`);
    this.maxBuckets = b;
    this.maxMarks = options.maxMarks ?? DEFAULT_MAX_MARKS;
    this.at = new Float64Array(b * M);
    this.min = new Float64Array(b * M);
    this.max = new Float64Array(b * M);
    this.firstEvent = new Float64Array(b);
    this.lastEvent = new Float64Array(b);
    this.ts = new Float64Array(b);
    this.line = new Float64Array(b);
    this.mark = new Array<string | null>(b).fill(null);
  }

  onEvent(r: ReplayView): void {
    const cur = this.cur;
    const i = this.closed;
    const o = i * M;
    const min = this.min;
    const max = this.max;
    // The pool structure (arenas, pools, free pools, their tails): most events
    // leave it as it was, and with it every metric that depends on it alone,
    // already folded into this bucket's min and max by the event before; then
    // only the VOLATILE metrics are read and folded.
    const model = r.model;
    const g = r.geometry;
    const arenas = model.arenasCurrent;
    const pools = model.poolsInUseCount;
    const quantization = model.quantizationBytes;
    const structure = this.structure;
    if (
      this.filled !== 0 &&
      arenas === structure[0] &&
      pools === structure[1] &&
      model.freePools === structure[2] &&
      quantization === structure[3] &&
      model.unalignedArenaCount * g.poolSize === structure[4]
    ) {
      // As readTimelineMetrics, for these metrics alone.
      const allocated = model.allocatedBlockBytes;
      const arenaBytes = arenas * g.arenaSize;
      const system = r.system.liveBytes;
      fold(min, max, o + LIVE_BLOCKS, (cur[LIVE_BLOCKS] = r.liveBlockCount));
      fold(min, max, o + LIVE_REQUESTED, (cur[LIVE_REQUESTED] = r.liveRequestedBytes));
      fold(min, max, o + ALLOCATED, (cur[ALLOCATED] = allocated));
      fold(min, max, o + UTILISATION, (cur[UTILISATION] = arenaBytes === 0 ? 0 : allocated / arenaBytes));
      fold(min, max, o + AVAILABLE, (cur[AVAILABLE] = pools * (g.poolSize - g.poolOverhead) - quantization - allocated));
      fold(min, max, o + SYSTEM, (cur[SYSTEM] = system));
      fold(min, max, o + FOOTPRINT, (cur[FOOTPRINT] = arenaBytes + system));
    } else {
      readTimelineMetrics(r, cur);
      for (let j = 0; j < STRUCTURE.length; j++) structure[j] = cur[STRUCTURE[j]!]!;
      if (this.filled === 0) {
        this.firstEvent[i] = r.events;
        for (let k = 0; k < M; k++) {
          const v = cur[k]!;
          min[o + k] = v;
          max[o + k] = v;
        }
      } else {
        for (let k = 0; k < M; k++) {
          const v = cur[k]!;
          if (v < min[o + k]!) min[o + k] = v;
          if (v > max[o + k]!) max[o + k] = v;
        }
      }
    }
    this.lastEvent[i] = r.events;
    this.ts[i] = r.lastTs;
    // NaN until the first timestamp (NaN !== NaN): one compare per event.
    if (this.firstTs !== this.firstTs) this.firstTs = r.lastTs;
    this.line[i] = r.line;
    this.mark[i] = r.marks > 0 ? r.lastMark : null;
    if (++this.filled === this.width) {
      // The state after a bucket's last event (the filling bucket's is `cur`, taken by result()).
      this.at.set(cur, o);
      this.filled = 0;
      if (++this.closed === this.maxBuckets) this.mergePairs();
    }
  }

  onMark(r: ReplayView, label: string): void {
    this.marksSeen++;
    if (this.markSamples.length >= this.maxMarks) return;
    const values = new Float64Array(M);
    readTimelineMetrics(r, values);
    this.markSamples.push({ ...instantAt(r.events, r.lastTs, r.line, label), at: valuesOf(values, 0) });
  }

  /** All buckets full: bucket i becomes buckets 2i and 2i+1 together. */
  private mergePairs(): void {
    const half = this.maxBuckets / 2;
    for (let i = 0; i < half; i++) {
      const a = 2 * i;
      const b = a + 1;
      this.firstEvent[i] = this.firstEvent[a]!;
      this.lastEvent[i] = this.lastEvent[b]!;
      this.ts[i] = this.ts[b]!;
      this.line[i] = this.line[b]!;
      this.mark[i] = this.mark[b]!;
      for (let k = 0; k < M; k++) {
        this.at[i * M + k] = this.at[b * M + k]!;
        this.min[i * M + k] = Math.min(this.min[a * M + k]!, this.min[b * M + k]!);
        this.max[i * M + k] = Math.max(this.max[a * M + k]!, this.max[b * M + k]!);
      }
    }
    for (let i = half; i < this.maxBuckets; i++) this.mark[i] = null;
    this.closed = half;
    this.width *= 2;
  }

  /** The timeline so far (call after the replay). */
  result(): Timeline {
    if (this.filled > 0) this.at.set(this.cur, this.closed * M);
    const n = this.closed + (this.filled > 0 ? 1 : 0);
    const buckets: TimelineBucket[] = [];
    for (let i = 0; i < n; i++) {
      buckets.push({
        ...instantAt(this.lastEvent[i]!, this.ts[i]!, this.line[i]!, this.mark[i]!),
        firstEvent: this.firstEvent[i]!,
        at: valuesOf(this.at, i * M),
        min: valuesOf(this.min, i * M),
        max: valuesOf(this.max, i * M),
      });
    }
    return {
      bucketEvents: this.width,
      maxBuckets: this.maxBuckets,
      buckets,
      marks: this.markSamples,
      maxMarks: this.maxMarks,
      marksOmitted: this.marksSeen - this.markSamples.length,
      firstTs: Number.isNaN(this.firstTs) ? null : this.firstTs,
    };
  }
}


/**
 * A timeline of one stretch of the trace, [firstEvent, lastEvent]: the same
 * buckets, over those events only (so a stretch of 2,000 events is sampled
 * every 4 events where the whole trace is sampled every few hundred).
 */
export class TimelineWindowObserver implements ReplayObserver {
  private readonly inner: TimelineObserver;

  constructor(
    readonly firstEvent: number,
    readonly lastEvent: number,
    maxBuckets: number,
  ) {
    this.inner = new TimelineObserver({ maxBuckets, maxMarks: 0 });
  }

  onEvent(r: ReplayView): void {
    if (r.events >= this.firstEvent && r.events <= this.lastEvent) this.inner.onEvent(r);
  }

  result(): TimelineWindow {
    const t = this.inner.result();
    return { firstEvent: this.firstEvent, lastEvent: this.lastEvent, bucketEvents: t.bucketEvents, buckets: t.buckets };
  }
}
