import { describe, expect, it } from 'vitest';
import type { ReportData, TimelineMarkSample } from '../../src/analyzers/report-data.js';
import { placePeakLabels, placeStripLabels, summarizeMarkLabels } from '../../src/reports/html/timeline-layout.js';
import { timelineChart, timelineWindowChart, TIMELINE_PANELS, WINDOW_PANELS } from '../../src/reports/html/timeline-chart.js';
import { arenaSplitTimelineChart } from '../../src/reports/html/fragmentation-chart.js';
import { traceAxisOf } from '../../src/reports/html/time-axis.js';
import { drawnTexts, overlapping, sceneItems } from './chart-scene.js';
import { hostileText, sampleReportData } from './sample-report-data.js';

/** The sample report with these marks (event, label) instead of its own. */
function withMarks(data: ReportData, marks: readonly (readonly [number, string])[]): ReportData {
  const at = data.timeline.buckets[0]!.at;
  const samples: TimelineMarkSample[] = marks.map(([event, mark]) => ({ event, ts: null, line: event + 3, mark, at }));
  return { ...data, timeline: { ...data.timeline, marks: samples } };
}

/** The sample report with its peaks of live bytes and blocks in use a hair apart (as in reclaim-3.11: 32.8 and 32.6 MiB). */
function withCloseBytePeaks(data: ReportData): ReportData {
  const hw = data.analyze.highWater;
  const blocks = { ...hw.block_bytes, value: Math.round(hw.live_requested_bytes.value * 0.995), event: hw.live_requested_bytes.event };
  return { ...data, analyze: { ...data.analyze, highWater: { ...hw, block_bytes: blocks } } };
}

/** The sample report with each high-water mark where its bucket maxima put it: a few events into the highest bucket. */
function withPeaksFromBuckets(data: ReportData): ReportData {
  const hw = { ...data.analyze.highWater };
  const metrics = { footprint_bytes: 'footprintBytes', block_bytes: 'allocatedBlockBytes', live_requested_bytes: 'liveRequestedBytes', pools_in_use: 'poolsInUse', arenas: 'arenas' } as const;
  for (const [m, t] of Object.entries(metrics) as [keyof typeof metrics, (typeof metrics)[keyof typeof metrics]][]) {
    const top = data.timeline.buckets.reduce((a, b) => (b.max[t] > a.max[t] ? b : a));
    hw[m] = { ...hw[m], value: top.max[t], event: top.firstEvent + 3 };
  }
  return { ...data, analyze: { ...data.analyze, highWater: hw } };
}

/** A request loop: twelve iterations and a stats mark within 1% of the trace (from `start`, 12 events apart), and a final mark at its end. */
function requestLoop(events: number, start = Math.round(events * 0.75)): [number, string][] {
  return [...Array.from({ length: 12 }, (_, i): [number, string] => [start + i * 12, `iteration ${i + 1}`]), [start + 150, 'stats'], [events, 'final']];
}

async function timelineScene(data: ReportData) {
  return sceneItems(timelineChart(data.timeline, data.analyze).spec);
}

