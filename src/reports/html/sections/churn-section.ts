// Allocation churn by site (analyzers/churn.ts): who allocates most often,
// how many of those allocations are temporary, how long blocks live, and
// the requested sizes with the size classes they round to, as a chart.

import type { ChurnResult } from '../../../analyzers/churn.js';
import { churnWindowOpening, durationText, sizeBucketText } from '../../churn-text.js';
import { churnSizeChart } from '../churn-chart.js';
import { escapeHtml } from '../escape.js';
import { bytes, percent, thousands } from '../format.js';
import { htmlTable, siteCell } from '../html-table.js';
import type { ReportSection } from '../section.js';

export const churnSection: ReportSection = {
  id: 'churn',
  title: 'Allocation churn',
  applies: (d) => d.churn !== undefined && d.churn.totals.allocations > 0,
  charts: (d) => [churnSizeChart('churn-sizes', 'Allocations by requested size', d.churn!)],
  html: ({ data, figure }) => churnHtml(data.churn!, figure),
};

function lifetimeCell(events: number | null, ns: number | null): string {
  if (events === null) return '<span class="muted">none freed</span>';
  return `${thousands(Math.round(events))} events${ns === null ? '' : `<br><span class="muted">${escapeHtml(durationText(ns))}</span>`}`;
}

function churnHtml(c: ChurnResult, figure: (name: string, captionHtml?: string) => string): string {
  const t = c.totals;
  const share = (n: number, of: number): string => (of === 0 ? '' : ` (${percent(n / of)})`);
  return [
    `<p>${escapeHtml(churnWindowOpening(c))}: ${thousands(t.allocations)} allocations, ${bytes(t.allocatedBytes)} requested in all, ` +
      `${thousands(t.temporary)} of them temporary${share(t.temporary, t.allocations)}; ${thousands(t.freed)} freed in the window, after ` +
      `${t.meanLifetimeEvents === null ? 'no' : `${thousands(Math.round(t.meanLifetimeEvents))} events`}${t.meanLifetimeNs === null ? '' : ` (${escapeHtml(durationText(t.meanLifetimeNs))})`} on average. ` +
      `A temporary allocation is one ${escapeHtml(c.temporaryRule)}. Blocks that live this briefly never show in the live-byte views above.</p>`,
    htmlTable(
      c.sites,
      [
        { header: 'site', cell: (s) => siteCell(s.key) },
        { header: 'allocations', numeric: true, cell: (s) => thousands(s.allocations) },
        { header: 'allocated', numeric: true, cell: (s) => bytes(s.allocatedBytes) },
        { header: 'temporary', numeric: true, cell: (s) => `${thousands(s.temporary)}${share(s.temporary, s.allocations)}` },
        { header: 'freed', numeric: true, cell: (s) => thousands(s.freed) },
        { header: 'mean lifetime', numeric: true, cell: (s) => lifetimeCell(s.meanLifetimeEvents, s.meanLifetimeNs) },
      ],
      `The ${thousands(c.sites.length)} of ${thousands(c.totalSites)} sites with the most allocations`,
    ),
    figure('churn-sizes', 'Allocations by requested size: each pymalloc size class with the requests it takes, then the C library by power of two.'),
    `<details><summary>Table</summary>${htmlTable(c.sizes, [
      { header: 'requested size', cell: (b) => escapeHtml(sizeBucketText(b)) },
      { header: 'allocations', numeric: true, cell: (b) => thousands(b.allocations) },
      { header: 'requested', numeric: true, cell: (b) => bytes(b.requestedBytes) },
      { header: 'in blocks', numeric: true, cell: (b) => bytes(b.blockBytes) },
    ])}</details>`,
  ].join('\n');
}
