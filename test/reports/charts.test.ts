import { describe, expect, it } from 'vitest';
import { compileChart, CHART_NAME, prefixIds, renderChartSvg, roundPaths } from '../../src/reports/html/render-chart.js';
import { arenaMapChart, poolBin, poolRuns, POOL_BINS } from '../../src/reports/html/arena-map-chart.js';
import { measureText, textWidth } from '../../src/reports/html/text-width.js';
import { indexChart } from '../../src/reports/html/index-chart.js';
import { reportCharts } from '../../src/reports/report-html.js';
import { HOSTILE, hostileText, sampleReportData } from './sample-report-data.js';
import { drawnTexts, sceneItems } from './chart-scene.js';

/** The compiled vega spec without its inline data: everything vega would parse as spec or expression. */
function specWithoutData(vega: unknown): string {
  const copy = JSON.parse(JSON.stringify(vega)) as { data?: { values?: unknown }[] };
  for (const d of copy.data ?? []) delete d.values;
  return JSON.stringify(copy);
}

describe('report charts', () => {
  const full = sampleReportData({ whatIf: ['3.8', '3.11', '3.13'] });
  const charts = reportCharts(full);

  it('a full report draws every kind of chart, each with a distinct file-name-safe name', () => {
    const names = charts.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(CHART_NAME);
    for (const kind of ['timeline', 'timeline-marks', 'size-classes-peak', 'size-classes-end', 'arena-map-peak', 'arena-map-end', 'leak-growth-1', 'arena-split', 'arena-split-timeline', 'what-if']) {
      expect(names).toContain(kind);
    }
  });

  it('every chart spec compiles with vega-lite without a warning', () => {
    for (const c of charts) {
      const { vega, warnings } = compileChart(c.spec);
      expect(warnings, c.name).toEqual([]);
      expect(vega.marks?.length ?? 0, c.name).toBeGreaterThan(0);
    }
  });

  it('every chart renders to an SVG with drawn marks and no warning', async () => {
    for (const [i, c] of charts.entries()) {
      const r = await renderChartSvg(c, `c${i}`);
      expect(r.warnings, c.name).toEqual([]);
      expect(r.svg.startsWith('<svg')).toBe(true);
      // A mark group with at least one item (path, rect, line, text...).
      expect(r.svg, c.name).toMatch(/class="mark-[a-z]+ role-mark[^"]*"[^>]*><(path|rect|line|text|g)/);
    }
  });

  it('trace text reaches the charts only as data values, never as spec or expression', () => {
    const hostile = sampleReportData({ text: hostileText, whatIf: ['3.8', '3.13'], marks: 5 });
    const hostileCharts = [...reportCharts(hostile), indexChart([{ name: hostileText(1), peakFootprintBytes: 10, peakLiveRequestedBytes: 5 }])];
    for (const c of hostileCharts) {
      const spec = specWithoutData(compileChart(c.spec).vega);
      for (const h of HOSTILE) expect(spec, c.name).not.toContain(JSON.stringify(h).slice(1, -1));
    }
  });

  it('hostile labels, marks and site names come out of vega as escaped SVG text', async () => {
    const hostile = sampleReportData({ text: hostileText, marks: 5 });
    const timeline = reportCharts(hostile).find((c) => c.name === 'timeline')!;
    const r = await renderChartSvg(timeline, 't');
    expect(r.warnings).toEqual([]);
    expect(r.svg).not.toMatch(/<img|<script|<\/script|<[^>]*\son[a-z]+=/i);
    // Mark 1's label is HOSTILE[2], cut to 24 characters.
    expect(r.svg).toContain('"&gt;&lt;svg onload=alert(3)&gt;');
  });

  it('gives the ids of each chart a prefix so several charts share a page', () => {
    const svg = '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><text> id="x" fill="url(#clip1)"</text></g></svg>';
    expect(prefixIds(svg, 'c3')).toBe(
      '<svg><defs><clipPath id="c3-clip1"><rect/></clipPath></defs><g clip-path="url(#c3-clip1)"><text> id="x" fill="url(#clip1)"</text></g></svg>',
    );
  });

  it('rounds path coordinates to a tenth of a pixel and leaves everything else alone', () => {
    expect(roundPaths('<path d="M2.867,218.474L-5.733,0.05Z" x="1.234"/><text> d="1.234"</text>')).toBe('<path d="M2.9,218.5L-5.7,0.1Z" x="1.234"/><text> d="1.234"</text>');
  });
});

