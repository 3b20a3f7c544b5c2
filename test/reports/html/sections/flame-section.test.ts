// The report's flame graph section: three static SVG icicles behind
// <details> (no script), the first open, trace text inert, and a report at
// every limit of its data, flame graphs included, within its 2 MB budget.

import { describe, expect, it } from 'vitest';
import { callTreeOf, flattenCallTree } from '../../../../src/analyzers/call-tree.js';
import { STACK_WEIGHTS, type StackWeight } from '../../../../src/analyzers/live-stacks.js';
import type { ReportData, ReportFlame } from '../../../../src/analyzers/report-data.js';
import type { FlatCallTree } from '../../../../src/analyzers/call-tree.js';
import { renderHtmlReport } from '../../../../src/reports/report-html.js';
import { REPORT_FLAME_LIMITS } from '../../../../src/run/report.js';
import { expectInertHtml } from '../../hostile.js';
import { sampleReportData } from '../../sample-report-data.js';
import { liveOf, stack } from '../../flame/stacks.js';

/** Stacks `depth` frames deep with long frame texts, many more than a graph may draw. */
function flameOf(stacks: number, depth: number, frameText: (i: number, d: number) => string): ReportFlame {
  const live = liveOf(Array.from({ length: stacks }, (_, i) => stack(Array.from({ length: depth }, (_, d) => frameText(i % (d + 2), d)), 1 + (i % 7), 100 + i)));
  const trees = {} as Record<StackWeight, FlatCallTree>;
  for (const w of STACK_WEIGHTS) trees[w] = flattenCallTree(callTreeOf(live, w, REPORT_FLAME_LIMITS));
  return { event: 10, ts: null, line: 12, mark: null, footprintBytes: 2 * 1024 * 1024, trees };
}

const sectionOf = (html: string): string => html.slice(html.indexOf('<section id="flame">'), html.indexOf('</section>', html.indexOf('<section id="flame">')));

describe('the flame graph section', () => {
  it('draws one graph per weight behind <details>, requested bytes open, every frame with a <title>', async () => {
    const data: ReportData = { ...sampleReportData(), flame: flameOf(50, 4, (i, d) => `f${i}_${d} (app/m${i}.py:${d + 1})`) };
    const { html } = await renderHtmlReport(data, { chartsHref: 'x.charts' });
    const section = sectionOf(html);
    expect(section.match(/<details( open)?>/g)).toEqual(['<details open>', '<details>', '<details>']);
    expect([...section.matchAll(/data-flame="([^"]+)"/g)].map((m) => m[1])).toEqual([...STACK_WEIGHTS]);
    expect((section.match(/<g>/g) ?? []).length).toBe((section.match(/<g><title>/g) ?? []).length);
    expect(html).toContain('<a href="#flame">Flame graphs</a>');
    expectInertHtml(html);
  });

  it("is left out when the report has no flame data", async () => {
    const { html } = await renderHtmlReport({ ...sampleReportData(), flame: null }, { chartsHref: 'x.charts' });
    expect(html).not.toContain('<section id="flame">');
  });

  it('keeps hostile frame text inert', async () => {
    const data: ReportData = { ...sampleReportData(), flame: flameOf(5, 2, (i) => `<img src=x onerror=alert(${i})> (<script>.py:1)`) };
    const { html } = await renderHtmlReport(data, { chartsHref: 'x.charts' });
    expect(sectionOf(html)).toContain('&lt;img src=x onerror=alert(');
    expectInertHtml(html);
  });

  it('stays within the 2 MB budget with every other limit of the report data reached too', async () => {
    const base = sampleReportData({ buckets: 512, marks: 1000, markWindow: 512, arenas: 256, sites: 20, whatIf: ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] });
    // 5,000 stacks of 30 frames of about 200 characters: each graph is cut to its frame budget.
    const flame = flameOf(5_000, 30, (i, d) => `function_${i}_${d}_${'x'.repeat(150)} (/very/long/path/to/the/project/module_${i}.py:${d + 1})`);
    for (const w of STACK_WEIGHTS) expect(flame.trees[w].shownFrames).toBeLessThanOrEqual(REPORT_FLAME_LIMITS.maxFrames);
    const { html } = await renderHtmlReport({ ...base, flame }, { chartsHref: 'x.charts' });
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
  });
});