describe('the timeline chart', () => {
  const base = sampleReportData();
  const events = base.analyze.events.total;
  const cases: [string, ReportData][] = [
    ['the sample report', base],
    ['peaks a hair apart at one instant', withCloseBytePeaks(base)],
    ['a request loop of marks within 1% of the trace', withMarks(base, requestLoop(events))],
    ['two marks a few pixels apart at the end (stats, final)', withMarks(base, [[events - 100, 'stats'], [events, 'final']])],
    ['marks at every few pixels', withMarks(base, Array.from({ length: 40 }, (_, i) => [Math.round(((i + 1) / 41) * events), `phase ${i + 1}`] as [number, string]))],
    ['1,000 marks', sampleReportData({ marks: 1000 })],
    ['hostile marks and long labels', sampleReportData({ text: hostileText, marks: 8 })],
  ];

  it.each(cases)('draws no text over another: %s', async (_name, data) => {
    const texts = drawnTexts(await timelineScene(data));
    expect(texts.length).toBeGreaterThan(10);
    const pairs = overlapping(texts).map(([a, b]) => `${a.role} "${a.text}" / ${b.role} "${b.text}"`);
    expect(pairs).toEqual([]);
  });

  it('labels every peak, right by its dot or joined to it by a leader line', async () => {
    const texts = drawnTexts(await timelineScene(withCloseBytePeaks(base)));
    const peaks = texts.filter((t) => t.text!.startsWith('peak '));
    expect(peaks.length).toBe(TIMELINE_PANELS.flatMap((p) => p.series).filter((s) => s.peak !== undefined).length);
  });

  it('names a dense run of marks once, as a group, and each mark apart from it by its own label', async () => {
    const texts = drawnTexts(await timelineScene(withMarks(base, requestLoop(events)))).map((t) => t.text);
    expect(texts).toContain('13 marks: iteration 1–12, stats');
    expect(texts).toContain('final');
    expect(texts.filter((t) => /^iteration \d+$/.test(t!))).toEqual([]);
  });

  it('ticks every y axis at round numbers of the unit it prints', async () => {
    const scene = await timelineScene(base);
    const byAxis = new Map<number, string[]>();
    for (const t of drawnTexts(scene).filter((t) => t.role === 'axis-label')) byAxis.set(t.group, [...(byAxis.get(t.group) ?? []), t.text!]);
    const byteAxes = [...byAxis.values()].filter((labels) => labels.some((l) => / (B|KiB|MiB|GiB)$/.test(l)));
    expect(byteAxes.length).toBe(1);
    for (const labels of byteAxes) {
      const units = new Set(labels.filter((l) => l !== '0').map((l) => l.split(' ')[1]));
      expect(units.size, labels.join(', ')).toBe(1);
      const values = labels.map((l) => Number(l.split(' ')[0])).sort((a, b) => a - b);
      const step = values[1]! - values[0]!;
      expect(values[0]).toBe(0);
      expect(values.every((v, i) => Math.abs(v - i * step) < 1e-9), labels.join(', ')).toBe(true);
      expect([1, 2, 2.5, 5].map((m) => m * 10 ** Math.floor(Math.log10(step) + 1e-9)).some((s) => Math.abs(s - step) < 1e-9), labels.join(', ')).toBe(true);
    }
    // The top tick covers the highest value drawn.
    const spec = timelineChart(base.timeline, base.analyze).spec as unknown as { vconcat: { layer: { encoding?: { y?: { scale?: { domain?: number[] } } } }[] }[] };
    const domainTop = spec.vconcat.at(-3)!.layer.find((l) => l.encoding?.y?.scale?.domain !== undefined)!.encoding!.y!.scale!.domain![1]!;
    expect(domainTop).toBeGreaterThanOrEqual(Math.max(...base.timeline.buckets.map((b) => b.max.footprintBytes)));
  });

  it('puts each peak dot on its line: the line runs through every bucket maximum', () => {
    const data = withPeaksFromBuckets(base);
    const spec = timelineChart(data.timeline, data.analyze).spec as unknown as {
      vconcat: { data?: { values: { e: number; s: string; hi: number }[] }; layer: { mark: { type: string }; data?: { values: { e: number; s: string; v: number }[] } }[] }[];
    };
    let dots = 0;
    for (const panel of spec.vconcat.filter((p) => p.data !== undefined)) {
      for (const dot of panel.layer.find((l) => l.mark.type === 'point')?.data?.values ?? []) {
        dots++;
        expect(panel.data!.values.some((r) => r.s === dot.s && r.e === dot.e && r.hi === dot.v), JSON.stringify(dot)).toBe(true);
      }
    }
    expect(dots).toBe(5);
  });

  it('draws each legend swatch as a line in its series’ colour, fully opaque', async () => {
    const symbols = (await timelineScene(base)).filter((i) => i.role === 'legend-symbol');
    const colours = TIMELINE_PANELS.flatMap((p) => p.series.map((s) => s.colour));
    expect(symbols.length).toBe(colours.length);
    for (const s of symbols) {
      expect(s.item['shape']).toBe('stroke');
      expect(s.item['opacity'] ?? 1).toBe(1);
      expect(s.item['strokeOpacity'] ?? 1).toBe(1);
      expect(colours).toContain(s.item['stroke']);
    }
  });
});

