// visiblePoints (visible-points.ts): the points a line's pixels can show.

import { describe, expect, it } from 'vitest';
import { visiblePoints } from '../../../src/reports/html/visible-points.js';

type P = { x: number; y: number };
const X = (p: P): number => p.x;
const Y = (p: P): number => p.y;
const none = (): boolean => false;

/** The kept polyline's y at x (x within its range). */
function drawnAt(kept: readonly P[], x: number): number {
  for (let i = 1; i < kept.length; i++) {
    const a = kept[i - 1]!;
    const b = kept[i]!;
    if (x <= b.x) return b.x === a.x ? a.y : a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
  }
  return kept.at(-1)!.y;
}

describe('the points a line can show', () => {
  it('leaves out the inside of a flat or straight stretch, and keeps every bend', () => {
    const flat = Array.from({ length: 100 }, (_, i) => ({ x: i * 2, y: 50 }));
    expect(visiblePoints(flat, X, [Y], none)).toEqual([flat[0], flat[99]]);
    const bend = Array.from({ length: 100 }, (_, i) => ({ x: i * 2, y: i < 40 ? 10 : 10 + (i - 40) * 3 }));
    expect(visiblePoints(bend, X, [Y], none)).toEqual([bend[0], bend[40], bend[99]]);
    const spike = flat.map((p, i) => (i === 70 ? { x: p.x, y: 51 } : p));
    expect(visiblePoints(spike, X, [Y], none)).toEqual([spike[0], spike[69], spike[70], spike[71], spike[99]]);
  });

  it('keeps the points it is told to, and moves no line by more than the tolerance', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const points = Array.from({ length: 500 }, (_, i) => ({ x: i * 1.7, y: Math.round(random() * 3) * 0.2 + i * 0.1 }));
    const kept = visiblePoints(points, X, [Y], (p) => p.x === 17);
    expect(kept.length).toBeLessThan(points.length);
    expect(kept).toContain(points[10]);
    for (const p of points) expect(Math.abs(drawnAt(kept, p.x) - p.y)).toBeLessThanOrEqual(0.25 + 1e-9);
    // Two lines (a band's edges): a point stays when either edge needs it.
    const band = points.map((p, i) => ({ x: p.x, y: 0, hi: i === 250 ? 5 : 0 }));
    expect(visiblePoints(band, X, [Y, (p) => p.hi], none)).toContain(band[250]);
  });
});
