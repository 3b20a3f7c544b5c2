// What was live at each peak: for the high-water marks the report replays up
// to, the largest sites of live blocks at that instant.

import { PEAK_SITE_METRICS, type PeakSites } from '../../../analyzers/report-data.js';
import { escapeHtml } from '../escape.js';
import { bytes, count, instantHtml, shareOf, thousands } from '../format.js';
import { htmlTable, siteCell } from '../html-table.js';
import type { ReportSection } from '../section.js';
import { siteNoun, STACKLESS_GROUPING } from '../../site-words.js';

/** Groups listed per peak. */
const ROWS = 10;

export const highWaterSection: ReportSection = {
  id: 'peaks',
  title: 'At the peaks',
  applies: (d) => PEAK_SITE_METRICS.some((m) => d.highWater[m].event > 0),
  charts: () => [],
  html: ({ data }) =>
    PEAK_SITE_METRICS.map((m) => data.highWater[m])
      .filter((p) => p.event > 0)
      .map((p) => peakHtml(p, data.analyze.events.stacks > 0))
      .join('\n'),
};

/** `hasStacks` false: the trace has no call stack, so its blocks are in groups by domain and size class. */
function peakHtml(p: PeakSites, hasStacks: boolean): string {
  const value = p.metric.endsWith('bytes') ? bytes(p.value) : thousands(p.value);
  const live = p.live;
  const by = siteNoun(live.groupedBy, hasStacks);
  const grouping = hasStacks ? '' : ` ${STACKLESS_GROUPING} (the trace has no call stacks)`;
  return [
    `<h3>${escapeHtml(p.description[0]!.toUpperCase() + p.description.slice(1))}: ${value}</h3>`,
    `<p>Reached at ${instantHtml(p)}. Then ${count(live.totalBlocks, 'block')} (${bytes(live.totalRequestedBytes)} requested) ${live.totalBlocks === 1 ? 'was' : 'were'} live, in ${count(live.totalGroups, by)}${grouping}; the largest:</p>`,
    htmlTable(live.groups.slice(0, ROWS), [
      { header: by, cell: (g) => siteCell(g.key, g.exampleStack) },
      { header: 'blocks', numeric: true, cell: (g) => thousands(g.blocks) },
      { header: 'requested', numeric: true, cell: (g) => bytes(g.requestedBytes) },
      { header: 'share', numeric: true, cell: (g) => shareOf(g.requestedBytes, live.totalRequestedBytes) },
      { header: 'allocated', numeric: true, cell: (g) => bytes(g.allocatedBytes) },
    ]),
  ].join('\n');
}
