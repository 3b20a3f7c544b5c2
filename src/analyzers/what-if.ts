// What-if geometry: the same trace under another CPython version's pymalloc
// (pool size, arena size, arena release rules). The trace's arena addresses
// belong to the geometry it was recorded with: a version that places blocks
// and arenas alike (3.10 to 3.13 differ only in the radix tree) replays with
// them; under any other the replay ignores its arena records and the model
// places arenas itself (aligned to the arena size). The block sizes, order of
// calls and lifetimes are the trace's. For the trace's own version the real
// replay is used.

import { countersStats } from '../models/pymalloc/stats.js';
import type { HighWaterMetric } from '../events/high-water-metrics.js';
import type { ReplayView } from '../replay/replay-view.js';
import { ArenaPeakObserver } from './arena-peak.js';
import { fragmentationOf } from './fragmentation.js';
import { instantAt } from './instant.js';
import type { JudgedInstant } from './judged-instant.js';
import type { TraceInstant, WhatIfVersion } from './report-data.js';

/** What a what-if replay judges at the report's instant. */
export type WhatIfJudged = WhatIfVersion['judged'];

/** The what-if figures judged at the replayer's current instant. */
export function whatIfJudgedOf(r: ReplayView): WhatIfJudged {
  const stats = countersStats(r.model);
  return { ...fragmentationOf(stats), footprintBytes: stats.arenaBytes + r.system.liveBytes, blocksInUse: r.model.blocksInUseTotal };
}

/** The what-if figures of a finished replay that `peak` observed; `judged` was taken at the report's instant. */
export function whatIfOfReplay(r: ReplayView, peak: ArenaPeakObserver, judged: { readonly value: WhatIfJudged; readonly at: JudgedInstant }): WhatIfVersion {
  const g = r.geometry;
  const point = (m: HighWaterMetric): TraceInstant & { value: number } => {
    const { value, event, ts, line, mark } = r.highWater.point(m);
    return { value, ...instantAt(event, ts ?? NaN, line, mark) };
  };
  const snap = peak.snapshot;
  return {
    version: g.version,
    arenaSizeBytes: g.arenaSize,
    poolSizeBytes: g.poolSize,
    arenasFromTrace: r.arenas.arenasFromTrace > 0,
    footprintPeak: point('footprint_bytes'),
    arenasPeak: point('arenas'),
    poolsPeak: point('pools_in_use'),
    blockBytesPeak: point('block_bytes'),
    at: judged.at,
    judged: judged.value,
    arenaPeak:
      snap === null
        ? null
        : { ...fragmentationOf(snap.stats), ...instantAt(snap.event, snap.ts ?? NaN, snap.line, snap.mark) },
  };
}
