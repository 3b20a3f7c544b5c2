// `memreplay stats --json` (docs/json-output.md): one interpreter's pymalloc
// statistics at an instant, with what says how far they can be trusted.

import type { AnalyzeResult, Completeness, Exactness } from '../../analyzers/analyze.js';
import type { InterpreterStats } from '../../analyzers/interpreter-stats.js';
import type { PythonVersion } from '../../models/pymalloc/geometry.js';
import { documentText } from './document-text.js';

export const STATS_SCHEMA = 'memreplay.stats/1';

export interface StatsDocument extends InterpreterStats {
  readonly file: string;
  readonly python: PythonVersion;
  /** The instant: events replayed, the --at mark, and whether the replay ran to the end. */
  readonly at: { readonly event: number; readonly mark: string | null; readonly end: boolean };
  readonly skippedRecords: number;
  readonly completeness: Completeness;
  readonly exactness: Exactness;
  /** Only with --verify. */
  readonly verification?: AnalyzeResult['verification'];
  /** Only for traces with native records (recorded with --native). */
  readonly native?: NativeStats;
}

/** The native half at the instant: the native heap and the anonymous mappings, now and at their peaks. */
export interface NativeStats {
  readonly heapBlocks: number;
  readonly heapBytes: number;
  readonly mappings: number;
  readonly mmapBytes: number;
  readonly highWater: NonNullable<AnalyzeResult['native']>['highWater'];
}

export function formatStatsJson(d: StatsDocument): string {
  return documentText({
    schema: STATS_SCHEMA,
    file: d.file,
    python: d.python,
    at: d.at,
    interp: d.interp,
    allocatedBlocks: d.allocatedBlocks,
    stats: d.stats,
    skippedRecords: d.skippedRecords,
    completeness: d.completeness,
    exactness: d.exactness,
    ...(d.verification !== undefined ? { verification: d.verification } : {}),
    ...(d.native !== undefined ? { native: d.native } : {}),
  });
}
