// The replayer's current instant as report data (event, ts, line, last mark).

import type { ReplayView } from '../replay/replay-view.js';
import type { TraceInstant } from './report-data.js';

/**
 * Mark labels come from the trace and can be up to a line long (1 MiB); a
 * report repeats them per bucket and per mark, so they are cut here.
 */
export const MAX_REPORT_LABEL_CHARS = 256;

/** The instant judged without --at (its why is in options/instant-options.ts). */
export { DEFAULT_AT_MARK } from '../options/instant-options.js';

export function reportLabel(label: string): string {
  return label.length > MAX_REPORT_LABEL_CHARS ? label.slice(0, MAX_REPORT_LABEL_CHARS - 1) + '…' : label;
}

export function instantAt(event: number, ts: number, line: number, mark: string | null): TraceInstant {
  return { event, ts: Number.isNaN(ts) ? null : ts, line, mark: mark === null ? null : reportLabel(mark) };
}

export function instantOf(r: ReplayView): TraceInstant {
  return instantAt(r.events, r.lastTs, r.line, r.marks > 0 ? r.lastMark : null);
}
