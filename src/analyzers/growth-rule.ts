// The growth rule: is a site a steady-state leak, something retained once, or
// transient? It looks only at the site's live bytes at the samples after the
// warm-up (s_0 .. s_n: s_0 at the end of the warm-up, then one per interval),
// so it is a pure function, tested rule by rule (docs/leaks.md states it for
// users). There are two rules, one per basis of the intervals.
//
// Marks (iterations the program marked): a steady-state leak keeps growing
// until the end: its live bytes rose in at least half of the n intervals (and
// in at least two), and the last sample is above every sample of the first
// half. A cache that fills during the first steady intervals and then stays, a
// one-off allocation, and a sawtooth that returns to its level (garbage
// collected every few iterations) all fail the second condition; a site that
// grows only now and then fails the first. With fewer than
// MIN_STEADY_INTERVALS intervals there is no verdict.
//
// Event windows (the trace has no usable marks) are not iterations: a window
// over the interpreter's start-up sees imports that grow for the whole of it,
// so windows need much stronger evidence. A site is a steady-state leak from
// windows only when it has Python frames that are not all import machinery
// (the caller says so: `eligible`), there are at least
// MIN_WINDOW_STEADY_INTERVALS windows after the warm-up, its live bytes rose
// in at least 9 of every 10 of them, it grew in each quarter of them by at
// least an eighth of its whole growth (half an even share: growth at a steady
// rate, to the end), and the last sample is its highest.

export const GROWTH_CLASSES = ['steady_leak', 'retained_once', 'transient'] as const;
export type GrowthClass = (typeof GROWTH_CLASSES)[number];

/** Intervals after the warm-up needed before any site can be called a steady-state leak (marks). */
export const MIN_STEADY_INTERVALS = 3;
/** The same for event windows. */
export const MIN_WINDOW_STEADY_INTERVALS = 8;
/** Share of the windows after the warm-up in which a leak's live bytes must rise. */
export const WINDOW_RISE_SHARE = 0.9;
/** Parts the steady windows are cut into; a leak grows in each by at least WINDOW_PART_SHARE of its growth. */
export const WINDOW_PARTS = 4;
export const WINDOW_PART_SHARE = 1 / 8;

export interface GrowthVerdict {
  readonly class: GrowthClass;
  /** Intervals after the warm-up in which the live bytes rose. */
  readonly rises: number;
  /** Least-squares slope of the live bytes over the steady samples, in bytes per interval. */
  readonly slope: number;
}

/**
 * The marks rule.
 * @param steady live bytes at s_0..s_n
 * @param x the position of each sample in intervals (for the slope)
 * @param liveNow live bytes at the reported instant
 */
export function classifyGrowth(steady: ArrayLike<number>, x: ArrayLike<number>, liveNow: number): GrowthVerdict {
  const n = steady.length - 1;
  const rises = risesOf(steady);
  const slope = leastSquaresSlope(steady, x);
  if (n >= MIN_STEADY_INTERVALS && rises >= Math.max(2, Math.floor(n / 2))) {
    let firstHalfMax = -Infinity;
    for (let i = 0; i <= Math.floor(n / 2); i++) firstHalfMax = Math.max(firstHalfMax, steady[i]!);
    if (steady[n]! > firstHalfMax) return { class: 'steady_leak', rises, slope };
  }
  return { class: notLeaking(steady, liveNow), rises, slope };
}

/**
 * The event-windows rule (see the top of this file).
 * @param eligible the site has Python frames other than the import machinery's
 */
export function classifyWindowGrowth(steady: ArrayLike<number>, x: ArrayLike<number>, liveNow: number, eligible: boolean): GrowthVerdict {
  const n = steady.length - 1;
  const rises = risesOf(steady);
  const slope = leastSquaresSlope(steady, x);
  if (eligible && n >= MIN_WINDOW_STEADY_INTERVALS && rises >= Math.ceil(WINDOW_RISE_SHARE * n) && growsInEveryPart(steady)) {
    return { class: 'steady_leak', rises, slope };
  }
  return { class: notLeaking(steady, liveNow), rises, slope };
}

/** Grew in each of WINDOW_PARTS parts by WINDOW_PART_SHARE of the whole growth, and ends at its highest. */
function growsInEveryPart(steady: ArrayLike<number>): boolean {
  const n = steady.length - 1;
  const growth = steady[n]! - steady[0]!;
  if (growth <= 0) return false;
  for (let i = 0; i < n; i++) if (steady[i]! > steady[n]!) return false;
  for (let k = 0; k < WINDOW_PARTS; k++) {
    const from = Math.round((k * n) / WINDOW_PARTS);
    const to = Math.round(((k + 1) * n) / WINDOW_PARTS);
    if (steady[to]! - steady[from]! < growth * WINDOW_PART_SHARE) return false;
  }
  return true;
}

function risesOf(steady: ArrayLike<number>): number {
  let rises = 0;
  for (let i = 1; i < steady.length; i++) if (steady[i]! > steady[i - 1]!) rises++;
  return rises;
}

function notLeaking(steady: ArrayLike<number>, liveNow: number): GrowthClass {
  const last = steady.length > 0 ? steady[steady.length - 1]! : 0;
  return last > 0 || liveNow > 0 ? 'retained_once' : 'transient';
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
