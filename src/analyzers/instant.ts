// The replayer's current instant as report data (event, ts, line, last mark).

import type { ReplayView } from '../replay/replay-view.js';
import type { TraceInstant } from './report-data.js';

/**
 * Mark labels come from the trace and can be up to a line long (1 MiB); a
 * report repeats them per bucket and per mark, so they are cut here.
 */
export const MAX_REPORT_LABEL_CHARS = 256;

/**
 * The instant the commands judge when no --at is given: the recorder's exit
 * mark (`stats`, written from an atexit callback: the program has finished,
 * the interpreter is still alive) when the trace has it, else the end of the
 * trace. After `stats` comes the interpreter's shutdown, which frees module
 * globals, leaks included: judged at the end, a leaking program looks clean.
 * `leaks`, `check` and the report's leak section take their figures there.
 */
export const DEFAULT_AT_MARK = 'stats';

export function reportLabel(label: string): string {
  return label.length > MAX_REPORT_LABEL_CHARS ? label.slice(0, MAX_REPORT_LABEL_CHARS - 1) + '…' : label;
}

export function instantAt(event: number, ts: number, line: number, mark: string | null): TraceInstant {
  return { event, ts: Number.isNaN(ts) ? null : ts, line, mark: mark === null ? null : reportLabel(mark) };
}

export function instantOf(r: ReplayView): TraceInstant {
  return instantAt(r.events, r.lastTs, r.line, r.marks > 0 ? r.lastMark : null);
}
