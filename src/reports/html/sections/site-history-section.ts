// Per-site history (site-history-chart.ts): how the live bytes of the
// heaviest sites moved over the trace, beside the timeline of the whole.

import type { ReportData } from '../../../analyzers/report-data.js';
import { escapeHtml } from '../escape.js';
import { count, thousands } from '../format.js';
import { historySites, siteHistoryChart } from '../site-history-chart.js';
import type { ReportSection } from '../section.js';

export const siteHistorySection: ReportSection = {
  id: 'site-history',
  title: 'Site history',
  applies: (d) => d.timeline.buckets.length > 0 && d.leaks.growth.samples.length > 1 && historySites(d).length > 0,
  charts: (d) => [siteHistoryChart(d)],
  html: ({ data, figure }) => figure('site-history', escapeHtml(captionOf(data))),
};

function captionOf(d: ReportData): string {
  const g = d.leaks.growth;
  const at =
    g.basis === 'marks'
      ? `at the start and at ${g.marksPerSample === 1 ? 'every mark' : `every ${thousands(g.marksPerSample ?? 1)}th mark`}${g.markFilter === null ? '' : ` matching ${JSON.stringify(g.markFilter)}`}`
      : `at the start and every ${count(g.eventsPerWindow ?? 0, 'event')} (the trace has no marks to sample at)`;
  return (
    `Live requested bytes of the ${count(historySites(d).length, 'site')} with the most at any sample, exact, ${at} ` +
    `(${count(g.samples.length, 'sample')}, the same the leak verdicts read); dashed rules are the trace's marks.`
  );
}
