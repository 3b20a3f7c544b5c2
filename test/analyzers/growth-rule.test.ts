// The growth rule, one case per clause (docs/leaks.md, "How growth is classified").

import { describe, expect, it } from 'vitest';
import { classifyGrowth, classifyWindowGrowth, leastSquaresSlope } from '../../src/analyzers/growth-rule.js';

const xs = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const classify = (steady: number[], liveNow = steady[steady.length - 1]!) => classifyGrowth(steady, xs(steady.length), liveNow);
const windows = (steady: number[], eligible = true) => classifyWindowGrowth(steady, xs(steady.length), steady[steady.length - 1]!, eligible).class;
const ramp = (n: number, step = 64): number[] => Array.from({ length: n + 1 }, (_, i) => 1000 + i * step);

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

describe('the growth rule over event windows (no usable marks)', () => {
  it('calls a site that grows in every window, steadily to the end, a steady-state leak', () => {
    expect(windows(ramp(8))).toBe('steady_leak');
    expect(windows(ramp(40))).toBe('steady_leak');
  });

  it('never calls a site without a stack or made only inside imports a leak, whatever its growth', () => {
    expect(windows(ramp(40), false)).toBe('retained_once');
  });

  it('needs 8 windows after the warm-up', () => {
    expect(windows(ramp(7))).toBe('retained_once');
  });

  it('needs rises in 9 of every 10 windows', () => {
    // 20 windows, 2 flat: 18 rises = 90%.
    const ok = ramp(20).map((v, i) => (i === 5 || i === 15 ? v - 64 : v));
    expect(windows(ok)).toBe('steady_leak');
    // 20 windows, 3 flat: 17 rises (85%), like imports that come in bursts.
    const bursts = [0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 12, 13, 14, 15, 16, 16, 17].map((k) => k * 100);
    expect(windows(bursts)).toBe('retained_once');
  });

  it('needs growth in each quarter of at least half an even share: a start-up that levels off is not a leak', () => {
    // Rises every window, but the last quarter adds 1/20 of the growth: growth that is ending.
    const levelling = Array.from({ length: 21 }, (_, i) => (i <= 15 ? i * 100 : 1500 + (i - 15) * 15));
    expect(windows(levelling)).toBe('retained_once');
    // A quarter that adds an eighth is enough.
    const slower = Array.from({ length: 21 }, (_, i) => (i <= 15 ? i * 100 : 1500 + (i - 15) * 44));
    expect(windows(slower)).toBe('steady_leak');
  });

  it('needs the last window to be the highest', () => {
    const dip = ramp(20);
    dip[20] = dip[19]! - 1;
    dip[19] = dip[18]! + 500;
    expect(windows(dip)).toBe('retained_once');
  });
});
