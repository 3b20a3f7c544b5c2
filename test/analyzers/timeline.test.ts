// The fragmentation timeline: bounded buckets that keep every peak, exact
// samples at marks, and agreement with the stats and the high-water marks on
// a real CPython trace.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeReplayed, judgedStateCapture } from '../../src/analyzers/analyze.js';
import { DEFAULT_SITE_GROUPING } from '../../src/analyzers/site-table.js';
import { ImportContext } from '../../src/import/import-context.js';
import { ArenaPeakObserver } from '../../src/analyzers/arena-peak.js';
import { TIMELINE_METRICS, type TimelineValues } from '../../src/analyzers/report-data.js';
import { readTimelineMetrics, TimelineObserver } from '../../src/analyzers/timeline.js';
import { countersStats, type PymallocStats } from '../../src/models/pymalloc/stats.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import type { Replayer } from '../../src/replay/replayer.js';
import { alloc, free, mark, replayText } from './trace-text.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cpython-traces');
const BASE = 0x10_0000;

/** 1000 events: a ramp of small blocks, a C-library spike at event 538, marks, then frees. */
function rampWithSpike(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    if (i === 100 || i === 400) lines.push(mark(`m${i}`));
    else if (i === 537) lines.push(alloc(0x9000_0000, 100_000));
    else if (i === 538) lines.push(free(0x9000_0000));
    else if (i < 700) lines.push(alloc(BASE + 16 * i, 1 + (i % 200)));
    else lines.push(free(BASE + 16 * (i - 700)));
  }
  return lines;
}

/** Records every metric after every event: the brute-force oracle. */
class EveryEvent {
  readonly rows: Float64Array[] = [];
  onEvent(r: Replayer): void {
    const v = new Float64Array(TIMELINE_METRICS.length);
    readTimelineMetrics(r, v);
    this.rows.push(v);
  }
}

describe('the timeline', () => {
  for (const maxBuckets of [2, 6, 8, 64, 2048]) {
    it(`keeps at most ${maxBuckets} equal buckets that cover every event, with the exact min and max of each`, () => {
      const timeline = new TimelineObserver({ maxBuckets });
      const oracle = new EveryEvent();
      replayText(rampWithSpike(), '3.11.7', { observers: [timeline, oracle] });
      const t = timeline.result();
      expect(t.buckets.length).toBeLessThanOrEqual(maxBuckets);
      expect(t.buckets.length).toBeGreaterThanOrEqual(Math.min(1000, maxBuckets / 2));
      // The narrowest power-of-two width that fits 1000 events in maxBuckets buckets.
      let width = 1;
      while (Math.ceil(1000 / width) > maxBuckets) width *= 2;
      expect(t.bucketEvents).toBe(width);
      let next = 1;
      for (const b of t.buckets) {
        expect(b.firstEvent).toBe(next);
        if (b !== t.buckets.at(-1)) expect(b.event - b.firstEvent + 1).toBe(t.bucketEvents);
        const rows = oracle.rows.slice(b.firstEvent - 1, b.event);
        TIMELINE_METRICS.forEach((m, k) => {
          expect(b.min[m], `min ${m}`).toBe(Math.min(...rows.map((r) => r[k]!)));
          expect(b.max[m], `max ${m}`).toBe(Math.max(...rows.map((r) => r[k]!)));
          expect(b.at[m], `at ${m}`).toBe(rows.at(-1)![k]);
        });
        next = b.event + 1;
      }
      expect(next).toBe(1001);
    });
  }

  it('keeps a one-event spike in the max of its bucket however wide the buckets get', () => {
    const timeline = new TimelineObserver({ maxBuckets: 2 });
    replayText(rampWithSpike(), '3.11.7', { observers: [timeline] });
    const t = timeline.result();
    const holder = t.buckets.find((b) => b.firstEvent <= 538 && 538 <= b.event)!;
    expect(holder.max.systemBytes).toBe(100_000);
    expect(holder.at.systemBytes).toBe(0);
    expect(Math.max(...t.buckets.map((b) => b.max.footprintBytes))).toBeGreaterThanOrEqual(100_000);
  });

  it('samples every mark with the state right after it, up to maxMarks', () => {
    const timeline = new TimelineObserver({ maxBuckets: 4, maxMarks: 1 });
    const oracle = new EveryEvent();
    replayText(rampWithSpike(), '3.11.7', { observers: [timeline, oracle] });
    const t = timeline.result();
    expect(t.marks).toHaveLength(1);
    expect(t.marksOmitted).toBe(1);
    expect(t.marks[0]).toMatchObject({ event: 101, mark: 'm100', line: 103 });
    TIMELINE_METRICS.forEach((m, k) => expect(t.marks[0]!.at[m]).toBe(oracle.rows[100]![k]));
    // Buckets after the mark name it as their last mark.
    expect(t.buckets.at(-1)!.mark).toBe('m400');
  });

  it('cuts long mark labels from the trace, which it repeats per bucket and per mark', () => {
    const timeline = new TimelineObserver({ maxBuckets: 2 });
    replayText([alloc(BASE, 16), mark('x'.repeat(4000)), alloc(BASE + 16, 16)], '3.11.7', { observers: [timeline] });
    const t = timeline.result();
    expect(t.marks[0]!.mark).toBe('x'.repeat(255) + '…');
    expect(t.buckets.at(-1)!.mark).toBe('x'.repeat(255) + '…');
  });

  it('refuses a bucket count that cannot be halved', () => {
    expect(() => new TimelineObserver({ maxBuckets: 7 })).toThrow(RangeError);
  });
});

