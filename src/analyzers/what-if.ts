// What-if geometry: the same trace under another CPython version's pymalloc
// (pool size, arena size, arena release rules). The trace's arena addresses
// belong to the geometry it was recorded with: a version that places blocks
// and arenas alike (3.10 to 3.13 differ only in the radix tree) replays with
// them; under any other the replay ignores its arena records and the model
// places arenas itself (aligned to the arena size). The block sizes, order of
// calls and lifetimes are the trace's. For the trace's own version the real
// replay is used.

import { geometryFor, sameBlockPlacement, type PythonVersion } from '../models/pymalloc/geometry.js';
import { countersStats } from '../models/pymalloc/stats.js';
import type { HighWaterMetric } from '../events/high-water-metrics.js';
import { replayTrace, type ReplayTraceOptions } from '../replay/replay-trace.js';
import type { ReplayView } from '../replay/replay-view.js';
import { ArenaPeakObserver } from './arena-peak.js';
import { fragmentationOf } from './fragmentation.js';
import { instantAt } from './instant.js';
import { CaptureAtMark, type JudgedInstant } from './judged-instant.js';
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

/**
 * Replay the trace, recorded under `traceVersion`, as `version` would place
 * its blocks: with the trace's arenas when they fit, else arenas placed by the model.
 */
export async function whatIfReplay(
  path: string,
  version: PythonVersion,
  traceVersion: PythonVersion,
  /** The mark the report judges at (null: the end). */
  judgedMark: string | null,
  options: Omit<ReplayTraceOptions, 'python' | 'ignoreArenaRecords' | 'observers' | 'context'> = {},
): Promise<WhatIfVersion> {
  const peak = new ArenaPeakObserver();
  const judged = new CaptureAtMark(judgedMark, whatIfJudgedOf);
  const ignoreArenaRecords = !sameBlockPlacement(geometryFor(version), geometryFor(traceVersion));
  const { replayer } = await replayTrace(path, { ...options, python: version, ignoreArenaRecords, observers: [peak, judged] });
  return whatIfOfReplay(replayer, peak, judged.valueAt(replayer));
}
