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
import type { StatsDocument } from '../reports/json/stats-json.js';
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
  };
  return { file: ctx.fileName, stats, verification, exactness, completeness, skippedRecords: ctx.skippedRecords, document };
}
