// The what-if replay of a report (analyzers/what-if.ts says what it is): the
// trace read again under another CPython version's geometry, with the trace's
// arena records only when that version places blocks and arenas alike.

import { geometryFor, sameBlockPlacement, type PythonVersion } from '../models/pymalloc/geometry.js';
import { replayTrace } from './replay-trace.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import { ArenaPeakObserver } from '../analyzers/arena-peak.js';
import { CaptureAtMark } from '../analyzers/judged-instant.js';
import type { WhatIfVersion } from '../analyzers/report-data.js';
import { whatIfJudgedOf, whatIfOfReplay } from '../analyzers/what-if.js';

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
  /** How the trace is read; its python is replaced by `version`. */
  trace: TraceOptions = DEFAULT_TRACE_OPTIONS,
): Promise<WhatIfVersion> {
  const peak = new ArenaPeakObserver();
  const judged = new CaptureAtMark(judgedMark, whatIfJudgedOf);
  const ignoreArenaRecords = !sameBlockPlacement(geometryFor(version), geometryFor(traceVersion));
  const { replayer } = await replayTrace(path, { ...trace, python: version, ignoreArenaRecords, observers: [peak, judged] });
  return whatIfOfReplay(replayer, peak, judged.valueAt(replayer));
}
