import { afterAll, describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { ChartThread } from '../../../src/reports/html/chart-thread.js';
import { drawChart, renderChartSvg } from '../../../src/reports/html/render-chart.js';
import { withIdPrefix } from '../../../src/reports/html/chart-svg.js';
import { reportCharts } from '../../../src/reports/report-html.js';
import { sampleReportData } from '../sample-report-data.js';

describe('ChartThread', () => {
  const thread = new ChartThread();
  afterAll(() => thread.close());
  const charts = reportCharts(sampleReportData({ whatIf: ['3.8', '3.11'] }));

  it('draws every chart of a report as this thread does, ids prefixed on the page the same', async () => {
    const there = await Promise.all(charts.map((c) => thread.draw(c.spec)));
    for (const [i, c] of charts.entries()) {
      expect(there[i], c.name).toEqual(await drawChart(c.spec));
      expect(withIdPrefix(c, there[i]!, `c${i}`).svg, c.name).toBe((await renderChartSvg(c, `c${i}`)).svg);
    }
  });

  it('draws a spec asked for again once: the same drawing, by value as well as by object', () => {
    const spec = charts[0]!.spec;
    const copy = JSON.parse(JSON.stringify(spec)) as TopLevelSpec;
    expect(thread.draw(copy)).toBe(thread.draw(spec));
  });

  it('a spec vega cannot draw fails its request alone, with vega\'s words', async () => {
    const bad = { mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative' } }, data: { values: [{ a: 1 }] }, transform: [{ calculate: '(', as: 'b' }] } as TopLevelSpec;
    const here = await drawChart(bad).then(() => null, (e: Error) => e.message);
    expect(here).not.toBeNull();
    await expect(thread.draw(bad)).rejects.toThrow(here!);
    await expect(thread.draw(charts[1]!.spec)).resolves.toMatchObject({ svg: expect.stringContaining('<svg') });
  });

  it('once closed, a new spec is refused rather than left waiting', async () => {
    const closed = new ChartThread();
    closed.close();
    await expect(closed.draw(charts[2]!.spec)).rejects.toThrow(/closed/);
  });
});
