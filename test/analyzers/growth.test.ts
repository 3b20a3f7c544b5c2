// Growth sampling: bounded samples, evenly spaced after decimation; marks or
// equal event windows; the warm-up.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRST_WINDOW_EVENTS, MAX_SAMPLES, warmupIntervals } from '../../src/analyzers/growth.js';
import { findLeaks } from '../../src/run/leaks.js';
import { FIXTURES, memreplay, ROOT, tempDir } from '../cli/helpers.js';
import { TraceWriter } from './trace-writer.js';

const SAMPLE_TRACES = join(ROOT, 'traces');

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
    // 32 windows of 128 events (the last 6 base windows make no whole window): a quarter is 8.
    expect(g.samples.length - 1).toBe(32);
    expect(g.warmup).toBe(8);
    expect(g.warmupPercent).toBe(25);
    expect(g.firstSteadySample).toBe(8);
    expect(g.minSteadyIntervals).toBe(8);
    expect(g.noVerdict).toBeNull();
    expect(r.sites[0]!.key).toBe('leak.py:9');
    expect(r.sites[0]!.growth.class).toBe('steady_leak');
    expect(r.sites.map((s) => s.key)).toEqual(['leak.py:9']);
  });

  it('uses windows only when the trace has no usable mark (the exit marks are not)', async () => {
    const w = new TraceWriter();
    for (let i = 0; i < 200; i++) w.alloc(16, ['x.py:1']);
    w.mark('stats');
    w.mark('final');
    // At the end (atEnd): by default the result is at the stats mark, before final.
    const r = await findLeaks(traceFile(w.text()), { instant: { atEnd: true } });
    expect(r.growth.basis).toBe('windows');
    expect(r.marks).toEqual({ count: 2, labels: [{ label: 'stats', count: 1 }, { label: 'final', count: 1 }], more: false });
  });

  it('gives no verdict, not another basis, when the warm-up leaves fewer than 3 marked intervals', async () => {
    const w = new TraceWriter();
    for (let i = 1; i <= 12; i++) {
      for (let k = 0; k < 50; k++) w.alloc(16, ['leak.py:1']);
      w.mark(`iteration ${i}`);
    }
    const nine = await findLeaks(traceFile(w.text()), { growth: { warmup: { intervals: 9 } } });
    expect(nine.growth.noVerdict).toBeNull();
    expect(nine.growth.steadyLeakSites).toBe(1);
    for (const k of [10, 11, 30, 100]) {
      const r = await findLeaks(traceFile(w.text()), { growth: { warmup: { intervals: k } } });
      expect(r.growth.basis).toBe('marks');
      expect(r.growth.warmup).toBe(k);
      expect(r.growth.enough).toBe(false);
      expect(r.growth.steadyLeakSites).toBe(0);
      expect(r.growth.noVerdict).toBe(
        `only ${Math.max(0, 12 - k)} interval${12 - k === 1 ? '' : 's'} after the warm-up of ${k} marks (12 marks counted); a verdict needs 3`,
      );
    }
  });

  it('honours --warmup K on windows: K windows of the final spacing, and no verdict when too few are left', async () => {
    const w = new TraceWriter();
    for (let i = 0; i < 2000; i++) w.alloc(48, ['leak.py:9']);
    const ten = await findLeaks(traceFile(w.text()), { growth: { warmup: { intervals: 10 } } });
    expect(ten.growth.basis).toBe('windows');
    // 125 base windows of 16 events: 62 windows of 32 events.
    expect(ten.growth.eventsPerWindow).toBe(32);
    expect(ten.growth.samples.length - 1).toBe(62);
    expect(ten.growth.warmup).toBe(10);
    expect(ten.growth.samples[ten.growth.firstSteadySample]!.event).toBe(320);
    expect(ten.growth.steadyLeakSites).toBe(1);
    const most = await findLeaks(traceFile(w.text()), { growth: { warmup: { intervals: 56 } } });
    expect(most.growth.steadyIntervals).toBe(6);
    expect(most.growth.steadyLeakSites).toBe(0);
    expect(most.growth.noVerdict).toBe(
      'only 6 windows after the warm-up of 56 windows (62 windows of 32 events; the trace has no usable marks); a verdict from windows needs 8',
    );
  });

  it('refuses a --marks glob that matches no mark, naming the marks the trace has by shape', async () => {
    const w = new TraceWriter();
    for (let i = 1; i <= 12; i++) {
      w.alloc(16, ['leak.py:1']);
      w.mark(`iteration ${i}`);
    }
    w.mark('stats');
    w.mark('final');
    const file = traceFile(w.text());
    await expect(findLeaks(file, { instant: { atEnd: true }, growth: { marks: 'nomatch' } })).rejects.toThrow(
      `${file}: --marks "nomatch" matches no mark; the trace has 14 marks: "iteration *" x12, "stats", "final"`,
    );
    await expect(findLeaks(file, { instant: { at: 'iteration 1' }, growth: { marks: 'iteration*' } })).resolves.toBeDefined();
    await expect(findLeaks(file, { instant: { at: 'iteration 3' }, growth: { marks: 'stats' } })).rejects.toThrow(
      '--marks "stats" matches no mark; the trace before mark "iteration 3" has 3 marks: "iteration *" x3',
    );
    const bare = new TraceWriter();
    for (let i = 0; i < 100; i++) bare.alloc(16, ['x.py:1']);
    await expect(findLeaks(traceFile(bare.text()), { growth: { marks: 'iteration *' } })).rejects.toThrow('matches no mark; the trace has no marks');
  });

  it('names a single mark in the singular when refusing --marks', async () => {
    // A real CPython 3.11 start-up: up to its stats mark, that mark is the only one.
    await expect(findLeaks(join(FIXTURES, 'startup-3.11.csv.gz'), { instant: { at: 'stats' }, growth: { marks: 'iteration *' } })).rejects.toThrow(
      '--marks "iteration *" matches no mark; the trace before mark "stats" has 1 mark: "stats"',
    );
  });

  it('says why there is no verdict in the singular for one mark, one interval and one window', async () => {
    // The sample trace reclaim-3.11 marks each of its 3 rounds "round N filled" and "round N freed".
    const reclaim = join(SAMPLE_TRACES, 'reclaim-3.11.csv.gz');
    expect((await findLeaks(reclaim, { growth: { marks: 'round 0 filled' } })).growth.noVerdict).toBe(
      'only 0 intervals after the warm-up of 1 mark (1 mark counted); a verdict needs 3',
    );
    expect((await findLeaks(reclaim, { growth: { marks: 'round 0 *' } })).growth.noVerdict).toBe('only 1 interval after the warm-up of 1 mark (2 marks counted); a verdict needs 3');
    expect((await findLeaks(reclaim, { growth: { marks: 'round 0 *', warmup: { percent: 50 } } })).growth.noVerdict).toBe(
      'only 1 interval after the warm-up of 1 mark (50% of 2 marks counted); a verdict needs 3',
    );
    const w = new TraceWriter();
    for (let i = 0; i < 2000; i++) w.alloc(48, ['leak.py:9']);
    // 62 windows of 32 events (as above); a warm-up of 61 leaves one.
    expect((await findLeaks(traceFile(w.text()), { growth: { warmup: { intervals: 61 } } })).growth.noVerdict).toBe(
      'only 1 window after the warm-up of 61 windows (62 windows of 32 events; the trace has no usable marks); a verdict from windows needs 8',
    );
  });

  it('bounds the marks it names: label shapes are cut, at most 8 kept', async () => {
    const w = new TraceWriter();
    for (let i = 0; i < 20; i++) w.mark(`${String.fromCharCode(97 + i)}${'x'.repeat(100)}`);
    w.mark('stats');
    const r = await findLeaks(traceFile(w.text()), { growth: { marks: 'a*' } });
    expect(r.marks.count).toBe(21);
    expect(r.marks.labels).toHaveLength(9);
    expect(r.marks.labels.every((l) => l.label.length <= 61)).toBe(true);
    expect(r.marks.labels[8]).toEqual({ label: 'stats', count: 1 });
    expect(r.marks.more).toBe(true);
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
    const all = await findLeaks(traceFile(w.text()), { instant: { atEnd: true }, growth: { marks: '*' } });
    expect(all.growth.boundaries).toBe(7);
  });

  it('counts the warm-up in intervals or as a share of them', () => {
    expect(warmupIntervals(10, { intervals: 2 })).toBe(2);
    expect(warmupIntervals(10, { percent: 25 })).toBe(3);
  });

  it('with --warmup K, the first steady sample is the K-th mark', async () => {
    const w = new TraceWriter();
    for (let i = 1; i <= 8; i++) {
      if (i <= 3) w.alloc(1000, ['cache.py:1']);
      w.mark(`i${i}`);
    }
    const warm1 = await findLeaks(traceFile(w.text()), { growth: { warmup: { intervals: 0 } } });
    expect(warm1.growth.firstSteadySample).toBe(0);
    const warm3 = await findLeaks(traceFile(w.text()), { growth: { warmup: { intervals: 3 } } });
    expect(warm3.growth.firstSteadySample).toBe(3);
    expect(warm3.growth.steadyIntervals).toBe(5);
    expect(warm3.sites[0]!.growth.class).toBe('retained_once');
  });
});

