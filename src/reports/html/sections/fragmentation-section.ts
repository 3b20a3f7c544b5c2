// The fragmentation breakdown: where the arena bytes go at the arena peak and
// at the end, the same split over the whole trace, and the call sites whose
// requests waste the most to size-class rounding.

import { instantHeading, instantText } from '../../instant-text.js';
import { arenaSplitBarsChart, arenaSplitTimelineChart, SPLIT_PARTS, type SplitRow } from '../fragmentation-chart.js';
import { escapeHtml } from '../escape.js';
import { bytes, shareOf, thousands } from '../format.js';
import { htmlTable, siteCell } from '../html-table.js';
import type { ReportData } from '../../../analyzers/report-data.js';
import type { ReportSection } from '../section.js';
import { siteNoun } from '../../site-words.js';

const WASTE_ROWS = 15;

function splitRows(d: ReportData): SplitRow[] {
  const f = d.analyze.fragmentation;
  return [
    ...(f.arenaPeak === null ? [] : [{ label: `arena high-water mark (event ${thousands(f.arenaPeak.event)})`, split: f.arenaPeak }]),
    { label: instantHeading(d.at), split: f.judged },
  ];
}

export const fragmentationSection: ReportSection = {
  id: 'fragmentation',
  title: 'Fragmentation',
  judged: true,
  applies: (d) => d.analyze.fragmentation.arenaPeak !== null,
  charts: (d) => [
    arenaSplitBarsChart('arena-split', `Arena bytes by use at the arena peak and ${instantText(d.at)}`, splitRows(d)),
    arenaSplitTimelineChart(d.timeline, d.analyze.events.total),
  ],
  html: ({ data, figure }) => {
    const rows = splitRows(data);
    const out = [
      figure('arena-split', 'The bytes of the pymalloc arenas, split as sys._debugmallocstats() splits them.'),
      htmlTable(
        [...SPLIT_PARTS.map((p) => ({ label: p.label, values: rows.map((r) => r.split[p.part]) })), { label: 'arena bytes', values: rows.map((r) => r.split.arenaBytes) }],
        [
          { header: '', cell: (r) => escapeHtml(r.label) },
          ...rows.flatMap((row, k) => [
            { header: row.label, numeric: true, cell: (r: { values: number[] }) => bytes(r.values[k]!) },
            { header: 'share', numeric: true, cell: (r: { values: number[] }) => shareOf(r.values[k]!, row.split.arenaBytes) },
          ]),
        ],
      ),
      figure('arena-split-timeline', 'The same split at every point of the timeline.'),
    ];
    const waste = data.pinning.judged.sitesByQuantizationWaste.filter((s) => s.quantizationWasteBytes > 0).slice(0, WASTE_ROWS);
    if (waste.length > 0) {
      const by = siteNoun(data.pinning.judged.groupedBy, data.analyze.events.stacks > 0);
      out.push(
        `<h3>Quantization waste by ${escapeHtml(by)} at the end</h3>`,
        '<p>Every request is rounded up to its size class’s block size; these live blocks waste the most to that rounding.</p>',
        htmlTable(waste, [
          { header: by, cell: (s) => siteCell(s.site, s.exampleStack) },
          { header: 'wasted', numeric: true, cell: (s) => bytes(s.quantizationWasteBytes) },
          { header: 'of allocated', numeric: true, cell: (s) => shareOf(s.quantizationWasteBytes, s.allocatedBytes) },
          { header: 'live blocks', numeric: true, cell: (s) => thousands(s.liveBlocks) },
          { header: 'requested', numeric: true, cell: (s) => bytes(s.requestedBytes) },
        ]),
      );
    }
    return out.join('\n');
  },
};
