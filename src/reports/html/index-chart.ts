// The batch index's comparison chart: per trace, the peak footprint against
// the peak of live requested bytes, the gap being what the allocators held
// beyond what the program asked for.

import { byteAxis } from './axis-ticks.js';
import { FULL_WIDTH, vegaLiteSpec } from './chart-theme.js';
import { clip } from './escape.js';
import type { ChartSpec } from './render-chart.js';

export interface IndexChartRow {
  /** The trace's name as listed in the index (trace text: only ever a data value). */
  readonly name: string;
  readonly peakFootprintBytes: number;
  readonly peakLiveRequestedBytes: number;
}

const SERIES = ['peak footprint', 'peak live requested bytes'];

export function indexChart(rows: readonly IndexChartRow[]): ChartSpec {
  // Numbered, so two traces whose names clip alike still get rows of their own.
  // Sorted by data order, never by a list of names: vega-lite would write the
  // names into a vega expression, and trace text goes only into data values.
  const label = (i: number, r: IndexChartRow) => `${i + 1}. ${clip(r.name, 48)}`;
  const values = rows.flatMap((r, i) => [
    { trace: label(i, r), what: SERIES[0], v: r.peakFootprintBytes },
    { trace: label(i, r), what: SERIES[1], v: r.peakLiveRequestedBytes },
  ]);
  const width = FULL_WIDTH - 320;
  const maxBytes = Math.max(0, ...rows.flatMap((r) => [r.peakFootprintBytes, r.peakLiveRequestedBytes]));
  return {
    name: 'index',
    title: 'Peak footprint against peak live bytes, per trace',
    spec: vegaLiteSpec('Per trace: the peak footprint (arenas and C library) and the peak of the bytes the program asked for.', {
      width,
      height: { step: 12 },
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'trace', type: 'nominal', title: null, sort: null, axis: { labelLimit: 300 } },
        yOffset: { field: 'what', sort: SERIES },
        x: { field: 'v', type: 'quantitative', title: 'bytes', ...byteAxis(maxBytes, width / 3) },
        color: { field: 'what', type: 'nominal', title: null, sort: SERIES, scale: { domain: SERIES, range: ['#d62728', '#2ca02c'] } },
      },
    }),
  };
}
