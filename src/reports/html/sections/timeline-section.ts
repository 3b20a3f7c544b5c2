// The timeline chart, the high-water marks it pins, and the trace's marks
// with the state at each.

import { HIGH_WATER_METRICS } from '../../../events/high-water-metrics.js';
import { escapeHtml, traceText } from '../escape.js';
import { bytes, count, instantHtml, percent, thousands } from '../format.js';
import { htmlTable, para } from '../html-table.js';
import type { ReportData } from '../../../analyzers/report-data.js';
import type { ReportSection, SectionContext } from '../section.js';
import { timelineChart, timelineWindowChart } from '../timeline-chart.js';

/** Marks listed in the table (the chart shows up to the analyzer's cap). */
export const MAX_MARK_ROWS = 100;
const BYTE_METRICS = new Set(['live_requested_bytes', 'block_bytes', 'system_bytes', 'footprint_bytes']);

function windowHtml(data: ReportData, figure: SectionContext['figure']): string[] {
  const w = data.markWindow;
  if (w === null) return [];
  const marks = data.timeline.marks.filter((m) => m.event >= w.firstEvent && m.event <= w.lastEvent).length;
  const events = w.lastEvent - w.firstEvent + 1;
  return [
    '<h3>Where the marks crowd together</h3>',
    figure(
      'timeline-marks',
      `Events ${thousands(w.firstEvent)} to ${thousands(w.lastEvent)}: ${count(marks, 'mark')} within ${count(events, 'event')} (${percent(events / Math.max(1, data.analyze.events.total))} of the trace), ` +
        `sampled every ${count(w.bucketEvents, 'event')}. Each quantity has its own scale, not starting at zero, so that a small change from one mark to the next shows.`,
    ),
  ];
}

export const timelineSection: ReportSection = {
  id: 'timeline',
  title: 'Timeline',
  applies: (d) => d.timeline.buckets.length > 0,
  charts: (d) => [timelineChart(d.timeline, d.analyze), ...(d.markWindow === null ? [] : [timelineWindowChart(d.markWindow, d.timeline, d.analyze)])],
  html: ({ data, figure }) => {
    const t = data.timeline;
    const a = data.analyze;
    const out = [
      figure(
        'timeline',
        `${count(t.buckets.length, 'point')} of ${count(t.bucketEvents, 'event')} each: the line is the highest value within each run of events (so every peak is on it), the pale band reaches down to the lowest. ` +
          `Dashed rules are the trace’s marks; marks too close to tell apart are one shaded group, named in the strip above (the table below lists every mark).`,
      ),
      ...windowHtml(data, figure),
      '<h3>High-water marks</h3>',
      htmlTable(
        HIGH_WATER_METRICS.map((m) => ({ m, p: a.highWater[m] })),
        [
          { header: 'quantity', cell: (r) => escapeHtml(r.p.description) },
          { header: 'peak', numeric: true, cell: (r) => (BYTE_METRICS.has(r.m) ? bytes(r.p.value) : thousands(r.p.value)) },
          { header: 'first reached at', cell: (r) => instantHtml(r.p) },
        ],
      ),
    ];
    if (t.marks.length > 0) {
      const rows = t.marks.slice(0, MAX_MARK_ROWS);
      const omitted = t.marks.length - rows.length + t.marksOmitted;
      out.push(
        '<h3>Marks</h3>',
        htmlTable(rows, [
          { header: '#', numeric: true, cell: (_m, i) => String(i + 1) },
          { header: 'label', cell: (m) => `<span class="site">${traceText(m.mark ?? '', 120)}</span>` },
          { header: 'event', numeric: true, cell: (m) => thousands(m.event) },
          { header: 'live requested', numeric: true, cell: (m) => bytes(m.at.liveRequestedBytes) },
          { header: 'blocks in use', numeric: true, cell: (m) => bytes(m.at.allocatedBlockBytes) },
          { header: 'arenas', numeric: true, cell: (m) => thousands(m.at.arenas) },
          { header: 'pools in use', numeric: true, cell: (m) => thousands(m.at.poolsInUse) },
          { header: 'footprint', numeric: true, cell: (m) => bytes(m.at.footprintBytes) },
        ]),
      );
      if (omitted > 0) out.push(para(`${count(omitted, 'later mark')} ${omitted === 1 ? 'is' : 'are'} not listed.`, 'muted'));
    }
    return out.join('\n');
  },
};
