// What a fleet job leaves in the engine: the trace's check (its leak analysis
// judged against the budgets) and, when the run has reports, its report files
// and index entry - gzip-compressed, as base64 text in BullMQ's return value,
// so the results are the engine's, never a worker's memory. HTML reports are
// most of the weight, and compress about eightfold.

import { gunzipSync, gzipSync } from 'node:zlib';
import type { CheckedTrace } from '../check/run-check.js';
import type { ReportTaskResult } from '../run/report-task.js';

/** A report that could not be made although the check could (as `report` alone would have failed on it). */
export interface FailedReport {
  readonly error: string;
}

export interface FleetJobResult {
  readonly checked: CheckedTrace;
  /** null for a run without reports. */
  readonly report: ReportTaskResult | FailedReport | null;
}

export function encodeJobResult(result: FleetJobResult): string {
  return gzipSync(JSON.stringify(result), { level: 6 }).toString('base64');
}

/** The result of job `id`; a value that does not decode is an error naming the job. */
export function decodeJobResult(id: string, value: unknown): FleetJobResult {
  if (typeof value !== 'string') throw new Error(`job ${id}: its result is not one a memreplay worker writes`);
  try {
    return JSON.parse(gunzipSync(Buffer.from(value, 'base64')).toString('utf8')) as FleetJobResult;
  } catch (e) {
    throw new Error(`job ${id}: its result does not decode (${(e as Error).message})`);
  }
}
