// Growth sampling: bounded samples, evenly spaced after decimation; marks or
// equal event windows; the warm-up.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enoughIntervals, FIRST_WINDOW_EVENTS, MAX_SAMPLES, warmupIntervals } from '../../src/analyzers/growth.js';
import { findLeaks } from '../../src/analyzers/leaks.js';
import { tempDir } from '../cli/helpers.js';
import { TraceWriter } from './trace-writer.js';

function traceFile(text: string): string {
  const file = join(tempDir(), 't.csv');
  writeFileSync(file, text);
  return file;
}

describe('growth sampling', () => {
  it('keeps at most MAX_SAMPLES samples, evenly spaced, when there are many marks', async () => {
    const w = new TraceWriter();
    for (let i = 1; i <= 300; i++) {
      w.alloc(16, ['leak.py:7']);
      w.mark(`request ${i}`);
    }
    const r = await findLeaks(traceFile(w.text()));
    const g = r.growth;
    expect(g.basis).toBe('marks');
    expect(g.boundaries).toBe(300);
    // 300 marks: the stride doubled to 8 (64 samples cover 512 marks); samples at marks 8, 16, ..., 296.
    expect(g.marksPerSample).toBe(8);
    expect(g.samples.length - 1).toBe(37);
    expect(g.samples.length - 1).toBeLessThanOrEqual(MAX_SAMPLES);
    expect(g.samples.slice(1).every((s, i) => s.ordinal === 8 * (i + 1) && s.mark === `request ${s.ordinal}`)).toBe(true);
    const leak = r.sites[0]!;
    expect(leak.growth.class).toBe('steady_leak');
    // Slope per mark, whatever the stride.
    expect(leak.growth.slope).toBeCloseTo(16, 9);
    expect(leak.growth.liveBytes[37]).toBe(296 * 16);
  });

  it('uses equal event windows when the trace has no marks, with a quarter of them as warm-up', async () => {
    const w = new TraceWriter();
    for (let i = 0; i < 2000; i++) {
      const a = w.alloc(32, ['work.py:3']);
      w.free(a);
      if (i % 10 === 0) w.alloc(48, ['leak.py:9']);
    }
    const r = await findLeaks(traceFile(w.text()));
    const g = r.growth;
    expect(g.basis).toBe('windows');
    expect(g.boundaries).toBe(Math.floor(4200 / FIRST_WINDOW_EVENTS));
    expect(g.samples.length - 1).toBeLessThanOrEqual(MAX_SAMPLES);
    expect(g.eventsPerWindow).toBe(FIRST_WINDOW_EVENTS * 8);
    // A quarter of the 262 base windows (66) ends inside the 9th window of 128 events.
    expect(g.warmup).toBe(9);
    expect(g.firstSteadySample).toBe(9);
    expect(r.sites[0]!.key).toBe('leak.py:9');
    expect(r.sites[0]!.growth.class).toBe('steady_leak');
    expect(r.sites.map((s) => s.key)).toEqual(['leak.py:9']);
  });

  it('falls back to windows when there are too few marks after the warm-up', async () => {
    const w = new TraceWriter();
    for (let i = 0; i < 200; i++) w.alloc(16, ['x.py:1']);
    w.mark('stats');
    w.mark('final');
    const r = await findLeaks(traceFile(w.text()));
    expect(r.growth.basis).toBe('windows');
  });

  it('does not count the exit marks (stats, final) as boundaries unless --marks selects them', async () => {
    const w = new TraceWriter();
    for (let i = 1; i <= 5; i++) {
      w.alloc(64, ['leak.py:1']);
      w.mark(`iteration ${i}`);
    }
    w.mark('stats');
    w.mark('final');
    const r = await findLeaks(traceFile(w.text()));
    expect(r.growth.boundaries).toBe(5);
    expect(r.growth.samples.map((s) => s.mark)).toEqual([null, 'iteration 1', 'iteration 2', 'iteration 3', 'iteration 4', 'iteration 5']);
    const all = await findLeaks(traceFile(w.text()), { marks: '*' });
    expect(all.growth.boundaries).toBe(7);
  });

  it('counts the warm-up in intervals or as a share of them', () => {
    expect(warmupIntervals(10, { intervals: 2 })).toBe(2);
    expect(warmupIntervals(10, { percent: 25 })).toBe(3);
    expect(enoughIntervals(4, { intervals: 1 })).toBe(true);
    expect(enoughIntervals(3, { intervals: 1 })).toBe(false);
  });

  it('with --warmup K, the first steady sample is the K-th mark', async () => {
    const w = new TraceWriter();
    for (let i = 1; i <= 8; i++) {
      if (i <= 3) w.alloc(1000, ['cache.py:1']);
      w.mark(`i${i}`);
    }
    const warm1 = await findLeaks(traceFile(w.text()), { warmup: { intervals: 0 } });
    expect(warm1.growth.firstSteadySample).toBe(0);
    const warm3 = await findLeaks(traceFile(w.text()), { warmup: { intervals: 3 } });
    expect(warm3.growth.firstSteadySample).toBe(3);
    expect(warm3.growth.steadyIntervals).toBe(5);
    expect(warm3.sites[0]!.growth.class).toBe('retained_once');
  });
});