describe('a site that first holds bytes after the warm-up', () => {
  /**
   * No marks: a start-up of 4,000 events (half of the run, more than the
   * 25% warm-up), then 600 requests with three temporaries each, and per
   * request: a record kept at app.py:5 (the leak), a sawtooth at app.py:9
   * (a batch of up to 50 emptied every 50 requests) and a cache at app.py:7
   * filled in the first 40 requests.
   */
  function lateTrace(): string {
    const w = new TraceWriter();
    const importing = ['<module> (app/main.py:1)', '_call_with_frames_removed (<frozen importlib._bootstrap>:241)'];
    for (let i = 0; i < 3000; i++) {
      w.alloc(48, [...importing, `<module> (lib/mod${i % 40}.py:${i % 97})`]);
      if (i % 3 === 0) w.alloc(32);
    }
    let batch: number[] = [];
    for (let r = 0; r < 600; r++) {
      const temp = [0, 1, 2].map(() => w.alloc(100, ['<module> (app.py:20)', 'handle (app.py:3)']));
      w.alloc(64, ['<module> (app.py:20)', 'handle (app.py:5)']);
      if (r < 40) w.alloc(200, ['<module> (app.py:20)', 'handle (app.py:7)']);
      batch.push(w.alloc(96, ['<module> (app.py:20)', 'handle (app.py:9)']));
      if (batch.length === 50) {
        for (const a of batch) w.free(a);
        batch = [];
      }
      for (const a of temp) w.free(a);
    }
    return traceFile(w.text());
  }

  it('is judged from its own start: a leak of the run\'s later part is a steady-state leak, a late sawtooth and a late cache are not', async () => {
    const r = await findLeaks(lateTrace(), { sites: { top: 100 } });
    expect(r.growth.basis).toBe('windows');
    expect(r.growth.noVerdict).toBeNull();
    const site = (line: number) => r.sites.find((s) => s.key === `handle (app.py:${line})`)!;
    const leak = site(5);
    expect(leak.growth.class).toBe('steady_leak');
    // It held nothing until well after the warm-up, and is judged from its last empty sample.
    expect(leak.growth.from).toBeGreaterThan(r.growth.firstSteadySample);
    expect(leak.growth.liveBytes[leak.growth.from]).toBe(0);
    expect(leak.growth.liveBytes[leak.growth.from + 1]).toBeGreaterThan(0);
    expect(site(9).growth.class).not.toBe('steady_leak');
    expect(site(7).growth.class).toBe('bounded');
    expect(r.sites.filter((s) => s.growth.class === 'steady_leak').map((s) => s.key)).toEqual(['handle (app.py:5)']);
  });

  it('says so in its evidence', () => {
    const out = memreplay(['leaks', lateTrace()]).stdout;
    expect(out).toMatch(/handle \(app\.py:5\)\n {4}\+[\d.]+ KiB per window; 37\.5 KiB in 600 blocks live at the end of the trace; rose in \d+ of \d+ intervals since it first held bytes \(after sample \d+, past the warm-up\)/);
  });
});
