// The report's per-site history: the top sites' live bytes at every growth
// sample, on the timeline's axis, heaviest first, and left out when there is
// no history to draw.

import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../../../src/analyzers/report-data.js';
import { HISTORY_SITES, historyLabel, historySites, siteHistoryChart } from '../../../../src/reports/html/site-history-chart.js';
import { siteHistorySection } from '../../../../src/reports/html/sections/site-history-section.js';
import { renderHtmlReport } from '../../../../src/reports/report-html.js';
import { sampleReportData } from '../../sample-report-data.js';

interface Point {
  x: number;
  bytes: number;
  site: string;
}

describe('the site history section', () => {
  it('draws the sites with the most live bytes at any sample, one point per sample, each as the leak analysis sampled it', async () => {
    const data = sampleReportData({ sites: 20 });
    const sites = historySites(data);
    expect(sites.length).toBe(Math.min(HISTORY_SITES, data.leaks.sites.filter((s) => Math.max(...s.growth.liveBytes) > 0).length));
    const peaks = sites.map((s) => Math.max(...s.growth.liveBytes));
    expect(peaks).toEqual([...peaks].sort((a, b) => b - a));
    const spec = siteHistoryChart(data).spec as unknown as { layer: { data: { values: Point[] } }[] };
    const points = spec.layer.at(-1)!.data.values;
    sites.forEach((s, i) => {
      expect(points.filter((p) => p.site === historyLabel(i, s)).map((p) => p.bytes)).toEqual(s.growth.liveBytes.slice(0, data.leaks.growth.samples.length));
    });
    // Points run left to right in sample order.
    const first = points.filter((p) => p.site === historyLabel(0, sites[0]!)).map((p) => p.x);
    expect(first).toEqual([...first].sort((a, b) => a - b));
    const { html } = await renderHtmlReport(data, { chartsHref: 'x.charts' });
    expect(html).toContain('<section id="site-history">');
    expect(html).toContain('data-chart="site-history"');
  });

  it('is left out without samples to draw', () => {
    const data = sampleReportData();
    const one: ReportData = { ...data, leaks: { ...data.leaks, growth: { ...data.leaks.growth, samples: data.leaks.growth.samples.slice(0, 1) } } };
    expect(siteHistorySection.applies(one)).toBe(false);
    expect(siteHistorySection.applies(sampleReportData({ empty: true }))).toBe(false);
  });
});
