// Axis ticks that are round in the unit they are printed in. vega's own
// ticks are round decimal numbers of bytes (500,000, 1,000,000, ...), which
// read as "488 KiB, 977 KiB, 1.43 MiB" once printed in binary units. Here the
// unit is chosen first (from the top of the axis), the step is 1, 2, 2.5 or
// 5 times a power of ten *in that unit*, and the axis ends on the first tick
// at or above the highest value, so the top tick always covers the peak.

import { COUNT_LABEL } from './chart-theme.js';

export interface AxisTicks {
  /** The tick values, in the data's unit (bytes, or a count), from `min` to `max` by `step`. */
  readonly values: readonly number[];
  readonly min: number;
  readonly max: number;
  /** The step between ticks, in the data's unit. */
  readonly step: number;
  /** The unit the ticks are printed in ("MiB"; "" for counts) and its size in the data's unit. */
  readonly unit: string;
  readonly unitSize: number;
  /** A vega expression printing `datum.value` in that unit. */
  readonly labelExpr: string;
}

export const BYTE_UNITS: readonly (readonly [string, number])[] = [
  ['B', 1],
  ['KiB', 1024],
  ['MiB', 1024 ** 2],
  ['GiB', 1024 ** 3],
  ['TiB', 1024 ** 4],
];

/** Fewer ticks than this are too few to read values off (when the space allows more). */
const MIN_TICKS = 4;
/** Pixels between ticks, at least. */
const TICK_SPACING = 22;

/** The most ticks an axis of `pixels` length should carry. */
export function maxTicksFor(pixels: number): number {
  return Math.max(2, Math.floor(pixels / TICK_SPACING) + 1);
}

/** Step multipliers, within a power of ten. */
const MULTIPLIERS = [1, 2, 2.5, 5];

export interface TickOptions {
  /** The most ticks wanted (counting both ends); at least 2. */
  readonly maxTicks: number;
  /**
   * Room to leave above the highest value, as a fraction of the values' range
   * (0.08: the top tick is at least 8% of it above): space for the labels
   * pinned to the peak.
   */
  readonly headroom?: number;
  /** Start at 0 whatever the lowest value (the default), or at the tick at or below it. */
  readonly zero?: boolean;
}

/** Ticks for bytes, printed in the binary unit of the axis's top ("0, 0.5 MiB, 1 MiB, ..."). */
export function byteTicks(lo: number, hi: number, options: TickOptions): AxisTicks {
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  let [unit, size] = BYTE_UNITS[0]!;
  for (const [u, s] of BYTE_UNITS) if (top >= s) [unit, size] = [u, s];
  const t = ticksIn(lo / size, hi / size, options, unit === 'B');
  const values = t.values.map((v) => v * size);
  return {
    values,
    min: t.min * size,
    max: t.max * size,
    step: t.step * size,
    unit,
    unitSize: size,
    labelExpr: `datum.value === 0 ? '0' : format(datum.value / ${size}, '.6~g') + ' ${unit}'`,
  };
}

/** Ticks for counts of things: whole steps, printed with SI suffixes (1.5k). */
export function countTicks(lo: number, hi: number, options: TickOptions): AxisTicks {
  const t = ticksIn(lo, hi, options, true);
  return { ...t, unit: '', unitSize: 1, labelExpr: COUNT_LABEL };
}

/**
 * Ticks over [lo, hi] (in the display unit) at a round step of
 * MULTIPLIERS x 10^k. Values are
 * computed as integer multiples of the step and rounded to 12 significant
 * digits, so 3 x 0.1 prints as 0.3.
 */
function ticksIn(lo: number, hi: number, options: TickOptions, integer: boolean): { values: number[]; min: number; max: number; step: number } {
  const maxTicks = Math.max(2, Math.floor(options.maxTicks));
  const zero = options.zero ?? true;
  const low = zero ? Math.min(0, lo) : lo;
  let high = hi + (hi - low) * (options.headroom ?? 0);
  // Counts and bytes are whole numbers.
  if (integer) high = Math.ceil(high);
  // A flat line (often all zeros): one unit of room above it.
  if (!(high - low >= 1e-9 * Math.max(1, Math.abs(low)))) high = low + 1;
  const span = high - low;
  // Of the round steps giving MIN_TICKS to maxTicks ticks (or fewer, when
  // none does), the one whose last tick wastes least room above the data; of
  // equals, the widest step.
  const minTicks = Math.min(MIN_TICKS, maxTicks);
  const k0 = Math.floor(Math.log10(span / (maxTicks - 1)));
  let best: Candidate | null = null;
  for (let k = k0 - 1; best === null || k <= k0 + 1; k++) {
    for (const m of MULTIPLIERS) {
      const step = clean(m * 10 ** k);
      if (integer && !Number.isInteger(step)) continue;
      const first = nearInteger(low / step, Math.floor);
      const last = nearInteger(high / step, Math.ceil);
      const n = last - first + 1;
      if (n > maxTicks) continue;
      const c = { first, last, step, enough: n >= minTicks };
      if (best === null || better(c, best)) best = c;
    }
  }
  return build(best.first * best.step, best.last * best.step, best.step);
}

/** `round(x)`, except that an x within floating-point noise of an integer is that integer. */
function nearInteger(x: number, round: (x: number) => number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-9 * Math.max(1, Math.abs(x)) ? r : round(x);
}

interface Candidate {
  readonly first: number;
  readonly last: number;
  readonly step: number;
  /** At least MIN_TICKS ticks. */
  readonly enough: boolean;
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.enough !== b.enough) return a.enough;
  const top = (c: Candidate) => c.last * c.step;
  const eps = 1e-9 * Math.max(a.step, b.step);
  if (Math.abs(top(a) - top(b)) > eps) return top(a) < top(b);
  return a.step > b.step;
}

function build(min: number, max: number, step: number): { values: number[]; min: number; max: number; step: number } {
  const n = Math.round((max - min) / step);
  const values = Array.from({ length: n + 1 }, (_, i) => clean(min + i * step));
  return { values, min: values[0]!, max: values[n]!, step };
}

/** Round off floating-point noise (0.30000000000000004 -> 0.3). */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * The vega-lite `scale` and `axis` of a byte axis from 0 to at least `max`
 * over `pixels`, ticked at round numbers of its unit.
 */
export function byteAxis(max: number, pixels: number, axis: Record<string, unknown> = {}) {
  const t = byteTicks(0, max, { maxTicks: maxTicksFor(pixels) });
  return {
    scale: { domain: [t.min, t.max], nice: false },
    axis: { ...axis, values: t.values, labelExpr: t.labelExpr },
  };
}
