// High-water marks of the replay's footprint metrics: the peak value and the
// instant it was first reached (event index, timestamp, last mark before it).
// Updated after every call with plain compares; no allocation.

import { HIGH_WATER_METRICS, type HighWaterMetric } from '../events/high-water-metrics.js';

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

export class HighWater {
  readonly value = new Float64Array(HIGH_WATER_METRICS.length);
  readonly event = new Float64Array(HIGH_WATER_METRICS.length);
  readonly ts = new Float64Array(HIGH_WATER_METRICS.length).fill(NaN);
  readonly line = new Float64Array(HIGH_WATER_METRICS.length);
  readonly mark: (string | null)[] = HIGH_WATER_METRICS.map(() => null);
  /** Each metric's value after the last event, in HIGH_WATER_METRICS order. */
  readonly now = new Float64Array(HIGH_WATER_METRICS.length);
  /** Set when the arena count reached a new high in the last update. */
  arenaPeakRaised = false;

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

  point(metric: HighWaterMetric): HighWaterPoint {
    const k = HIGH_WATER_METRICS.indexOf(metric);
    const ts = this.ts[k]!;
    return {
      value: this.value[k]!,
      event: this.event[k]!,
      ts: Number.isNaN(ts) ? null : ts,
      mark: this.mark[k]!,
      line: this.line[k]!,
    };
  }

  private raise(k: number, value: number, clock: ReplayClock): void {
    this.value[k] = value;
    this.event[k] = clock.events;
    this.ts[k] = clock.lastTs;
    this.line[k] = clock.line;
    this.mark[k] = clock.marks > 0 ? clock.lastMark : null;
  }
}
