import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteTicks, countTicks, maxTicksFor } from '../../src/reports/html/axis-ticks.js';

const MiB = 1024 ** 2;
const inUnit = (t: { values: readonly number[]; unitSize: number }) => t.values.map((v) => v / t.unitSize);

/** A step of 1, 2, 2.5 or 5 times a power of ten. */
function isRoundStep(step: number): boolean {
  const k = Math.floor(Math.log10(step) + 1e-9);
  const m = Number((step / 10 ** k).toPrecision(12));
  return [1, 2, 2.5, 5].includes(m);
}

describe('axis ticks', () => {
  it('ticks bytes at round numbers of the unit they print in, not of bytes', () => {
    // The new-user trial's axes: 488 KiB / 977 KiB / 1.43 MiB and 4.77 / 9.54 / 14.3 MiB.
    const small = byteTicks(0, 2.17 * MiB, { maxTicks: maxTicksFor(220), headroom: 0.08 });
    expect(small.unit).toBe('MiB');
    expect(inUnit(small)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    const big = byteTicks(0, 36.9 * MiB, { maxTicks: maxTicksFor(220), headroom: 0.08 });
    expect(inUnit(big)).toEqual([0, 10, 20, 30, 40]);
    const kib = byteTicks(0, 700 * 1024, { maxTicks: 6 });
    expect([kib.unit, ...inUnit(kib)]).toEqual(['KiB', 0, 250, 500, 750]);
  });

  it('ends on a tick at or above the highest value, with room for labels when asked', () => {
    const t = byteTicks(0, 5.6 * MiB, { maxTicks: 9, headroom: 0.08 });
    expect(t.max).toBeGreaterThanOrEqual(5.6 * MiB * 1.08);
    expect(t.values.at(-1)).toBe(t.max);
  });

  it('ticks counts at whole round steps', () => {
    expect(countTicks(0, 2118, { maxTicks: maxTicksFor(130), headroom: 0.08 }).values).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(countTicks(0, 4, { maxTicks: maxTicksFor(110), headroom: 0.08 }).values).toEqual([0, 1, 2, 3, 4, 5]);
    expect(countTicks(0, 0, { maxTicks: 5 }).values).toEqual([0, 1]);
  });

  it('starts at a round tick below the data when not asked to start at zero', () => {
    expect(inUnit(byteTicks(4.5 * MiB, 4.66 * MiB, { maxTicks: 4, zero: false }))).toEqual([4.5, 4.6, 4.7]);
  });

  it('for any range: round steps in the unit, evenly spaced ticks covering the data, within the tick budget', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 ** 50, noNaN: true }), fc.integer({ min: 2, max: 12 }), (hi, maxTicks) => {
        const t = byteTicks(0, hi, { maxTicks });
        const v = inUnit(t);
        expect(v[0]).toBe(0);
        expect(t.max).toBeGreaterThanOrEqual(hi);
        expect(v.length).toBeLessThanOrEqual(maxTicks);
        const step = t.step / t.unitSize;
        expect(isRoundStep(step), `step ${step} ${t.unit}`).toBe(true);
        // Every tick is a whole multiple of the step, printed with few digits.
        for (const x of v) {
          expect(Math.abs(x / step - Math.round(x / step))).toBeLessThan(1e-6);
          expect(String(x).replace(/^0\./, '').length).toBeLessThanOrEqual(6);
        }
        // The unit is the largest one the top of the axis reaches.
        expect(t.max >= t.unitSize || t.unit === 'B').toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
