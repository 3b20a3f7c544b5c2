// The timeline: live bytes, pools and arenas over the whole trace, one panel
// each on a shared axis (seconds when the trace has timestamps, else events:
// time-axis.ts), under a strip naming the trace's marks.
//
// Each bucket of events is a point at its last event: the line goes through
// the buckets' maxima (so a peak is always on the line, never above it) and
// a band reaches down to their minima. The high-water marks are dots on
// those lines, at the end of the bucket that holds them, with their value beside them, placed where they touch no other
// label and, where there is room, no line (timeline-layout.ts). The marks are
// dashed rules through every panel; marks a few pixels apart become one
// shaded group ("13 marks: iteration 1–12, stats"). Their labels are written
// horizontally in the strip above the panels, in as many rows as they need.
// The y axes are ticked at round numbers of the unit they print in
// (axis-ticks.ts).

import type { AnalyzeResult } from '../../analyzers/analyze.js';
import type { Timeline, TimelineBucket, TimelineMetric, TimelineWindow } from '../../analyzers/report-data.js';
import type { HighWaterMetric } from '../../events/high-water-metrics.js';
import { visiblePoints } from './visible-points.js';
import { bytes, thousands } from '../../text/units.js';
import { byteTicks, countTicks, maxTicksFor, type AxisTicks } from './axis-ticks.js';
import { FULL_WIDTH, vegaLiteSpec } from './chart-theme.js';
import { clip } from './escape.js';
import type { ChartSpec } from './render-chart.js';
import { traceAxisOf, type TraceAxis } from './time-axis.js';
import {
  fromPixel,
  groupMarks,
  placePeakLabels,
  placeStripLabels,
  summarizeMarkLabels,
  toPixel,
  type Axis,
  type MarkGroup,
  type SeriesPixels,
} from './timeline-layout.js';

/** Mark labels are cut to this many characters on the chart (the marks table has them in full). */
const MARK_LABEL_CHARS = 24;
/** Rows of mark labels in the strip; labels that fit in none are left to the marks table. */
const STRIP_ROWS = 3;
const STRIP_ROW_PX = 13;
const STRIP_TICK_PX = 6;
const MARK_FONT = 10;
const PEAK_FONT = 10;
/** A group of marks is shaded in the panels unless it spans more of the axis than this (it would shade everything). */
const MAX_SHADED_GROUP = 0.25;
const MARK_COLOUR = '#8a8a8a';

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
  /** The y axis starts at 0 (the whole timeline), or just below the values shown (a close look at a stretch). */
  readonly zero?: false;
}

