// The points of a line (or of a band between two lines) that its pixels can
// show. A timeline has up to 512 buckets per series on a plot ~860 pixels
// wide, and vega's cost is per point: a point that lies within a fraction
// of a pixel of the straight line between the points kept around it changes
// no pixel of the drawing, so it is left out (a flat stretch, a steady ramp).

/**
 * The points to draw, in order: the first and last, every point `keep`
 * accepts, and every point that would move a line (each of `ys`, in
 * pixels) by more than `tolerancePx` if left out. `x` is in pixels and
 * grows along the array. Greedy: a point is left out only when every point
 * left out since the last kept one stays within the tolerance of the
 * segment that replaces them.
 */
export function visiblePoints<T>(
  points: readonly T[],
  x: (p: T) => number,
  ys: readonly ((p: T) => number)[],
  keep: (p: T) => boolean,
  tolerancePx = 0.25,
): T[] {
  const n = points.length;
  if (n <= 2) return [...points];
  const out: T[] = [points[0]!];
  let anchor = 0;
  for (let i = 1; i < n - 1; i++) {
    if (keep(points[i]!) || !coveredBy(points, anchor, i + 1, x, ys, tolerancePx)) {
      out.push(points[i]!);
      anchor = i;
    }
  }
  out.push(points[n - 1]!);
  return out;
}

/** Whether every point strictly between `a` and `b` lies within `tolerance` pixels (vertically) of the segment a-b, on every line. */
function coveredBy<T>(points: readonly T[], a: number, b: number, x: (p: T) => number, ys: readonly ((p: T) => number)[], tolerance: number): boolean {
  const pa = points[a]!;
  const pb = points[b]!;
  const xa = x(pa);
  const dx = x(pb) - xa;
  for (const y of ys) {
    const ya = y(pa);
    const slope = dx === 0 ? 0 : (y(pb) - ya) / dx;
    for (let j = a + 1; j < b; j++) {
      const p = points[j]!;
      if (dx === 0 ? Math.abs(y(p) - ya) > tolerance : Math.abs(ya + slope * (x(p) - xa) - y(p)) > tolerance) return false;
    }
  }
  return true;
}
