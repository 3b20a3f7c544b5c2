// Leak candidates: the call sites (or size classes) with the most bytes still
// live at the end, each with a sparkline of when those bytes were allocated.

import { bytes, count, thousands } from '../format.js';
import { htmlTable, siteCell } from '../html-table.js';
import type { ReportSection } from '../section.js';
import { leakSparklineChart } from '../sparkline-chart.js';

/** Sites listed, each with its sparkline (one small chart each). */
export const LEAK_ROWS = 15;

export const leaksSection: ReportSection = {
  id: 'leaks',
  title: 'Live at the end',
  applies: (d) => d.leakSites.sites.length > 0,
  charts: (d) =>
    d.leakSites.sites
      .slice(0, LEAK_ROWS)
      .map((s, i) => leakSparklineChart(i, s, d.leakSites.growthEvents, d.analyze.events.total)),
  html: ({ data, svg }) => {
    const l = data.leakSites;
    const by = l.groupedBy === 'call_site' ? 'call site' : 'size class';
    const rows = l.sites.slice(0, LEAK_ROWS);
    return [
      `<p>The ${count(rows.length, by)} (of ${thousands(l.totalSites)}) with the most requested bytes still live at the end of the trace. ` +
        `The sparkline shows, over the trace, how many of those bytes had been allocated by then: a steady ramp grows with the run (a leak, or a cache without bound); a single step was filled once.</p>`,
      htmlTable(rows, [
        { header: '#', numeric: true, cell: (_s, i) => String(i + 1) },
        { header: by, cell: (s) => siteCell(s.site, s.exampleStack) },
        { header: 'growth', cell: (_s, i) => `<div class="spark">${svg(`leak-growth-${i + 1}`)}</div>` },
        { header: 'blocks', numeric: true, cell: (s) => thousands(s.blocks) },
        { header: 'requested', numeric: true, cell: (s) => bytes(s.requestedBytes) },
        { header: 'allocated', numeric: true, cell: (s) => bytes(s.allocatedBytes) },
        { header: 'events', numeric: true, cell: (s) => `${thousands(s.firstEvent)}–${thousands(s.lastEvent)}` },
      ]),
    ].join('\n');
  },
};
