// The trace's marks (the first 30) with what was live and held at each.

import type { ReportData } from '../../analyzers/report-data.js';
import { bytes, thousands } from '../../text/units.js';
import { mdText, table } from './format.js';

/** Marks listed at most: a table, not the whole timeline. */
const MARKS_LISTED = 30;

export function marksSection(d: ReportData): string[] {
  if (d.timeline.marks.length === 0) return [];
  return [
    '## Marks',
    '',
    table(
      ['#', 'label', 'event', 'live requested', 'arenas', 'footprint'],
      d.timeline.marks
        .slice(0, MARKS_LISTED)
        .map((m, i) => [String(i + 1), mdText(m.mark ?? ''), thousands(m.event), bytes(m.at.liveRequestedBytes), thousands(m.at.arenas), bytes(m.at.footprintBytes)]),
      [true, false, true, true, true, true],
    ),
    '',
  ];
}
