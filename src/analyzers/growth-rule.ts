// The growth rule: is a site a steady-state leak, something retained once, or
// transient? It looks only at the site's live bytes at the samples after the
// warm-up (s_0 .. s_n: s_0 at the end of the warm-up, then one per interval),
// so it is a pure function, tested rule by rule (docs/leaks.md states it for
// users).
//
// A steady-state leak keeps growing until the end: its live bytes rose in at
// least half of the n intervals (and in at least two), and the last sample is
// above every sample of the first half. A cache that fills during the first
// steady intervals and then stays, a one-off allocation, and a sawtooth that
// returns to its level (garbage collected every few iterations) all fail the
// second condition; a site that grows only now and then fails the first.
// With fewer than MIN_STEADY_INTERVALS intervals nothing is called a leak.

export const GROWTH_CLASSES = ['steady_leak', 'retained_once', 'transient'] as const;
export type GrowthClass = (typeof GROWTH_CLASSES)[number];

/** Intervals after the warm-up needed before any site can be called a steady-state leak. */
export const MIN_STEADY_INTERVALS = 3;

export interface GrowthVerdict {
  readonly class: GrowthClass;
  /** Intervals after the warm-up in which the live bytes rose. */
  readonly rises: number;
  /** Least-squares slope of the live bytes over the steady samples, in bytes per interval. */
  readonly slope: number;
}

/**
 * @param steady live bytes at s_0..s_n
 * @param x the position of each sample in intervals (for the slope)
 * @param liveNow live bytes at the reported instant
 */
export function classifyGrowth(steady: ArrayLike<number>, x: ArrayLike<number>, liveNow: number): GrowthVerdict {
  const n = steady.length - 1;
  let rises = 0;
  for (let i = 1; i <= n; i++) if (steady[i]! > steady[i - 1]!) rises++;
  const slope = leastSquaresSlope(steady, x);
  if (n >= MIN_STEADY_INTERVALS && rises >= Math.max(2, Math.floor(n / 2))) {
    let firstHalfMax = -Infinity;
    for (let i = 0; i <= Math.floor(n / 2); i++) firstHalfMax = Math.max(firstHalfMax, steady[i]!);
    if (steady[n]! > firstHalfMax) return { class: 'steady_leak', rises, slope };
  }
  const last = n >= 0 ? steady[n]! : 0;
  return { class: last > 0 || liveNow > 0 ? 'retained_once' : 'transient', rises, slope };
}

export function leastSquaresSlope(y: ArrayLike<number>, x: ArrayLike<number>): number {
  const n = y.length;
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}
