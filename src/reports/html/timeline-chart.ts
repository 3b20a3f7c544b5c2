// The timeline: live bytes, pools and arenas over the whole trace, one panel
// each on a shared event axis. Each bucket of events is drawn as a band from
// its minimum to its maximum (so a peak inside a bucket still shows) with the
// value at the bucket's end as the line; the high-water marks are pinned with
// their value, and the trace's marks are labelled vertical rules (or, when
// there are too many to read, a short tick each).

import type { AnalyzeResult } from '../../analyzers/analyze.js';
import type { Timeline, TimelineMetric } from '../../analyzers/report-data.js';
import type { HighWaterMetric } from '../../replay/high-water.js';
import { bytes, thousands } from '../units.js';
import { BYTES_LABEL, COUNT_LABEL, FULL_WIDTH, vegaLiteSpec } from './chart-theme.js';
import { clip } from './escape.js';
import type { ChartSpec } from './render-chart.js';

/** More marks than this are drawn as ticks without labels (labels would overlap). */
export const MAX_LABELLED_MARKS = 30;
/** Mark labels are cut to this many characters on the chart (the marks table has them in full). */
const MARK_LABEL_CHARS = 24;

interface Series {
  readonly metric: TimelineMetric;
  readonly label: string;
  readonly colour: string;
  /** The high-water mark of this quantity, when analyze tracks one. */
  readonly peak?: HighWaterMetric;
}

interface Panel {
  readonly title: string;
  readonly unit: 'bytes' | 'count';
  readonly height: number;
  readonly series: readonly Series[];
}

const PANELS: readonly Panel[] = [
  {
    title: 'bytes',
    unit: 'bytes',
    height: 220,
    series: [
      { metric: 'footprintBytes', label: 'footprint (arenas + C library)', colour: '#d62728', peak: 'footprint_bytes' },
      { metric: 'arenaBytes', label: 'arena bytes', colour: '#ff7f0e' },
      { metric: 'allocatedBlockBytes', label: 'pymalloc blocks in use', colour: '#2f6db5', peak: 'block_bytes' },
      { metric: 'liveRequestedBytes', label: 'live requested bytes', colour: '#2ca02c', peak: 'live_requested_bytes' },
    ],
  },
  {
    title: 'pools',
    unit: 'count',
    height: 130,
    series: [
      { metric: 'poolsInUse', label: 'pools in use', colour: '#2f6db5', peak: 'pools_in_use' },
      { metric: 'unusedPools', label: 'unused pools', colour: '#e4572e' },
    ],
  },
  {
    title: 'arenas',
    unit: 'count',
    height: 110,
    series: [{ metric: 'arenas', label: 'arenas', colour: '#ff7f0e', peak: 'arenas' }],
  },
];

export function timelineChart(timeline: Timeline, analyze: AnalyzeResult): ChartSpec {
  const lastEvent = Math.max(1, analyze.events.total);
  const labelled = timeline.marks.length <= MAX_LABELLED_MARKS;
  const marks = timeline.marks.map((m, i) => ({ e: m.event, n: i + 1, label: labelled ? clip(m.mark ?? '', MARK_LABEL_CHARS) : '' }));
  return {
    name: 'timeline',
    title: 'Live bytes, pools and arenas over the trace',
    spec: vegaLiteSpec('Timeline of live bytes, pools and arenas, with high-water marks and the trace marks.', {
      vconcat: PANELS.map((p, i) => panelSpec(p, timeline, analyze, marks, lastEvent, i === 0)),
      spacing: 14,
      resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    }),
  };
}

function panelSpec(
  panel: Panel,
  timeline: Timeline,
  analyze: AnalyzeResult,
  marks: { e: number; n: number; label: string }[],
  lastEvent: number,
  firstPanel: boolean,
) {
  const rows = [];
  for (const b of timeline.buckets) {
    for (const s of panel.series) rows.push({ e: b.event, s: s.label, v: b.at[s.metric], lo: b.min[s.metric], hi: b.max[s.metric] });
  }
  const peaks = panel.series
    .filter((s) => s.peak !== undefined && analyze.highWater[s.peak].event > 0)
    .map((s) => {
      const p = analyze.highWater[s.peak!];
      const value = panel.unit === 'bytes' ? bytes(p.value) : thousands(p.value);
      return { e: p.event, v: p.value, s: s.label, text: `peak ${value}` };
    });
  const x = {
    field: 'e',
    type: 'quantitative' as const,
    title: 'event',
    scale: { domain: [0, lastEvent], nice: false },
    axis: { labelExpr: COUNT_LABEL, tickMinStep: 1 },
  };
  const y = { type: 'quantitative' as const, title: panel.title, axis: { labelExpr: panel.unit === 'bytes' ? BYTES_LABEL : COUNT_LABEL } };
  const colour = {
    field: 's',
    type: 'nominal' as const,
    title: null,
    scale: { domain: panel.series.map((s) => s.label), range: panel.series.map((s) => s.colour) },
  };
  const layers: object[] = [
    {
      mark: { type: 'area', opacity: 0.18, interpolate: 'linear' },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: colour },
    },
    {
      mark: { type: 'line', strokeWidth: 1.4, interpolate: 'linear' },
      encoding: { x, y: { ...y, field: 'v' }, color: colour },
    },
  ];
  if (marks.length > 0 && marks.length <= MAX_LABELLED_MARKS) {
    layers.push({
      data: { values: marks },
      mark: { type: 'rule', color: '#999', strokeDash: [3, 3], strokeWidth: 1 },
      encoding: { x },
    });
    if (firstPanel) {
      layers.push({
        data: { values: marks },
        mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -3, dy: -2, fontSize: 9, color: '#555' },
        encoding: { x, y: { value: 0 }, text: { field: 'label' } },
      });
    }
  } else if (marks.length > 0 && firstPanel) {
    // Many marks: a short tick each at the top of the first panel (a rule
    // through every panel would be thousands of lines of SVG).
    layers.push({
      data: { values: marks },
      mark: { type: 'tick', orient: 'vertical', color: '#999', size: 8, thickness: 1 },
      encoding: { x, y: { value: 4 } },
    });
  }
  if (peaks.length > 0) {
    layers.push({
      data: { values: peaks },
      mark: { type: 'point', filled: true, size: 40, stroke: 'white', strokeWidth: 1 },
      encoding: { x, y: { ...y, field: 'v' }, color: colour },
    });
    // One label layer per peak, each a line higher: the peaks of one panel
    // are often at nearly the same instant and their labels would overlap.
    for (const [k, peak] of peaks.entries()) {
      layers.push({
        data: { values: [peak] },
        mark: { type: 'text', align: 'left', dx: 5, dy: -6 - 12 * k, fontSize: 10, fontWeight: 'bold' },
        encoding: { x, y: { ...y, field: 'v' }, text: { field: 'text' }, color: colour },
      });
    }
  }
  return {
    width: FULL_WIDTH,
    height: panel.height,
    data: { values: rows },
    layer: layers,
  };
}