describe('the close-up of crowded marks', () => {
  const base = sampleReportData();
  const w = base.markWindow!;
  const looped = withMarks(base, requestLoop(base.analyze.events.total, w.firstEvent + 10));

  it('draws each mark of the stretch apart, with its own label, over one small panel per quantity', async () => {
    const chart = timelineWindowChart(w, looped.timeline, looped.analyze);
    const scene = await sceneItems(chart.spec);
    const texts = drawnTexts(scene);
    expect(overlapping(texts).map(([a, b]) => `"${a.text}" / "${b.text}"`)).toEqual([]);
    const labels = texts.map((t) => t.text);
    for (let i = 1; i <= 12; i++) expect(labels).toContain(`iteration ${i}`);
    expect(labels).toContain('stats');
    expect(labels).not.toContain('final'); // outside the stretch
    for (const p of WINDOW_PANELS) expect(labels).toContain(p.title);
  });

  it('fits each quantity’s axis to the stretch, at round ticks, instead of starting at zero', () => {
    const chart = timelineWindowChart(w, looped.timeline, looped.analyze);
    const spec = chart.spec as unknown as { vconcat: { layer?: { mark: { type: string }; encoding?: { y?: { scale?: { domain?: number[] }; axis?: { values?: number[] } } } }[] }[] };
    const live = spec.vconcat[1]!.layer!.find((l) => l.mark.type === 'line')!.encoding!.y!;
    // Fitted to the values from the loop's first mark to its last (the padding around it may leave the plot).
    const marks = looped.timeline.marks.filter((m) => m.event >= w.firstEvent && m.event <= w.lastEvent);
    const loop = w.buckets.filter((b) => b.event >= marks[0]!.event && b.firstEvent <= marks.at(-1)!.event);
    expect(loop.length).toBeGreaterThan(100);
    expect(live.scale!.domain![0]).toBeGreaterThan(0);
    expect(live.scale!.domain![0]).toBeLessThanOrEqual(Math.min(...loop.map((b) => b.min.liveRequestedBytes)));
    expect(live.scale!.domain![1]).toBeGreaterThanOrEqual(Math.max(...loop.map((b) => b.max.liveRequestedBytes)));
    expect(live.scale!.domain![1] - live.scale!.domain![0]).toBeLessThan(Math.max(...loop.map((b) => b.max.liveRequestedBytes)) / 2);
    expect(live.axis!.values!.length).toBeGreaterThanOrEqual(2);
  });
});

describe('timeline layout', () => {
  it('summarises a run of marks: counting runs collapse, others are listed, long lists keep the ends', () => {
    expect(summarizeMarkLabels(['iteration 1', 'iteration 2', 'iteration 3', 'stats'])).toBe('4 marks: iteration 1–3, stats');
    expect(summarizeMarkLabels(['a', 'b'])).toBe('2 marks: a, b');
    expect(summarizeMarkLabels(['step 1', 'step 3'])).toBe('2 marks: step 1, step 3');
    expect(summarizeMarkLabels(['only'])).toBe('only');
    const many = Array.from({ length: 9 }, (_, i) => `warm-up phase ${i * 2}`);
    expect(summarizeMarkLabels(many)).toBe('9 marks: warm-up phase 0 … warm-up phase 16');
  });

  it('puts strip labels in the first free row, and the short form or nothing when no row is free', () => {
    const placed = placeStripLabels(
      [
        { x: 0, text: 'aaaaaaaaaa', short: '#1' },
        { x: 10, text: 'bbbbbbbbbb', short: '#2' },
        { x: 20, text: 'cccccccccc', short: '#3' },
        { x: 5000, text: 'end', short: '#4' },
      ],
      200,
      2,
      10,
    );
    expect(placed.map((p) => [p.row, p.text])).toEqual([
      [0, 'aaaaaaaaaa'],
      [1, 'bbbbbbbbbb'],
      [0, 'end'],
    ]);
    expect(placed[2]!.x + 0.1).toBeLessThan(200); // moved back inside the plot
  });

  it('keeps peak labels apart and inside the plot, even for dots drawn on top of each other', () => {
    const peaks = [0, 1, 2].map((i) => ({ x: 100, y: 20 + i, text: `peak ${i} MiB` }));
    const placed = placePeakLabels(peaks, [], 300, 100, 10);
    expect(placed.every((p) => p !== null)).toBe(true);
    const boxes = placed.map((p) => p!.box);
    for (const b of boxes) expect(b.left >= 0 && b.right <= 300 && b.top >= 0 && b.bottom <= 100).toBe(true);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(boxes[i]!.bottom <= boxes[j]!.top || boxes[j]!.bottom <= boxes[i]!.top || boxes[i]!.right <= boxes[j]!.left || boxes[j]!.right <= boxes[i]!.left).toBe(true);
  });
});

