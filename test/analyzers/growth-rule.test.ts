// The growth rule, one case per clause (docs/leaks.md, "Growth: how a site is classified").

import { describe, expect, it } from 'vitest';
import { classifyGrowth, leastSquaresSlope, MIN_WINDOW_STEADY_INTERVALS } from '../../src/analyzers/growth-rule.js';

const xs = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const classify = (steady: number[], liveNow = steady[steady.length - 1]!) => classifyGrowth(steady, xs(steady.length), liveNow);
const windows = (steady: number[], eligible = true) =>
  classifyGrowth(steady, xs(steady.length), steady[steady.length - 1]!, { minIntervals: MIN_WINDOW_STEADY_INTERVALS, eligible }).class;
const ramp = (n: number, step = 64): number[] => Array.from({ length: n + 1 }, (_, i) => 1000 + i * step);
/** One block of `size` bytes kept every `every` intervals, over n intervals. */
const steps = (n: number, every: number, size: number): number[] => Array.from({ length: n + 1 }, (_, i) => Math.floor(i / every) * size);

// Live bytes of OpenerDirector.open (urllib/request.py:522) in a recorded
// http.server + urllib loop on CPython 3.11 (1,500 requests, a mark every
// 100; test/golden/bounded-caches.test.ts records it), from the end of the
// warm-up: strings the type-attribute cache keeps, rising at every mark but
// ever slower as the cache's 4,096 entries fill.
const TYPE_CACHE_311 = [5456, 9176, 12152, 13454, 14136, 14756, 15562, 16554, 16864, 17484, 17794, 18104, 18228, 18600, 18786];

