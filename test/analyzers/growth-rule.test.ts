// The growth rule, one case per clause (docs/leaks.md, "How growth is classified").

import { describe, expect, it } from 'vitest';
import { classifyGrowth, leastSquaresSlope } from '../../src/analyzers/growth-rule.js';

const xs = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const classify = (steady: number[], liveNow = steady[steady.length - 1]!) => classifyGrowth(steady, xs(steady.length), liveNow);

describe('the growth rule', () => {
  it('calls a site that grows every interval a steady-state leak, with its slope', () => {
    const v = classify([100, 164, 228, 292, 356]);
    expect(v).toEqual({ class: 'steady_leak', rises: 4, slope: 64 });
  });

  it('calls a site that grows every other interval a leak too', () => {
    expect(classify([0, 0, 64, 64, 128, 128, 192, 192, 256]).class).toBe('steady_leak');
  });

  it('does not call growth in fewer than half of the intervals a leak', () => {
    expect(classify([0, 0, 0, 64, 64, 64, 128, 128, 128, 192]).class).toBe('retained_once');
  });

  it('needs at least two rises even with few intervals', () => {
    expect(classify([0, 0, 0, 64]).class).toBe('retained_once');
    expect(classify([0, 0, 32, 64]).class).toBe('steady_leak');
  });

  it('needs three intervals after the warm-up before calling anything a leak', () => {
    expect(classify([0, 64, 128]).class).toBe('retained_once');
  });

  it('does not call a cache that fills in the first steady intervals and stays a leak', () => {
    expect(classify([0, 500, 900, 1000, 1000, 1000, 1000, 1000]).class).toBe('retained_once');
  });

  it('does not call a sawtooth that returns to its level a leak (garbage collected every few intervals)', () => {
    expect(classify([0, 100, 200, 0, 100, 200, 0, 100, 200]).class).toBe('retained_once');
    expect(classify([0, 100, 200, 0, 100, 200, 0, 100, 200], 0).class).toBe('retained_once');
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
