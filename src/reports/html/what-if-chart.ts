// What-if geometry: the same trace replayed under several CPython versions'
// pymalloc geometry (arena and pool sizes, size classes). One stacked bar per
// version: how its arena bytes split at its own arena high-water mark, with
// the version's peak footprint beside it as a tick.

import type { WhatIfVersion } from '../../analyzers/report-data.js';
import { byteAxis } from './axis-ticks.js';
import { FULL_WIDTH, SPLIT_COLOURS, vegaLiteSpec } from './chart-theme.js';
import { SPLIT_PARTS } from './fragmentation-chart.js';
import type { ChartSpec } from './render-chart.js';

export function whatIfChart(versions: readonly WhatIfVersion[]): ChartSpec {
  const label = (v: WhatIfVersion) => `CPython ${v.version}`;
  const bars = [];
  for (const v of versions) {
    if (v.arenaPeak === null) continue;
    for (const [k, p] of SPLIT_PARTS.entries()) bars.push({ version: label(v), part: p.label, k, v: v.arenaPeak[p.part] });
  }
  const ticks = versions.map((v) => ({ version: label(v), v: v.footprintPeak.value, what: 'peak footprint' }));
  const width = FULL_WIDTH - 200;
  // The stacked bars sum to each version's arena bytes at its arena peak; the ticks are its footprint peaks.
  const maxBytes = Math.max(0, ...versions.map((v) => Math.max(v.footprintPeak.value, v.arenaPeak?.arenaBytes ?? 0)));
  const y = { field: 'version', type: 'nominal' as const, title: null, sort: versions.map(label) };
  return {
    name: 'what-if',
    title: 'The trace under each version’s pymalloc geometry',
    spec: vegaLiteSpec('Arena bytes at each version’s arena high-water mark, split by use, and each version’s peak footprint.', {
      width,
      height: { step: 30 },
      layer: [
        {
          data: { values: bars },
          mark: { type: 'bar' },
          encoding: {
            y,
            x: { field: 'v', type: 'quantitative', stack: 'zero', title: 'bytes', ...byteAxis(maxBytes, width / 3) },
            color: {
              field: 'part',
              type: 'nominal',
              title: null,
              scale: { domain: SPLIT_PARTS.map((p) => p.label), range: SPLIT_PARTS.map((p) => SPLIT_COLOURS[p.part]) },
            },
            order: { field: 'k', type: 'quantitative' },
          },
        },
        {
          data: { values: ticks },
          mark: { type: 'tick', color: '#d62728', thickness: 3, size: 26 },
          encoding: { y, x: { field: 'v', type: 'quantitative' } },
        },
      ],
    }),
  };
}
