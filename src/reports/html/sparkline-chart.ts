// A site's growth evidence as a sparkline: its live bytes at every growth
// sample (analyzers/growth.ts), the start of the trace first, one point per
// interval — the numbers the growth rule classified, as `memreplay leaks`
// prints them. A dashed rule marks the end of the warm-up; the line is red
// for a steady-state leak.

import type { LeaksResult, LeaksSite } from '../../analyzers/leaks.js';
import { CHART_CONFIG, vegaLiteSpec } from './chart-theme.js';
import type { ChartSpec } from './render-chart.js';

export const SPARKLINE_WIDTH = 140;
export const SPARKLINE_HEIGHT = 26;

const COLOURS = {
  steady_leak: { line: '#b3261e', fill: '#f4c7c3' },
  bounded: { line: '#8a6d00', fill: '#f1e3a6' },
  retained_once: { line: '#2f6db5', fill: '#c9daf0' },
  transient: { line: '#777', fill: '#e3e3e3' },
} as const;

export function leakSparklineChart(index: number, site: LeaksSite, growth: LeaksResult['growth']): ChartSpec {
  const values = site.growth.liveBytes.map((v, k) => ({ k, v }));
  const colour = COLOURS[site.growth.class];
  const x = { field: 'k', type: 'quantitative', axis: null, scale: { domain: [0, Math.max(1, values.length - 1)], nice: false } };
  const line = {
    mark: { type: 'area', line: { color: colour.line, strokeWidth: 1 }, color: colour.fill },
    encoding: { x, y: { field: 'v', type: 'quantitative', axis: null, scale: { zero: true } } },
  };
  const warmup = growth.firstSteadySample;
  const layers =
    warmup > 0
      ? [line, { data: { values: [{ k: warmup }] }, mark: { type: 'rule', color: '#999', strokeDash: [2, 2], strokeWidth: 1 }, encoding: { x } }]
      : [line];
  return {
    name: `leak-growth-${index + 1}`,
    title: `Growth of site ${index + 1}`,
    spec: vegaLiteSpec('Live bytes of this site at every growth sample; the dashed rule is the end of the warm-up.', {
      width: SPARKLINE_WIDTH,
      height: SPARKLINE_HEIGHT,
      padding: 1,
      config: { ...CHART_CONFIG, view: { stroke: null } },
      data: { values },
      layer: layers,
    }),
  };
}
