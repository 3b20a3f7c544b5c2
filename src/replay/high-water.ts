// High-water marks of the replay's footprint metrics: the peak value and the
// instant it was first reached (event index, timestamp, last mark before it).
// Updated after every call with plain compares; no allocation.

import { HIGH_WATER_METRICS, NATIVE_HIGH_WATER_METRICS, type HighWaterMetric, type NativeHighWaterMetric } from '../events/high-water-metrics.js';

const ARENAS = 3;

export interface HighWaterPoint {
  readonly value: number;
  /** Number (1-based) of the event at which the peak was first reached (0: never). */
  readonly event: number;
  /** Timestamp of that event or of the last one before it that had one (null: none). */
  readonly ts: number | null;
  /** Label of the last mark before it (null: none). */
  readonly mark: string | null;
  /** Trace line of that event. */
  readonly line: number;
}

interface ReplayClock {
  readonly events: number;
  readonly lastTs: number;
  readonly lastMark: string;
  readonly marks: number;
  readonly line: number;
}

/** Peaks and when each was first reached, for a few metrics. */
class HighWaterPoints {
  readonly value: Float64Array;
  readonly event: Float64Array;
  readonly ts: Float64Array;
  readonly line: Float64Array;
  readonly mark: (string | null)[];

  constructor(n: number) {
    this.value = new Float64Array(n);
    this.event = new Float64Array(n);
    this.ts = new Float64Array(n).fill(NaN);
    this.line = new Float64Array(n);
    this.mark = new Array<string | null>(n).fill(null);
  }

  raise(k: number, value: number, clock: ReplayClock): void {
    this.value[k] = value;
    this.event[k] = clock.events;
    this.ts[k] = clock.lastTs;
    this.line[k] = clock.line;
    this.mark[k] = clock.marks > 0 ? clock.lastMark : null;
  }

  pointAt(k: number): HighWaterPoint {
    const ts = this.ts[k]!;
    return { value: this.value[k]!, event: this.event[k]!, ts: Number.isNaN(ts) ? null : ts, mark: this.mark[k]!, line: this.line[k]! };
  }
}

export class HighWater extends HighWaterPoints {
  /** Each metric's value after the last event, in HIGH_WATER_METRICS order. */
  readonly now = new Float64Array(HIGH_WATER_METRICS.length);
  /** Set when the arena count reached a new high in the last update. */
  arenaPeakRaised = false;
  /** The native half's marks (NATIVE_HIGH_WATER_METRICS), apart: raised only by native events. */
  private readonly native = new HighWaterPoints(NATIVE_HIGH_WATER_METRICS.length);

  constructor() {
    super(HIGH_WATER_METRICS.length);
  }

  update(
    clock: ReplayClock,
    liveRequested: number,
    blockBytes: number,
    pools: number,
    arenas: number,
    systemBytes: number,
    footprint: number,
  ): void {
    const now = this.now;
    now[0] = liveRequested;
    now[1] = blockBytes;
    now[2] = pools;
    now[3] = arenas;
    now[4] = systemBytes;
    now[5] = footprint;
    const v = this.value;
    if (liveRequested > v[0]!) this.raise(0, liveRequested, clock);
    if (blockBytes > v[1]!) this.raise(1, blockBytes, clock);
    if (pools > v[2]!) this.raise(2, pools, clock);
    if (arenas > v[ARENAS]!) {
      this.raise(ARENAS, arenas, clock);
      this.arenaPeakRaised = true;
    }
    if (systemBytes > v[4]!) this.raise(4, systemBytes, clock);
    if (footprint > v[5]!) this.raise(5, footprint, clock);
  }

  /** Native heap bytes now (after a native block was added). */
  updateNativeHeap(clock: ReplayClock, bytes: number): void {
    if (bytes > this.native.value[0]!) this.native.raise(0, bytes, clock);
  }

  /** Anonymously mapped bytes now (after an mmap or mremap). */
  updateMapped(clock: ReplayClock, bytes: number): void {
    if (bytes > this.native.value[1]!) this.native.raise(1, bytes, clock);
  }

  nativePoint(metric: NativeHighWaterMetric): HighWaterPoint {
    return this.native.pointAt(NATIVE_HIGH_WATER_METRICS.indexOf(metric));
  }

  point(metric: HighWaterMetric): HighWaterPoint {
    return this.pointAt(HIGH_WATER_METRICS.indexOf(metric));
  }
}
