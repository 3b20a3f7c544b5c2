// Size-class occupancy at one instant: for each size class with pools in
// use, the blocks those pools can hold (light) against the blocks in use
// (dark). A class whose light bar towers over its dark one holds memory in
// half-empty pools.

import type { SizeClassOccupancyAt } from '../../analyzers/report-data.js';
import { COUNT_LABEL, FULL_WIDTH, vegaLiteSpec } from './chart-theme.js';
import type { ChartSpec } from './render-chart.js';

export function sizeClassChart(name: string, title: string, at: SizeClassOccupancyAt): ChartSpec {
  const values = at.classes.map((c) => ({
    size: c.blockSizeBytes,
    inUse: c.blocksInUse,
    capacity: c.blockCapacity,
    pct: Math.round(c.utilisation * 100),
  }));
  const x = {
    field: 'size',
    type: 'ordinal' as const,
    title: 'block size (bytes)',
    sort: 'ascending' as const,
    axis: { labelAngle: 0, labelOverlap: true },
  };
  return {
    name,
    title,
    spec: vegaLiteSpec('Blocks in use against block capacity of the pools in use, per pymalloc size class.', {
      width: FULL_WIDTH,
      height: 160,
      data: { values },
      layer: [
        {
          mark: { type: 'bar', color: '#c9d7ea' },
          encoding: { x, y: { field: 'capacity', type: 'quantitative', title: 'blocks', axis: { labelExpr: COUNT_LABEL } } },
        },
        {
          mark: { type: 'bar', color: '#2f6db5', width: { band: 0.55 } },
          encoding: { x, y: { field: 'inUse', type: 'quantitative' } },
        },
      ],
    }),
  };
}
