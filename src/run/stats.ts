// The `stats` driver: a trace file replayed to an instant (a mark, an event,
// or the end), and the pymalloc state of one interpreter there, with the
// replay's verification, exactness and completeness, and the JSON document
// `stats --json` prints.

import { verificationOf, type AnalyzeResult } from '../analyzers/analyze.js';
import { interpreterStats } from '../analyzers/interpreter-stats.js';
import type { PymallocStats } from '../models/pymalloc/stats.js';
import type { Completeness } from '../replay/completeness.js';
import { exactnessOf, type Exactness } from '../replay/exactness.js';
import { replayTrace } from './replay-trace.js';
import type { NativeStats, StatsDocument } from '../reports/json/stats-json.js';
import type { ReplayView } from '../replay/replay-view.js';
import { NATIVE_HIGH_WATER_DESCRIPTIONS, type NativeHighWaterMetric } from '../events/high-water-metrics.js';
import type { TraceOptions } from '../options/trace-options.js';

export interface StatsOptions {
  readonly trace: TraceOptions;
  /**
   * --at as InstantOptions.at says (the first mark with this label), where
   * the replay stops; stats has no default mark: without it, the end.
   */
  readonly at?: string | undefined;
  /** Stop after this many events (1-based). */
  readonly atEvent?: number;
  /** The interpreter whose state is taken, by the trace's interp id. */
  readonly interpreter: number;
  /** Whether the document carries the verification (--verify). */
  readonly verify: boolean;
}

export interface StatsRun {
  readonly file: string;
  readonly stats: PymallocStats;
  readonly verification: AnalyzeResult['verification'];
  readonly exactness: Exactness;
  readonly completeness: Completeness;
  readonly skippedRecords: number;
  /** What `stats --json` prints (reports/json/stats-json.ts writes it). */
  readonly document: StatsDocument;
}

function nativeStatsOf(r: ReplayView): NativeStats {
  const peak = (m: NativeHighWaterMetric) => ({ ...r.highWater.nativePoint(m), description: NATIVE_HIGH_WATER_DESCRIPTIONS[m] });
  return {
    heapBlocks: r.system.nativeLiveBlocks,
    heapBytes: r.system.nativeLiveBytes,
    mappings: r.mappings.count,
    mmapBytes: r.mappings.bytes,
    highWater: { native_heap_bytes: peak('native_heap_bytes'), mmap_bytes: peak('mmap_bytes') },
  };
}

export async function runStats(path: string, options: StatsOptions): Promise<StatsRun> {
  const { replayer, ctx, completeness } = await replayTrace(path, { ...options.trace, stopAtMark: options.at, stopAtEvent: options.atEvent });
  const { stats, allocatedBlocks } = interpreterStats(replayer, options.interpreter);
  const verification = verificationOf(replayer);
  const exactness = exactnessOf(replayer);
  const document: StatsDocument = {
    file: ctx.fileName,
    python: replayer.geometry.version,
    at: { event: replayer.events, mark: options.at ?? null, end: options.at === undefined && options.atEvent === undefined },
    interp: options.interpreter,
    allocatedBlocks,
    stats,
    skippedRecords: ctx.skippedRecords,
    completeness,
    exactness,
    ...(options.verify ? { verification } : {}),
    ...(replayer.nativeEvents === 0 ? {} : { native: nativeStatsOf(replayer) }),
  };
  return { file: ctx.fileName, stats, verification, exactness, completeness, skippedRecords: ctx.skippedRecords, document };
}
