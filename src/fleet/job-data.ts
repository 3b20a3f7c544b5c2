// What one fleet job carries, and the check a worker makes before acting on
// it. Anyone who can write to the engine can write a job, so a worker trusts
// nothing in it: the data must have this exact shape, the report name must be
// a plain file name, and (trace-roots.ts) the trace must be a URL or a path
// under the worker's --trace-root list. No field names a command or module:
// the worker runs the check and report tasks, nothing else.

import { isAbsolute } from 'node:path';
import type { CheckTaskOptions } from '../run/check-task.js';
import type { ReportOptions } from '../analyzers/report-data.js';
import type { Given } from '../options/given.js';
import { REPORT_FORMATS, type ReportFormat } from '../reports/report-files.js';
import { checkRunName } from './run-name.js';

export const JOB_DATA_VERSION = 1;

export interface FleetReportRequest {
  readonly options: Given<ReportOptions>;
  readonly format: ReportFormat;
}

export interface FleetJobData {
  readonly v: typeof JOB_DATA_VERSION;
  readonly run: string;
  /** The trace as the submitter gave it: a path (relative to `cwd`) or an http(s) URL. */
  readonly trace: string;
  /** The submitter's working directory: relative paths are read from there, on a file system every worker mounts at the same place. */
  readonly cwd: string;
  /** This trace's report name (file name without extension), unique in the run. */
  readonly name: string;
  readonly check: CheckTaskOptions;
  /** The report to render, or null for a run submitted with --reports none. */
  readonly report: FleetReportRequest | null;
}

/** A job failure no retry can change (a refused job, a trace that is bad input): failed at once. */
export class FinalJobError extends Error {
  // BullMQ fails a job whose error is named so without retrying it.
  override name = 'UnrecoverableError';
}

const MAX_TRACE_CHARS = 8192;

/** A report name is one plain path component. */
export function isPlainName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..';
}

/** The job's data, checked field by field; anything else is a FinalJobError saying what. */
export function checkJobData(data: unknown): FleetJobData {
  const refuse = (why: string): never => {
    throw new FinalJobError(`refused job: ${why}`);
  };
  if (!isRecord(data)) return refuse('its data is not an object');
  const known = ['v', 'run', 'trace', 'cwd', 'name', 'check', 'report'];
  const extra = Object.keys(data).filter((k) => !known.includes(k));
  if (extra.length > 0) refuse(`unknown field ${JSON.stringify(extra[0])}`);
  if (data['v'] !== JOB_DATA_VERSION) refuse(`version ${JSON.stringify(data['v'])}, this worker reads ${JOB_DATA_VERSION}`);
  const { run, trace, cwd, name, check, report } = data;
  if (typeof run !== 'string') return refuse('no run name');
  try {
    checkRunName(run);
  } catch {
    refuse('the run name is not one submit gives');
  }
  if (typeof trace !== 'string' || trace.length === 0 || trace.length > MAX_TRACE_CHARS || trace.includes('\0')) return refuse('the trace is not a path or URL');
  if (typeof cwd !== 'string' || !isAbsolute(cwd) || cwd.includes('\0')) return refuse('the working directory is not an absolute path');
  if (!isPlainName(name)) return refuse('the report name is not a plain file name');
  if (!isRecord(check) || !isRecord(check['leaks']) || !isRecord(check['budgets']) || !isRecord(check['rules'])) return refuse('the check options are not those submit writes');
  if (report !== null) {
    if (!isRecord(report) || !isRecord(report['options']) || !REPORT_FORMATS.includes(report['format'] as ReportFormat)) return refuse('the report request is not one submit writes');
  }
  return data as unknown as FleetJobData;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