export const TIMELINE_PANELS: readonly Panel[] = [
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

/** The close look at a stretch: one small panel per quantity, each on its own scale, so a creep of a few KiB shows. */
export const WINDOW_PANELS: readonly Panel[] = [
  { title: 'live requested bytes', unit: 'bytes', height: 72, zero: false, series: [{ metric: 'liveRequestedBytes', label: 'live requested bytes', colour: '#2ca02c', peak: 'live_requested_bytes' }] },
  { title: 'pymalloc blocks in use', unit: 'bytes', height: 72, zero: false, series: [{ metric: 'allocatedBlockBytes', label: 'pymalloc blocks in use', colour: '#2f6db5', peak: 'block_bytes' }] },
  { title: 'pools in use', unit: 'count', height: 72, zero: false, series: [{ metric: 'poolsInUse', label: 'pools in use', colour: '#6a51a3', peak: 'pools_in_use' }] },
  { title: 'footprint (arenas + C library)', unit: 'bytes', height: 72, zero: false, series: [{ metric: 'footprintBytes', label: 'footprint (arenas + C library)', colour: '#d62728', peak: 'footprint_bytes' }] },
];

/** A mark as the chart sees it: its event, its number in the marks table and its label, cut short. */
interface ChartMark {
  readonly e: number;
  readonly n: number;
  readonly label: string;
}

/** A high-water mark to pin: drawn at `e`, the end of the bucket holding it. */
interface Peak {
  readonly e: number;
  readonly v: number;
  readonly s: string;
  readonly text: string;
}

/** The marks of events `from` to `to`, placed on the axis. */
function chartMarks(timeline: Timeline, axis: TraceAxis, from = 0, to = Infinity): ChartMark[] {
  const shown = timeline.marks.map((m, i) => ({ m, n: i + 1 })).filter(({ m }) => m.event >= from && m.event <= to);
  const xs = axis.positions(shown.map(({ m }) => m));
  return shown.map(({ m, n }, i) => ({ e: xs[i]!, n, label: clip(m.mark ?? '', MARK_LABEL_CHARS) }));
}

/** Buckets as the panels draw them: at their place on the axis (`event` is x; `firstEvent` the previous bucket's x). */
function placedBuckets(buckets: readonly TimelineBucket[], axis: TraceAxis): TimelineBucket[] {
  if (!axis.seconds) return buckets.slice();
  const xs = axis.positions(buckets);
  return buckets.map((b, k) => ({ ...b, event: xs[k]!, firstEvent: k === 0 ? xs[0]! : xs[k - 1]! }));
}

function peaksOf(panel: Panel, buckets: readonly TimelineBucket[], placed: readonly TimelineBucket[], analyze: AnalyzeResult, from: number, to: number): Peak[] {
  return panel.series
    .filter((s) => s.peak !== undefined && analyze.highWater[s.peak].event >= from && analyze.highWater[s.peak].event <= to && analyze.highWater[s.peak].event > 0)
    .map((s) => {
      const p = analyze.highWater[s.peak!];
      // Drawn at the end of its bucket, where the line takes the bucket's maximum: the peak.
      return { e: placed[bucketIndex(buckets, p.event)]?.event ?? p.event, v: p.value, s: s.label, text: `peak ${panel.unit === 'bytes' ? bytes(p.value) : thousands(p.value)}` };
    });
}

export function timelineChart(timeline: Timeline, analyze: AnalyzeResult): ChartSpec {
  const axis = traceAxisOf(timeline);
  const placed = placedBuckets(timeline.buckets, axis);
  const last = axis.seconds ? Math.max(placed.at(-1)!.event, 1e-9) : Math.max(1, analyze.events.total);
  const x: Axis = { domain: [axis.origin, last], pixels: FULL_WIDTH };
  const marks = chartMarks(timeline, axis);
  const groups = groupMarks(
    marks.map((m) => m.e),
    x,
  );
  const panels = TIMELINE_PANELS.map((p, i) =>
    panelSpec(p, placed, peaksOf(p, timeline.buckets, placed, analyze, 0, analyze.events.total), x, groups, { lastPanel: i === TIMELINE_PANELS.length - 1, legend: true, axis }),
  );
  return stackedChart(
    'timeline',
    'Live bytes, pools and arenas over the trace',
    'Timeline of live bytes, pools and arenas, with high-water marks and the trace marks.',
    { marks, groups, x, panels, spacing: 10 },
  );
}

/**
 * The stretch where the marks crowd together, sampled finely: small panels
 * on their own scales under the same strip of mark labels, now far enough
 * apart to read.
 */
export function timelineWindowChart(window: TimelineWindow, timeline: Timeline, analyze: AnalyzeResult): ChartSpec {
  const axis = traceAxisOf(timeline, window.buckets, "format(datum.value, ',')");
  const placed = placedBuckets(window.buckets, axis);
  const x: Axis = axis.seconds
    ? { domain: [placed[0]!.event, Math.max(placed.at(-1)!.event, placed[0]!.event + 1e-9)], pixels: FULL_WIDTH }
    : { domain: [window.firstEvent, Math.max(window.lastEvent, window.firstEvent + 1)], pixels: FULL_WIDTH };
  const marks = chartMarks(timeline, axis, window.firstEvent, window.lastEvent);
  const groups = groupMarks(
    marks.map((m) => m.e),
    x,
  );
  const panels = WINDOW_PANELS.map((p, i) =>
    panelSpec(p, placed, peaksOf(p, window.buckets, placed, analyze, window.firstEvent, window.lastEvent), x, groups, {
      lastPanel: i === WINDOW_PANELS.length - 1,
      legend: false,
      ...(marks.length > 1 ? { fitEvents: [marks[0]!.e, marks.at(-1)!.e] as const } : {}),
      axis,
    }),
  );
  return stackedChart(
    'timeline-marks',
    'The stretch where the marks crowd together, close up',
    'Close-up of the stretch of the trace holding most of its marks: live bytes, blocks in use, pools in use and footprint, each on its own scale.',
    { marks, groups, x, panels, spacing: 6 },
  );
}

/** Panels stacked under the strip of mark labels (when there are marks), each with its own colours and legend. */
function stackedChart(
  name: string,
  title: string,
  description: string,
  stack: { marks: readonly ChartMark[]; groups: readonly MarkGroup[]; x: Axis; panels: readonly object[]; spacing: number },
): ChartSpec {
  const { marks, groups, x, panels, spacing } = stack;
  return {
    name,
    title,
    spec: vegaLiteSpec(description, {
      vconcat: marks.length > 0 ? [markStripSpec(marks, groups, x), ...panels] : [...panels],
      spacing,
      resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    }),
  };
}

function xEncoding(x: Axis, axis: object | null) {
  return { field: 'e', type: 'quantitative' as const, title: null, scale: { domain: [...x.domain], nice: false, zero: false }, axis };
}

/**
 * The strip above the panels: a tick per mark (all of them, up to the
 * analyzer's cap) and the labels of the mark groups, in rows.
 */
function markStripSpec(marks: readonly ChartMark[], groups: readonly MarkGroup[], x: Axis) {
  const labels = placeStripLabels(
    groups.map((g) => ({
      x: toPixel(x, g.e0),
      text: g.first === g.last ? marks[g.first]!.label : summarizeMarkLabels(marks.slice(g.first, g.last + 1).map((m) => m.label)),
      short: g.first === g.last ? `#${marks[g.first]!.n}` : `#${marks[g.first]!.n}–${marks[g.last]!.n}`,
    })),
    x.pixels,
    STRIP_ROWS,
    MARK_FONT,
  );
  const rows = Math.max(1, ...labels.map((l) => l.row + 1));
  const height = rows * STRIP_ROW_PX + STRIP_TICK_PX + 2;
  const xe = xEncoding(x, null);
  const y = { field: 'y', type: 'quantitative' as const, scale: { domain: [0, height], nice: false }, axis: null };
  const layers: object[] = [
    {
      data: { values: groups.filter((g) => g.first !== g.last).map((g) => widened(g, x, 0)) },
      mark: { type: 'rect', color: '#e3e3e3' },
      encoding: { x: xe, x2: { field: 'e2' }, y: { value: height - STRIP_TICK_PX }, y2: { value: height } },
    },
    {
      data: { values: marks.map((m) => ({ e: m.e })) },
      mark: { type: 'rule', color: MARK_COLOUR, strokeWidth: 1 },
      encoding: { x: xe, y: { value: height - STRIP_TICK_PX }, y2: { value: height } },
    },
    {
      data: { values: labels.map((l) => ({ e: fromPixel(x, l.x), y: STRIP_TICK_PX + 2 + STRIP_ROW_PX * (l.row + 0.5), t: l.text })) },
      mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: MARK_FONT, color: '#444' },
      encoding: { x: xe, y, text: { field: 't' } },
    },
  ];
  return { width: x.pixels, height, view: { stroke: null }, layer: layers };
}

