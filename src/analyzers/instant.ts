// The replayer's current instant as report data (event, ts, line, last mark).

import type { Replayer } from '../replay/replayer.js';
import type { TraceInstant } from './report-data.js';

export function instantOf(r: Replayer): TraceInstant {
  return {
    event: r.events,
    ts: Number.isNaN(r.lastTs) ? null : r.lastTs,
    line: r.line,
    mark: r.marks > 0 ? r.lastMark : null,
  };
}
