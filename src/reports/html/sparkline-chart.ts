// A leak site's growth as a sparkline: the bytes of its blocks still live at
// the end, by when they were allocated (cumulative). A steady ramp is a leak
// that grows with the run; a step is a cache filled once.

import type { LeakSite } from '../../analyzers/report-data.js';
import { CHART_CONFIG, vegaLiteSpec } from './chart-theme.js';
import type { ChartSpec } from './render-chart.js';

export const SPARKLINE_WIDTH = 140;
export const SPARKLINE_HEIGHT = 26;

export function leakSparklineChart(index: number, site: LeakSite, growthEvents: readonly number[], lastEvent: number): ChartSpec {
  const values = [{ e: 0, v: 0 }, ...growthEvents.map((e, k) => ({ e, v: site.growthBytes[k] ?? 0 }))];
  return {
    name: `leak-growth-${index + 1}`,
    title: `Growth of leak site ${index + 1}`,
    spec: vegaLiteSpec('Requested bytes of the blocks of this site live at the end, by the event that allocated them (cumulative).', {
      width: SPARKLINE_WIDTH,
      height: SPARKLINE_HEIGHT,
      padding: 1,
      config: { ...CHART_CONFIG, view: { stroke: null } },
      data: { values },
      mark: { type: 'area', interpolate: 'step-after', line: { color: '#b3261e', strokeWidth: 1 }, color: '#f4c7c3' },
      encoding: {
        x: { field: 'e', type: 'quantitative', axis: null, scale: { domain: [0, Math.max(1, lastEvent)], nice: false } },
        y: { field: 'v', type: 'quantitative', axis: null, scale: { zero: true } },
      },
    }),
  };
}
