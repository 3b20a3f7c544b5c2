import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { denseMarkWindow } from '../../src/analyzers/mark-window.js';
import { buildReport } from '../../src/run/report.js';
import { TIMELINE_METRICS } from '../../src/analyzers/report-data.js';

const RECORDED = join(__dirname, '..', 'fixtures', 'recorded');

describe('the stretch where marks crowd together', () => {
  it('is the longest run of close marks, widened by a typical gap on each side', () => {
    // Twelve marks 100 events apart in a 100,000-event trace, and one at the end.
    const loop = Array.from({ length: 12 }, (_, i) => 50_000 + i * 100);
    expect(denseMarkWindow([...loop, 100_000], 100_000)).toEqual({ firstEvent: 49_900, lastEvent: 51_200, marks: 12 });
    // A shorter run elsewhere does not win.
    expect(denseMarkWindow([10, 20, 30, ...loop], 100_000)).toMatchObject({ firstEvent: 49_900, marks: 12 });
  });

  it('is none for marks spread over the trace, for runs of two, and for runs the whole timeline already shows apart', () => {
    expect(denseMarkWindow([], 1000)).toBeNull();
    expect(denseMarkWindow([25_085, 36_282], 36_282)).toBeNull();
    expect(denseMarkWindow([1_925_418, 1_942_399], 1_942_399)).toBeNull();
    expect(denseMarkWindow(Array.from({ length: 50 }, (_, i) => (i + 1) * 1000), 50_000)).toBeNull();
  });

  it('stays inside the trace', () => {
    expect(denseMarkWindow([1, 2, 3], 1000)).toEqual({ firstEvent: 1, lastEvent: 4, marks: 3 });
    expect(denseMarkWindow([998, 999, 1000], 1000)).toEqual({ firstEvent: 997, lastEvent: 1000, marks: 3 });
  });

  it('is sampled finely in the report of a recorded request loop, agreeing with the state at every mark in it', async () => {
    const d = await buildReport(join(RECORDED, 'planted_leak-3.11.csv.gz'));
    const w = d.markWindow!;
    expect(w).not.toBeNull();
    const inside = d.timeline.marks.filter((m) => m.event >= w.firstEvent && m.event <= w.lastEvent);
    expect(inside.map((m) => m.mark)).toEqual([...Array.from({ length: 12 }, (_, i) => `iteration ${i + 1}`), 'stats']);
    expect(w.bucketEvents).toBeLessThanOrEqual(8);
    expect(w.buckets[0]!.firstEvent).toBe(w.firstEvent);
    expect(w.buckets.at(-1)!.event).toBe(w.lastEvent);
    for (const m of inside) {
      const b = w.buckets.find((b) => b.firstEvent <= m.event && m.event <= b.event)!;
      for (const metric of TIMELINE_METRICS) {
        expect(m.at[metric], `${m.mark} ${metric}`).toBeGreaterThanOrEqual(b.min[metric]);
        expect(m.at[metric], `${m.mark} ${metric}`).toBeLessThanOrEqual(b.max[metric]);
      }
    }
  });
});
