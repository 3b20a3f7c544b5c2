// The report's churn section (HTML and Markdown) and the analyze text: the
// window's totals, the sites with the most allocations in order with their
// figures, one bar per size bucket in the chart, and the words of the
// durations and size buckets.

import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../../../src/analyzers/report-data.js';
import { churnLines, churnWindowText, durationText, sizeBucketShort, sizeBucketText } from '../../../../src/reports/churn-text.js';
import { churnSection } from '../../../../src/reports/html/sections/churn-section.js';
import { churnSection as churnMarkdown } from '../../../../src/reports/markdown/churn-section.js';
import { renderHtmlReport } from '../../../../src/reports/report-html.js';
import { sampleReportData } from '../../sample-report-data.js';

const sectionOf = (html: string): string => html.slice(html.indexOf('<section id="churn">'), html.indexOf('</section>', html.indexOf('<section id="churn">')));

describe('the churn section', () => {
  it('lists the sites with the most allocations and charts one bar per requested-size bucket', async () => {
    const data = sampleReportData({ sites: 4 });
    const churn = data.churn!;
    const { html, charts } = await renderHtmlReport(data, { chartsHref: 'x.charts' });
    const section = sectionOf(html);
    const rows = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>')).split('<tr>').slice(1);
    expect(rows).toHaveLength(churn.sites.length);
    rows.forEach((row, i) => expect(row).toContain(`<td class="num">${churn.sites[i]!.allocations.toLocaleString('en-US')}</td>`));
    expect(section).toContain(`${churn.totals.allocations.toLocaleString('en-US')} allocations`);
    const spec = charts.find((c) => c.name === 'churn-sizes')!.spec as unknown as { data: { values: { bucket: string; allocations: number }[] } };
    expect(spec.data.values.map((v) => [v.bucket, v.allocations])).toEqual(churn.sizes.map((b) => [sizeBucketShort(b), b.allocations]));
    expect(section).toContain('data-chart="churn-sizes"');
  });

  it('is left out when nothing was allocated in the window, or the data has no churn', () => {
    const data = sampleReportData();
    const none: ReportData = { ...data, churn: { ...data.churn!, totals: { ...data.churn!.totals, allocations: 0 } } };
    expect(churnSection.applies(none)).toBe(false);
    const { churn: _, ...older } = data;
    expect(churnSection.applies(older)).toBe(false);
    expect(churnMarkdown(older)).toEqual([]);
    expect(churnSection.applies(data)).toBe(true);
  });

  it('gives Markdown a table of sites and one of sizes', () => {
    const data = sampleReportData({ sites: 3 });
    const md = churnMarkdown(data).join('\n');
    expect(md).toMatch(/^## Allocation churn$/m);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    // Two header lines and three sites, then two header lines and three sizes.
    expect(rows).toHaveLength(2 + 3 + 2 + 3);
  });

  it('says windows, durations and size buckets in words', () => {
    const churn = sampleReportData().churn!;
    expect(churnWindowText(churn)).toBe('the whole run');
    expect(churnWindowText({ ...churn, window: { from: 'go', to: 'stop', firstEvent: 11, lastEvent: 90 } })).toBe('from mark "go" (event 10) to mark "stop" (event 90)');
    expect(churnWindowText({ ...churn, window: { from: null, to: 'stop', firstEvent: 1, lastEvent: 90 } })).toBe('from the start to mark "stop" (event 90)');
    expect([durationText(999), durationText(1500), durationText(2_500_000), durationText(3e9)]).toEqual(['999 ns', '1.5 µs', '2.5 ms', '3 s']);
    expect(churn.sizes.map(sizeBucketText)).toEqual(['33-48 B (class 2, 48-byte blocks)', '497-512 B (class 31, 512-byte blocks)', '513 B-1 KiB (C library)']);
    expect(churn.sizes.map(sizeBucketShort)).toEqual(['48 B', '512 B', '513 B-1 KiB']);
    const lines = churnLines(churn);
    expect(lines[0]).toMatch(/^allocation churn, the whole run: [0-9,]+ allocations, /);
    expect(lines).toContain(`  temporary: ${churn.temporaryRule}`);
  });
});
