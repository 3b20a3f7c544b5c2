// Where the arena bytes go: the split of sys._debugmallocstats() (blocks in
// use, free blocks in used pools, unused pools, quantization, pool headers,
// arena alignment), over the whole trace as stacked areas, and at chosen
// instants as stacked bars. Together they answer "my objects need X, why do
// the arenas hold Y".

import type { FragmentationSummary } from '../../analyzers/fragmentation.js';
import type { Timeline } from '../../analyzers/report-data.js';
import { visiblePoints } from './visible-points.js';
import { byteAxis } from './axis-ticks.js';
import { FULL_WIDTH, SPLIT_COLOURS, vegaLiteSpec } from './chart-theme.js';
import type { ChartSpec } from './render-chart.js';
import { traceAxisOf } from './time-axis.js';

type SplitPart = keyof typeof SPLIT_COLOURS;

export const SPLIT_PARTS: readonly { readonly part: SplitPart; readonly label: string }[] = [
  { part: 'allocatedBlockBytes', label: 'blocks in use' },
  { part: 'availableBlockBytes', label: 'free blocks in used pools' },
  { part: 'unusedPoolBytes', label: 'unused pools' },
  { part: 'quantizationBytes', label: 'quantization' },
  { part: 'poolHeaderBytes', label: 'pool headers' },
  { part: 'arenaAlignmentBytes', label: 'arena alignment' },
];

const colour = {
  field: 'part',
  type: 'nominal' as const,
  title: null,
  scale: { domain: SPLIT_PARTS.map((p) => p.label), range: SPLIT_PARTS.map((p) => SPLIT_COLOURS[p.part]) },
  sort: SPLIT_PARTS.map((p) => p.label),
};
const order = { field: 'k', type: 'quantitative' as const };

/** The six parts of the arena bytes at the end of each timeline bucket, stacked. */
export function arenaSplitTimelineChart(timeline: Timeline, lastEvent: number): ChartSpec {
  const rows = [];
  let maxBytes = 0;
  // Seconds when the trace has timestamps, else events (time-axis.ts).
  const axis = traceAxisOf(timeline);
  const xs = axis.positions(timeline.buckets);
  for (const b of timeline.buckets) maxBytes = Math.max(maxBytes, b.at.arenaBytes);
  // Only the buckets the plot's pixels can show (visible-points.ts): every
  // stacked edge within a quarter pixel without them. The y axis reaches at
  // least maxBytes, so its pixels are no larger than these.
  const pixelsPerByte = maxBytes === 0 ? 0 : 200 / maxBytes;
  const edges = SPLIT_PARTS.map((_, k) => (i: number): number => {
    let sum = 0;
    for (let j = 0; j <= k; j++) sum += timeline.buckets[i]!.at[SPLIT_PARTS[j]!.part];
    return sum * pixelsPerByte;
  });
  const shown = visiblePoints(
    timeline.buckets.map((_, i) => i),
    (i) => xs[i]!,
    edges,
    () => false,
  );
  for (const i of shown) {
    const b = timeline.buckets[i]!;
    for (const [k, p] of SPLIT_PARTS.entries()) rows.push({ e: xs[i]!, part: p.label, k, v: b.at[p.part] });
  }
  const last = axis.seconds ? Math.max(xs.at(-1) ?? 0, 1e-9) : Math.max(1, lastEvent);
  return {
    name: 'arena-split-timeline',
    title: 'Arena bytes by use over the trace',
    spec: vegaLiteSpec('How the bytes of the pymalloc arenas were used over the trace, stacked.', {
      width: FULL_WIDTH,
      height: 200,
      data: { values: rows },
      mark: { type: 'area', interpolate: 'linear' },
      encoding: {
        x: { field: 'e', type: 'quantitative', title: axis.title, scale: { domain: [axis.origin, last], nice: false }, axis: { labelExpr: axis.labelExpr, ...(axis.seconds ? {} : { tickMinStep: 1 }) } },
        y: { field: 'v', type: 'quantitative', stack: 'zero', title: 'arena bytes', ...byteAxis(maxBytes, 200) },
        color: colour,
        order,
      },
    }),
  };
}

export interface SplitRow {
  /** Our words for the instant ("arena high-water mark", "end", "CPython 3.8 at its arena peak"). */
  readonly label: string;
  readonly split: FragmentationSummary;
}

/** One stacked bar per instant (or per version). */
export function arenaSplitBarsChart(name: string, title: string, rows: readonly SplitRow[]): ChartSpec {
  const values = [];
  const width = FULL_WIDTH - 240;
  const maxBytes = Math.max(0, ...rows.map((r) => r.split.arenaBytes));
  for (const [r, row] of rows.entries()) {
    for (const [k, p] of SPLIT_PARTS.entries()) values.push({ row: row.label, r, part: p.label, k, v: row.split[p.part] });
  }
  return {
    name,
    title,
    spec: vegaLiteSpec('The split of the pymalloc arena bytes at chosen instants, stacked.', {
      width,
      height: { step: 26 },
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'row', type: 'nominal', title: null, sort: rows.map((r) => r.label), axis: { labelLimit: 240 } },
        x: { field: 'v', type: 'quantitative', stack: 'zero', title: 'arena bytes', ...byteAxis(maxBytes, width / 3) },
        color: colour,
        order,
      },
    }),
  };
}