describe('the growth rule', () => {
  it('calls a site that grows every interval a steady-state leak, with its slope', () => {
    const v = classify([100, 164, 228, 292, 356]);
    expect(v).toEqual({ class: 'steady_leak', rises: 4, slope: 64 });
  });

  it('calls a site that grows every other interval a leak too', () => {
    expect(classify([0, 0, 64, 64, 128, 128, 192, 192, 256]).class).toBe('steady_leak');
  });

  it('calls a site that keeps one block every third interval a leak: it still grows in every part', () => {
    const v = classify(steps(15, 3, 128));
    expect(v.class).toBe('steady_leak');
    expect(v.rises).toBe(5);
  });

  it('does not call a cache that rises at every mark but ever slower a leak: it is bounded (the plateau test)', () => {
    const v = classify(TYPE_CACHE_311);
    expect(v.rises).toBe(14);
    expect(v.class).toBe('bounded');
    // Fills towards its bound: each quarter adds less than the one before.
    const saturating = Array.from({ length: 21 }, (_, i) => Math.round(20_000 * (1 - Math.exp(-i / 4))));
    expect(classify(saturating).class).toBe('bounded');
  });

  it('calls growth whose last quarter adds less than an eighth of it bounded: growth that is ending', () => {
    // Rises every interval; the last quarter (from s_15) adds 1/20 of the growth.
    const levelling = Array.from({ length: 21 }, (_, i) => (i <= 15 ? i * 100 : 1500 + (i - 15) * 15));
    expect(classify(levelling).class).toBe('bounded');
  });

  it('calls growth whose last quarter adds less per interval than three quarters of before it bounded: it does not keep pace', () => {
    // Quarters add 500, 500, 500, 300 (each more than an eighth of 1,800), but 60 a interval < 3/4 of 100.
    const slowing = Array.from({ length: 21 }, (_, i) => (i <= 15 ? i * 100 : 1500 + (i - 15) * 60));
    expect(classify(slowing).class).toBe('bounded');
    // 80 ≥ 3/4 of 100.
    const keeping = Array.from({ length: 21 }, (_, i) => (i <= 15 ? i * 100 : 1500 + (i - 15) * 80));
    expect(classify(keeping).class).toBe('steady_leak');
    // A cache that fills in a burst mid-run and then slows (email/utils.py:162, http.server on CPython 3.11):
    // every quarter adds more than an eighth, the last 624 B a interval against 1,106 B before.
    const burst = [8840, 11232, 11232, 11232, 11232, 11232, 11232, 16224, 19084, 19656, 20332, 21008, 21736, 22360, 22880];
    expect(classify(burst).class).toBe('bounded');
  });

  it('tests the pace only with three parts or more (6 intervals): the first steady interval often adds more', () => {
    // handle (leak.py:20) in traces/leak-3.11, 5 intervals: 7,860 B in the first, about 4,070 B in each after.
    expect(classify([0, 7860, 11939, 16012, 20079, 24140]).class).toBe('steady_leak');
  });

  it('needs growth in every part: growth that starts late is no leak yet, nor bounded', () => {
    const late = Array.from({ length: 21 }, (_, i) => (i < 14 ? 0 : (i - 13) * 500));
    expect(classify(late).class).toBe('retained_once');
  });

  it('needs a minimum growth: a few bytes shuffled between sites are not evidence', () => {
    // Rises every interval, 128 B in all (below MIN_LEAK_GROWTH_BYTES).
    expect(classify([0, 32, 64, 96, 128]).class).toBe('retained_once');
    expect(classify([0, 64, 128, 192, 256]).class).toBe('steady_leak');
  });

  it('needs three intervals after the warm-up before calling anything a leak, or bounded', () => {
    expect(classify([0, 640, 1280]).class).toBe('retained_once');
    expect(classify([0, 1000, 1000]).class).toBe('retained_once');
  });

  it('cuts fewer than 8 intervals into fewer parts, of two intervals or more: a flat interval is no plateau', () => {
    // A list that keeps every tenth payload (traces/leak-3.11, leak.py:12): its buffer grows in steps.
    expect(classify([0, 1104, 2200, 2200, 4624, 4624]).class).toBe('steady_leak');
    expect(classify([0, 0, 450, 900]).class).toBe('steady_leak');
    // Halves: the second adds less than an eighth.
    expect(classify([0, 500, 900, 1000, 1000, 1010]).class).toBe('bounded');
  });

  it('calls a cache that fills in the first steady intervals and stays bounded', () => {
    expect(classify([0, 500, 900, 1000, 1000, 1000, 1000, 1000]).class).toBe('bounded');
  });

  it('does not call a sawtooth that returns to its level a leak (garbage collected every few intervals)', () => {
    expect(classify([0, 100, 200, 0, 100, 200, 0, 100, 200]).class).toBe('retained_once');
    expect(classify([0, 300, 600, 0, 300, 600, 0, 300, 600], 0).class).toBe('retained_once');
  });

  it('calls a site with nothing live at the last sample nor now transient', () => {
    expect(classify([0, 32, 0, 32, 0], 0).class).toBe('transient');
  });

  it('calls a site with blocks live now but none at the last sample retained once', () => {
    expect(classify([0, 0, 0, 0], 48).class).toBe('retained_once');
  });

  it('computes a least-squares slope over uneven positions', () => {
    expect(leastSquaresSlope([0, 10, 20], [0, 1, 2])).toBe(10);
    expect(leastSquaresSlope([0, 40], [0, 4])).toBe(10);
    expect(leastSquaresSlope([5], [0])).toBe(0);
  });
});

describe('the same rule over event windows (no usable marks)', () => {
  it('calls a site that grows steadily to the end a steady-state leak', () => {
    expect(windows(ramp(8))).toBe('steady_leak');
    expect(windows(ramp(40))).toBe('steady_leak');
    expect(windows(steps(40, 3, 128))).toBe('steady_leak');
  });

  it('never calls a site without a stack or made only inside imports a leak, or bounded, whatever its growth', () => {
    expect(windows(ramp(40), false)).toBe('retained_once');
    expect(windows(TYPE_CACHE_311, false)).toBe('retained_once');
  });

  it('needs 8 windows after the warm-up', () => {
    expect(windows(ramp(7))).toBe('retained_once');
  });

  it('calls a start-up that levels off bounded, as with marks', () => {
    expect(windows(TYPE_CACHE_311)).toBe('bounded');
  });
});