describe('arena map runs', () => {
  it('bins pool utilisation in quarters, with its own bins for uncarved and empty pools', () => {
    expect([null, 0, 0.01, 0.25, 0.2501, 0.5, 0.75, 0.76, 1].map((u) => POOL_BINS[poolBin(u)])).toEqual([
      'not carved',
      'empty',
      '1–25% used',
      '1–25% used',
      '26–50% used',
      '26–50% used',
      '51–75% used',
      '76–100% used',
      '76–100% used',
    ]);
  });

  it('merges neighbouring pools of one bin into a run, arena by arena', () => {
    const map = sampleReportData({ arenas: 2 }).arenaMap.judged;
    const arena = { ...map.arenas[0]!, pools: [1, 0.9, 0, 0, null, null] };
    const runs = poolRuns({ ...map, arenas: [arena, { ...arena, pools: [0.1] }] });
    expect(runs).toEqual([
      { r: 0, p0: 0, p1: 2, bin: '76–100% used' },
      { r: 0, p0: 2, p1: 4, bin: 'empty' },
      { r: 0, p0: 4, p1: 6, bin: 'not carved' },
      { r: 1, p0: 0, p1: 1, bin: '1–25% used' },
    ]);
  });
});

describe('the arena map', () => {
  it('draws one arena as one row of readable height, named like the pinning tables, with a title no taller than the map', async () => {
    const map = sampleReportData({ arenas: 1 }).arenaMap.judged;
    expect(map.arenas.length).toBe(1);
    const scene = await sceneItems(arenaMapChart('arena-map-end', 'x', map).spec);
    const cells = scene.filter((i) => i.marktype === 'rect' && i.role === 'mark');
    expect(cells.length).toBeGreaterThan(0);
    const rowTop = Math.min(...cells.map((c) => c.y1));
    const rowBottom = Math.max(...cells.map((c) => c.y2));
    for (const c of cells) expect([c.y1, c.y2]).toEqual([rowTop, rowBottom]);
    expect(rowBottom - rowTop).toBeGreaterThanOrEqual(16);
    const texts = drawnTexts(scene);
    expect(texts.filter((t) => t.role === 'axis-label').map((t) => t.text)).toContain(`#${map.arenas[0]!.serial}`);
    for (const t of texts.filter((t) => t.role === 'axis-title')) expect(t.y2 - t.y1, t.text!).toBeLessThan(rowBottom - rowTop);
  });

  it('gives each of many arenas its own row, in address order', async () => {
    const map = sampleReportData({ arenas: 40 }).arenaMap.judged;
    const scene = await sceneItems(arenaMapChart('arena-map-end', 'x', map).spec);
    const rows = new Set(scene.filter((i) => i.marktype === 'rect' && i.role === 'mark').map((c) => Math.round(c.y1)));
    expect(rows.size).toBe(map.arenas.length);
  });
});

describe('text widths for chart layout', () => {
  it('measures with the advance widths of Arial-like fonts, not vega’s 0.8 em guess', () => {
    expect(measureText('iiii', 10)).toBeCloseTo(8.88);
    expect(measureText('MMMM', 10)).toBeCloseTo(33.32);
    expect(measureText('1,024 KiB', 11)).toBeLessThan(0.8 * 9 * 11 * 0.7);
  });

  it('counts a line wider than the item’s limit as the limit (vega cuts it there)', () => {
    expect(textWidth({ fontSize: 10, limit: 20 }, 'a long label that does not fit')).toBe(20);
    expect(textWidth({ fontSize: 10 }, 'ab')).toBeCloseTo(11.12);
    expect(textWidth({ fontSize: 10, fontWeight: 'bold' }, 'ab')).toBeGreaterThan(11.12);
  });
});
