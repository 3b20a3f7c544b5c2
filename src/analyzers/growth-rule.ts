// The growth rule: is a site a steady-state leak, a bounded cache, something
// retained once, or transient? It looks only at the site's live bytes at the
// samples after the warm-up (s_0 .. s_n: s_0 at the end of the warm-up, then
// one per interval), so it is a pure function, tested clause by clause
// (docs/leaks.md states it for users, with the recorded programs it was
// measured on).
//
// One rule for both bases of the intervals (marks and event windows); they
// differ only in how much evidence they need (MIN_STEADY_INTERVALS marks,
// MIN_WINDOW_STEADY_INTERVALS windows: windows are not iterations, and one
// over the interpreter's start-up sees imports grow for the whole of it) and
// in which sites can be judged at all (the caller's `eligible`: from
// windows, sites with Python frames outside the import machinery).
//
// A steady-state leak grows, by enough, at a steady rate, to the end:
//  - it grew by at least MIN_LEAK_GROWTH_BYTES from s_0 to s_n (a minimum
//    size: a block or two shuffled between sites by CPython's free lists is
//    not evidence);
//  - s_n is above every sample of the first half (a sawtooth that returns to
//    its level, garbage collected every few intervals, is not growth);
//  - the plateau test. Cut the n intervals into PLATEAU_PARTS parts (fewer
//    when n < 8, so that each part spans at least two intervals: one flat
//    interval of a leak that grows in steps is not a plateau). It grows in
//    every part: by at least PLATEAU_PART_SHARE of its whole growth (half an
//    even share of four). And, with three parts or more (n ≥ 6), it keeps
//    its pace to the end: its growth per interval over the last part is at
//    least KEEP_PACE_SHARE of its growth per interval before it.
//    A bounded cache — CPython's type-attribute cache, re's pattern cache, an
//    lru_cache, interned strings, free lists — fills fast, or in a burst, and
//    then ever slower as it nears its bound: its last part adds far less than
//    the parts before. A leak grows at a steady rate; one that keeps a block
//    every few intervals still grows in every part.
// A site that is no leak but grew after the warm-up (s_n above s_0) and
// levelled off (it did not keep pace, or its last part added less than
// PLATEAU_PART_SHARE of its growth) is `bounded`. Any other is
// `retained_once` when it holds bytes at s_n or at the reported instant,
// else `transient`. Without enough intervals, or when the site cannot be
// judged, there is no growth verdict: retained once or transient.

export const GROWTH_CLASSES = ['steady_leak', 'bounded', 'retained_once', 'transient'] as const;
export type GrowthClass = (typeof GROWTH_CLASSES)[number];

/** Intervals after the warm-up needed before any site can be called a steady-state leak (marks). */
export const MIN_STEADY_INTERVALS = 3;
/** The same for event windows. */
export const MIN_WINDOW_STEADY_INTERVALS = 8;
/** Growth from s_0 to s_n a steady-state leak must reach. */
export const MIN_LEAK_GROWTH_BYTES = 256;
/** Parts the steady intervals are cut into; a leak grows in each by at least PLATEAU_PART_SHARE of its growth. */
export const PLATEAU_PARTS = 4;
export const PLATEAU_PART_SHARE = 1 / 8;
/** A leak's growth per interval over the last part, at least, as a share of its growth per interval before it. */
export const KEEP_PACE_SHARE = 3 / 4;

export interface GrowthVerdict {
  readonly class: GrowthClass;
  /** Intervals after the warm-up in which the live bytes rose. */
  readonly rises: number;
  /** Least-squares slope of the live bytes over the steady samples, in bytes per interval. */
  readonly slope: number;
}

/** What the basis asks of the evidence: intervals after the warm-up, and whether this site can be judged. */
export interface GrowthEvidence {
  readonly minIntervals: number;
  readonly eligible: boolean;
}