/** A group's span as data, at least `minPx` wide (centred on it). */
function widened(g: MarkGroup, x: Axis, minPx: number): { e: number; e2: number } {
  const p0 = toPixel(x, g.e0);
  const p1 = toPixel(x, g.e1);
  if (p1 - p0 >= minPx) return { e: g.e0, e2: g.e1 };
  const mid = (p0 + p1) / 2;
  return { e: fromPixel(x, mid - minPx / 2), e2: fromPixel(x, mid + minPx / 2) };
}

interface PanelOptions {
  /** The bottom panel: the only one whose x axis is titled. */
  readonly lastPanel: boolean;
  /** A legend above the panel (several series), or the series named in the panel's title. */
  readonly legend: boolean;
  /**
   * Fit the y axis to the values of these events only (the stretch between
   * the first and last mark); lines leaving that range are cut at the plot's
   * edge. Without it, the axis covers every value.
   */
  readonly fitEvents?: readonly [number, number];
  /** What x is (seconds or events), its title and tick labels. */
  readonly axis: TraceAxis;
}

function panelSpec(panel: Panel, buckets: readonly TimelineBucket[], peaks: readonly Peak[], x: Axis, groups: readonly MarkGroup[], options: PanelOptions) {
  const { lastPanel } = options;
  const perSeries: { e: number; s: string; lo: number; hi: number }[][] = [];
  let top = 0;
  let bottom = Infinity;
  const [fit0, fit1] = options.fitEvents ?? [-Infinity, Infinity];
  for (const s of panel.series) {
    const rows: { e: number; s: string; lo: number; hi: number }[] = [];
    perSeries.push(rows);
    for (const b of buckets) {
      rows.push({ e: b.event, s: s.label, lo: b.min[s.metric], hi: b.max[s.metric] });
      if (b.event < fit0 || b.firstEvent > fit1) continue;
      top = Math.max(top, b.max[s.metric]);
      bottom = Math.min(bottom, b.min[s.metric]);
    }
  }
  for (const p of peaks) top = Math.max(top, p.v);
  const zero = panel.zero ?? true;
  const tickOptions = { maxTicks: maxTicksFor(panel.height), headroom: zero ? 0.08 : 0.3, zero };
  const low = zero || bottom === Infinity ? 0 : bottom;
  const ticks: AxisTicks = panel.unit === 'bytes' ? byteTicks(low, top, tickOptions) : countTicks(low, top, tickOptions);
  const yAxis: Axis = { domain: [ticks.min, ticks.max], pixels: panel.height, upwards: true };
  // Only the points the plot's pixels can show (visible-points.ts); the peaks' own points always.
  const peakPoints = new Set(peaks.map((p) => `${p.s}\u0000${p.e}`));
  const rows = perSeries.flatMap((series) =>
    visiblePoints(
      series,
      (r) => toPixel(x, r.e),
      [(r) => toPixel(yAxis, r.lo), (r) => toPixel(yAxis, r.hi)],
      (r) => peakPoints.has(`${r.s}\u0000${r.e}`),
    ),
  );

  // Small stacked panels share the bottom one's event labels.
  const xe = xEncoding(
    x,
    lastPanel || options.legend
      ? { labelExpr: options.axis.labelExpr, ...(options.axis.seconds ? {} : { tickMinStep: 1 }), title: lastPanel ? options.axis.title : null }
      : { labels: false, ticks: false, title: null },
  );
  const clip = options.fitEvents === undefined ? {} : { clip: true };
  const y = { type: 'quantitative' as const, title: options.legend ? panel.title : null, scale: { domain: [ticks.min, ticks.max], nice: false, zero: false }, axis: { values: ticks.values, labelExpr: ticks.labelExpr } };
  const colour = {
    field: 's',
    type: 'nominal' as const,
    title: null,
    scale: { domain: panel.series.map((s) => s.label), range: panel.series.map((s) => s.colour) },
    // A short line in the series' colour, as the series is drawn (not the pale band).
    legend: options.legend ? { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1, symbolSize: 180 } : null,
  };

  const layers: object[] = [];
  const shaded = groups.filter((g) => g.first !== g.last && toPixel(x, g.e1) - toPixel(x, g.e0) <= MAX_SHADED_GROUP * x.pixels);
  if (shaded.length > 0) {
    layers.push({ data: { values: shaded.map((g) => widened(g, x, 3)) }, mark: { type: 'rect', color: '#d9d9d9', opacity: 0.55 }, encoding: { x: xe, x2: { field: 'e2' } } });
  }
  const singles = groups.filter((g) => g.first === g.last);
  if (singles.length > 0) {
    layers.push({
      data: { values: singles.map((g) => ({ e: g.e0 })) },
      mark: { type: 'rule', color: MARK_COLOUR, strokeDash: [3, 3], strokeWidth: 1 },
      encoding: { x: xe },
    });
  }
  layers.push(
    {
      mark: { type: 'area', opacity: 0.25, interpolate: 'linear', ...clip },
      encoding: { x: xe, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: colour },
    },
    {
      mark: { type: 'line', strokeWidth: 1.5, interpolate: 'linear', ...clip },
      encoding: { x: xe, y: { ...y, field: 'hi' }, color: colour },
    },
  );

  if (peaks.length > 0) {
    const placed = placePeakLabels(
      peaks.map((p) => ({ x: toPixel(x, p.e), y: toPixel(yAxis, p.v), text: p.text })),
      panel.series.map((s) => seriesPixels(buckets, s.metric, x, yAxis)),
      x.pixels,
      panel.height,
      PEAK_FONT,
    );
    const labels = peaks.flatMap((p, i) => {
      const l = placed[i];
      return l === null || l === undefined ? [] : [{ ...p, lx: fromPixel(x, l.cx), ly: fromPixel(yAxis, l.cy), leader: l.leader }];
    });
    const leaders = labels.flatMap((l) => (l.leader === null ? [] : [{ e: l.e, v: l.v, e2: fromPixel(x, l.leader.x), v2: fromPixel(yAxis, l.leader.y), s: l.s }]));
    if (leaders.length > 0) {
      layers.push({
        data: { values: leaders },
        mark: { type: 'rule', strokeWidth: 1 },
        encoding: { x: xe, y: { ...y, field: 'v' }, x2: { field: 'e2' }, y2: { field: 'v2' }, color: colour },
      });
    }
    layers.push({
      data: { values: peaks },
      mark: { type: 'point', filled: true, size: 40, stroke: 'white', strokeWidth: 1, opacity: 1 },
      encoding: { x: xe, y: { ...y, field: 'v' }, color: colour },
    });
    if (labels.length > 0) {
      layers.push({
        data: { values: labels.map((l) => ({ e: l.lx, v: l.ly, s: l.s, text: l.text })) },
        mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: PEAK_FONT, fontWeight: 'bold' },
        encoding: { x: xe, y: { ...y, field: 'v' }, text: { field: 'text' }, color: colour },
      });
    }
  }
  const title = options.legend ? {} : { title: { text: panel.title, color: panel.series[0]!.colour, fontSize: 11, fontWeight: 'bold', anchor: 'start', offset: 3 } };
  return { ...title, width: x.pixels, height: panel.height, data: { values: rows }, layer: layers };
}

/**
 * A series in plot pixels, for placing labels clear of it: each bucket's
 * maximum and minimum, over the span from the previous bucket's end to the
 * next one's (the line reaches it from both sides).
 */
function seriesPixels(buckets: readonly TimelineBucket[], metric: TimelineMetric, x: Axis, y: Axis): SeriesPixels {
  const n = buckets.length;
  const s = { x0: new Float64Array(n), x1: new Float64Array(n), yHi: new Float64Array(n), yLo: new Float64Array(n) };
  buckets.forEach((b, k) => {
    s.x0[k] = toPixel(x, buckets[Math.max(0, k - 1)]!.event);
    s.x1[k] = toPixel(x, buckets[Math.min(n - 1, k + 1)]!.event);
    s.yHi[k] = toPixel(y, b.max[metric]);
    s.yLo[k] = toPixel(y, b.min[metric]);
  });
  return s;
}

/** The index of the bucket holding `event` (buckets are in order and cover every event; 0 with none). */
function bucketIndex(buckets: readonly TimelineBucket[], event: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (buckets[mid]!.event < event) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