/** The stats numbers a timeline sample must equal. */
function expectAgreesWithStats(v: TimelineValues, s: PymallocStats): void {
  expect(v.arenas).toBe(s.arenasCurrent);
  expect(v.arenaBytes).toBe(s.arenaBytes);
  expect(v.poolsInUse).toBe(s.classes.reduce((n, c) => n + c.pools, 0));
  expect(v.unusedPools).toBe(s.unusedPools);
  expect(v.allocatedBlockBytes).toBe(s.bytesInAllocatedBlocks);
  expect(v.availableBlockBytes).toBe(s.bytesInAvailableBlocks);
  expect(v.unusedPoolBytes).toBe(s.unusedPoolBytes);
  expect(v.quantizationBytes).toBe(s.quantizationBytes);
  expect(v.poolHeaderBytes).toBe(s.poolHeaderBytes);
  expect(v.arenaAlignmentBytes).toBe(s.arenaAlignmentBytes);
  expect(
    v.allocatedBlockBytes + v.availableBlockBytes + v.unusedPoolBytes + v.quantizationBytes + v.poolHeaderBytes + v.arenaAlignmentBytes,
  ).toBe(v.arenaBytes);
}

describe('the timeline of a real CPython trace', () => {
  for (const name of ['reclaim-3.11', 'startup-3.8']) {
    it(`${name}: marks and the end agree with the stats; bucket maxima are the high-water marks`, async () => {
      const timeline = new TimelineObserver();
      const peak = new ArenaPeakObserver();
      const atMarks: PymallocStats[] = [];
      const ctx = new ImportContext(name);
      const atEnd = judgedStateCapture(ctx, 5, DEFAULT_SITE_GROUPING, null);
      const replayed = await replayTrace(join(FIXTURES, `${name}.csv.gz`), {
        context: ctx,
        observers: [timeline, peak, atEnd, { onMark: (r: Replayer) => void atMarks.push(countersStats(r.model)) }],
      });
      const analyze = analyzeReplayed(replayed, peak, atEnd.valueAt(replayed.replayer));
      const t = timeline.result();
      expect(t.buckets.length).toBeGreaterThan(256);
      expect(t.buckets.length).toBeLessThanOrEqual(512);
      expect(t.marks.map((m) => m.mark)).toEqual(['stats', 'final']);
      t.marks.forEach((m, i) => expectAgreesWithStats(m.at, atMarks[i]!));
      const last = t.buckets.at(-1)!;
      expect(last.event).toBe(analyze.events.total);
      expectAgreesWithStats(last.at, countersStats(replayed.replayer.model));
      expect(last.at.liveBlocks).toBe(analyze.judged.liveBlocks);
      expect(last.at.footprintBytes).toBe(analyze.judged.footprintBytes);
      const peakOf = (m: 'arenas' | 'poolsInUse' | 'liveRequestedBytes' | 'footprintBytes' | 'allocatedBlockBytes') =>
        Math.max(...t.buckets.map((b) => b.max[m]));
      expect(peakOf('arenas')).toBe(analyze.highWater.arenas.value);
      expect(peakOf('poolsInUse')).toBe(analyze.highWater.pools_in_use.value);
      expect(peakOf('liveRequestedBytes')).toBe(analyze.highWater.live_requested_bytes.value);
      expect(peakOf('allocatedBlockBytes')).toBe(analyze.highWater.block_bytes.value);
      expect(peakOf('footprintBytes')).toBe(analyze.highWater.footprint_bytes.value);
      for (const b of t.buckets) for (const m of TIMELINE_METRICS) expect(b.min[m]).toBeLessThanOrEqual(b.max[m]);
    });
  }
});

describe('every bucket of a real trace', () => {
  it('holds the min and max of every metric over its events and the state after its last, as read after each event', async () => {
    // A reference that keeps every event's values (fine for a small trace).
    const perEvent: Float64Array[] = [];
    const reference = { onEvent: (r: Replayer) => {
      const v = new Float64Array(TIMELINE_METRICS.length);
      readTimelineMetrics(r, v);
      perEvent[r.events] = v;
    } };
    const timeline = new TimelineObserver({ maxBuckets: 64 });
    await replayTrace(join(FIXTURES, 'startup-3.11.csv.gz'), { observers: [reference as never, timeline] });
    const { buckets } = timeline.result();
    expect(buckets.length).toBeGreaterThan(32);
    for (const b of buckets) {
      TIMELINE_METRICS.forEach((m, k) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (let e = b.firstEvent; e <= b.event; e++) {
          lo = Math.min(lo, perEvent[e]![k]!);
          hi = Math.max(hi, perEvent[e]![k]!);
        }
        expect([m, b.min[m], b.max[m], b.at[m]]).toEqual([m, lo, hi, perEvent[b.event]![k]]);
      });
    }
  });
});
