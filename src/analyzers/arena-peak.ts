// Keeps the allocator's stats as of the instant the arena count last reached
// a new high, so fragmentation can be shown at the arena high-water mark. The
// replayer calls it only when the peak rises (at most once per arena), and
// countersStats is O(size classes), so this costs nothing per event.

import { countersStats, type PymallocStats } from '../models/pymalloc/stats.js';
import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';

export interface ArenaPeakSnapshot {
  readonly stats: PymallocStats;
  readonly event: number;
  readonly ts: number | null;
  readonly mark: string | null;
  readonly line: number;
}

export class ArenaPeakObserver implements ReplayObserver {
  snapshot: ArenaPeakSnapshot | null = null;

  onArenaPeak(r: ReplayView): void {
    this.snapshot = {
      stats: countersStats(r.model),
      event: r.events,
      ts: Number.isNaN(r.lastTs) ? null : r.lastTs,
      mark: r.marks > 0 ? r.lastMark : null,
      line: r.line,
    };
  }
}
