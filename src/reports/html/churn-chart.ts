// The requested-size histogram of allocation churn: allocations per pymalloc
// size class a request rounds to (blue), then per power-of-two size of what
// the C library served (orange), in size order, so the sizes a program asks
// for most stand out, and which block size each ends in.

import type { ChurnResult } from '../../analyzers/churn.js';
import { sizeBucketShort } from '../churn-text.js';
import { COUNT_LABEL, FULL_WIDTH, vegaLiteSpec } from './chart-theme.js';
import type { ChartSpec } from './render-chart.js';

export function churnSizeChart(name: string, title: string, churn: ChurnResult): ChartSpec {
  const values = churn.sizes.map((b, i) => ({
    order: i,
    bucket: sizeBucketShort(b),
    served: b.sizeClass === null ? 'C library' : 'pymalloc',
    allocations: b.allocations,
  }));
  return {
    name,
    title,
    spec: vegaLiteSpec('Allocations by requested size: per pymalloc size class, then per power-of-two size for what the C library served.', {
      width: FULL_WIDTH,
      height: 160,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'bucket', type: 'ordinal', title: 'pymalloc: the block size requests round to; C library: the requested size', sort: { field: 'order' }, axis: { labelAngle: -90, labelLimit: 120, labelOverlap: 'greedy', labelBaseline: 'middle' } },
        y: { field: 'allocations', type: 'quantitative', title: 'allocations', axis: { labelExpr: COUNT_LABEL } },
        color: { field: 'served', type: 'nominal', title: null, scale: { domain: ['pymalloc', 'C library'], range: ['#2f6db5', '#f2a541'] } },
      },
    }),
  };
}
