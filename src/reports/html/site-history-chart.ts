// Per-site history: the live bytes of the top sites over the trace, one line
// each, on the timeline's x axis (seconds or events, time-axis.ts), with a
// dashed rule at every mark the timeline keeps. The points are the leak
// analysis's growth samples (analyzers/growth.ts): every site's live bytes,
// exact, at each mark (or equal window of events when the trace has no
// marks), thinned evenly to at most 64 — so no extra walk of the live set.

import type { LeaksSite } from '../../analyzers/leaks.js';
import type { ReportData } from '../../analyzers/report-data.js';
import { shortSiteName } from '../site-name.js';
import { byteAxis } from './axis-ticks.js';
import { FULL_WIDTH, vegaLiteSpec } from './chart-theme.js';
import type { ChartSpec } from './render-chart.js';
import { traceAxisOf } from './time-axis.js';

/** Lines drawn at most: more would not be told apart by colour. */
export const HISTORY_SITES = 8;
/** Marks drawn as rules at most (the timeline above draws them all). */
const MAX_RULES = 200;

/** The sites a history shows: those with the highest live bytes at any sample, heaviest first. */
export function historySites(d: ReportData): LeaksSite[] {
  const peak = (s: LeaksSite): number => Math.max(0, ...s.growth.liveBytes);
  return [...d.leaks.sites]
    .filter((s) => peak(s) > 0)
    .sort((a, b) => peak(b) - peak(a))
    .slice(0, HISTORY_SITES);
}

/** `1. handle (app.py:20)`: numbered, so two sites whose short names agree stay two lines. */
export function historyLabel(i: number, s: LeaksSite): string {
  return `${i + 1}. ${shortSiteName(s.key, 60)}`;
}

export function siteHistoryChart(d: ReportData): ChartSpec {
  const axis = traceAxisOf(d.timeline);
  const samples = d.leaks.growth.samples;
  const x = axis.positions(samples.map((s) => ({ event: s.event, ts: s.ts, line: 0, mark: s.mark })));
  const sites = historySites(d);
  const values = sites.flatMap((s, i) => samples.slice(0, s.growth.liveBytes.length).map((_, k) => ({ x: x[k]!, bytes: s.growth.liveBytes[k]!, site: historyLabel(i, s) })));
  const max = Math.max(1, ...values.map((v) => v.bytes));
  const marks = d.timeline.marks.slice(0, MAX_RULES);
  const markX = axis.positions(marks);
  const xEncoding = { field: 'x', type: 'quantitative', title: axis.title, axis: { labelExpr: axis.labelExpr }, scale: { zero: false, nice: false } };
  return {
    name: 'site-history',
    title: 'Live bytes of the top sites over the trace',
    spec: vegaLiteSpec('Live requested bytes of the top sites at every growth sample, on the timeline axis, with a dashed rule at each mark.', {
      width: FULL_WIDTH,
      height: 200,
      layer: [
        ...(marks.length === 0
          ? []
          : [{ data: { values: markX.map((m) => ({ x: m })) }, mark: { type: 'rule', color: '#bbb', strokeDash: [3, 3], strokeWidth: 1 }, encoding: { x: xEncoding } }]),
        {
          data: { values },
          mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
          encoding: {
            x: xEncoding,
            y: { field: 'bytes', type: 'quantitative', title: 'live requested bytes', ...byteAxis(max, 200) },
            // Sorted as text, which numbers 1-8 keep in rank order: trace text never goes into the spec itself.
            color: { field: 'site', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 420 } },
          },
        },
      ],
    }),
  };
}