export const MARKS_EVIDENCE: GrowthEvidence = { minIntervals: MIN_STEADY_INTERVALS, eligible: true };

/**
 * The growth rule (see the top of this file).
 * @param steady live bytes at s_0..s_n
 * @param x the position of each sample in intervals (for the slope)
 * @param liveNow live bytes at the reported instant
 */
export function classifyGrowth(steady: ArrayLike<number>, x: ArrayLike<number>, liveNow: number, evidence: GrowthEvidence = MARKS_EVIDENCE): GrowthVerdict {
  const n = steady.length - 1;
  const rises = risesOf(steady);
  const slope = leastSquaresSlope(steady, x);
  if (!evidence.eligible || n < evidence.minIntervals) return { class: held(steady, liveNow), rises, slope };
  const growth = steady[n]! - steady[0]!;
  if (growth >= MIN_LEAK_GROWTH_BYTES && aboveFirstHalf(steady) && growsInEveryPart(steady) && keepsPace(steady)) {
    return { class: 'steady_leak', rises, slope };
  }
  return { class: growth > 0 && levelsOff(steady) ? 'bounded' : held(steady, liveNow), rises, slope };
}

/**
 * Growth per interval over the last part is at least KEEP_PACE_SHARE of that
 * before it. Not tested with fewer than three parts (n < 6): what comes
 * before the last part would be the first part alone, which holds what the
 * warm-up left over (in traces/leak-3.11 a leak's first steady interval adds
 * twice what the next ones add).
 */
function keepsPace(steady: ArrayLike<number>): boolean {
  const n = steady.length - 1;
  const parts = partsOf(n);
  if (parts < 3) return true;
  const last = partStart(parts - 1, parts, n);
  return (steady[n]! - steady[last]!) / (n - last) >= ((steady[last]! - steady[0]!) / last) * KEEP_PACE_SHARE;
}

/** It did not keep pace, or its last part added less than PLATEAU_PART_SHARE of its growth: it levelled off. */
function levelsOff(steady: ArrayLike<number>): boolean {
  const n = steady.length - 1;
  const parts = partsOf(n);
  return !keepsPace(steady) || steady[n]! - steady[partStart(parts - 1, parts, n)]! < (steady[n]! - steady[0]!) * PLATEAU_PART_SHARE;
}

/** s_n is above every sample of s_0 .. s_⌊n/2⌋. */
function aboveFirstHalf(steady: ArrayLike<number>): boolean {
  const n = steady.length - 1;
  for (let i = 0; i <= Math.floor(n / 2); i++) if (steady[i]! >= steady[n]!) return false;
  return true;
}

/** The plateau test: grew in each part by PLATEAU_PART_SHARE of the whole growth. */
function growsInEveryPart(steady: ArrayLike<number>): boolean {
  const n = steady.length - 1;
  const growth = steady[n]! - steady[0]!;
  const parts = partsOf(n);
  for (let k = 0; k < parts; k++) {
    if (steady[partStart(k + 1, parts, n)]! - steady[partStart(k, parts, n)]! < growth * PLATEAU_PART_SHARE) return false;
  }
  return true;
}

/** Parts of the plateau test for n intervals: PLATEAU_PARTS, or fewer so that each spans at least two intervals. */
function partsOf(n: number): number {
  return Math.max(1, Math.min(PLATEAU_PARTS, Math.floor(n / 2)));
}

/** The sample where part k of `parts` of n intervals starts (k = parts: s_n). */
function partStart(k: number, parts: number, n: number): number {
  return Math.round((k * n) / parts);
}

function risesOf(steady: ArrayLike<number>): number {
  let rises = 0;
  for (let i = 1; i < steady.length; i++) if (steady[i]! > steady[i - 1]!) rises++;
  return rises;
}

/** Neither a leak nor bounded: retained once when it holds bytes at the last sample or now, else transient. */
function held(steady: ArrayLike<number>, liveNow: number): GrowthClass {
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