describe('the axis of the charts over the trace', () => {
  interface XSpec {
    vconcat: { layer?: { encoding?: { x?: { title: string | null; scale: { domain: number[] }; axis: { title?: string | null; labelExpr?: string } | null } }; data?: { values: { e: number }[] } }[] }[];
  }
  const bottomX = (spec: unknown) => {
    const panels = (spec as XSpec).vconcat;
    return panels.at(-1)!.layer!.find((l) => l.encoding?.x !== undefined)!.encoding!.x!;
  };

  it('runs in seconds since the first timestamp when the trace has timestamps, labelled so', async () => {
    const data = sampleReportData();
    const last = data.timeline.buckets.at(-1)!;
    const x = bottomX(timelineChart(data.timeline, data.analyze).spec);
    expect(x.axis!.title).toBe('seconds since the first timestamp');
    // The sample's events are 1 µs apart from its first timestamp, at event 1.
    expect(x.scale.domain).toEqual([0, (last.ts! - 1000) / 1e9]);
    const texts = drawnTexts(await sceneItems(timelineChart(data.timeline, data.analyze).spec)).map((t) => t.text);
    expect(texts).toContain('seconds since the first timestamp');
    // Marks sit at their time: the strip's rules, in seconds.
    const strip = (timelineChart(data.timeline, data.analyze).spec as unknown as XSpec).vconcat[0]!.layer![1]!.data!.values.map((v) => v.e);
    expect(strip).toEqual(data.timeline.marks.map((m) => (m.ts! - 1000) / 1e9));
    // The close-up and the arena split too.
    const w = timelineWindowChart(data.markWindow!, data.timeline, data.analyze);
    expect(bottomX(w.spec).axis!.title).toBe('seconds since the first timestamp');
    expect(bottomX(w.spec).scale.domain).toEqual([(data.markWindow!.buckets[0]!.ts! - 1000) / 1e9, (data.markWindow!.buckets.at(-1)!.ts! - 1000) / 1e9]);
    const split = arenaSplitTimelineChart(data.timeline, data.analyze.events.total).spec as unknown as { encoding: { x: { title: string; scale: { domain: number[] } } } };
    expect(split.encoding.x.title).toBe('seconds since the first timestamp');
    expect(split.encoding.x.scale.domain).toEqual([0, (last.ts! - 1000) / 1e9]);
  });

  it('runs by event number when the trace has no timestamps, labelled so', async () => {
    const data = sampleReportData({ timestamps: false });
    const x = bottomX(timelineChart(data.timeline, data.analyze).spec);
    expect(x.axis!.title).toBe('event');
    expect(x.scale.domain).toEqual([0, data.analyze.events.total]);
    expect(drawnTexts(await sceneItems(timelineChart(data.timeline, data.analyze).spec)).map((t) => t.text)).toContain('event');
    const strip = (timelineChart(data.timeline, data.analyze).spec as unknown as XSpec).vconcat[0]!.layer![1]!.data!.values.map((v) => v.e);
    expect(strip).toEqual(data.timeline.marks.map((m) => m.event));
    const split = arenaSplitTimelineChart(data.timeline, data.analyze.events.total).spec as unknown as { encoding: { x: { title: string } } };
    expect(split.encoding.x.title).toBe('event');
  });

  it('never places an instant left of the one before it, though threads write timestamps out of order', () => {
    const data = sampleReportData();
    const buckets = data.timeline.buckets.map((b, k) => (k % 7 === 3 ? { ...b, ts: b.ts! - 50_000 } : b));
    const axis = traceAxisOf({ ...data.timeline, buckets });
    const xs = axis.positions(buckets);
    for (let k = 1; k < xs.length; k++) expect(xs[k]!).toBeGreaterThanOrEqual(xs[k - 1]!);
    // A mark without a timestamp goes between the bucket ends around it, by its event.
    const b = buckets[10]!;
    const mid = { event: b.event - data.timeline.bucketEvents / 2, ts: null, line: 0, mark: null };
    expect(axis.positions([mid])[0]).toBeCloseTo((xs[9]! + xs[10]!) / 2, 12);
  });
});
