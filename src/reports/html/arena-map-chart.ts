// The arena occupancy map: one row per arena (by address), one cell per pool,
// coloured by how full the pool is. Utilisation is binned in quarters and
// neighbouring pools of the same bin are drawn as one rectangle, so a map of
// 256 arenas x 64 pools stays a few hundred kilobytes of SVG instead of megabytes.

import type { ArenaMap } from '../../analyzers/report-data.js';
import { FULL_WIDTH, vegaLiteSpec } from './chart-theme.js';
import type { ChartSpec } from './render-chart.js';

export const POOL_BINS = ['not carved', 'empty', '1–25% used', '26–50% used', '51–75% used', '76–100% used'] as const;
const BIN_COLOURS = ['#f4f4f4', '#f6d55c', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

/** The bin of a pool: its utilisation (null: not carved yet) to an index of POOL_BINS. */
export function poolBin(utilisation: number | null): number {
  if (utilisation === null) return 0;
  if (utilisation <= 0) return 1;
  return 2 + Math.min(3, Math.floor((Math.min(1, utilisation) * 100 - 1e-9) / 25));
}

export interface PoolRun {
  /** Row: the arena's index in the map. */
  readonly r: number;
  /** First pool and one past the last. */
  readonly p0: number;
  readonly p1: number;
  readonly bin: (typeof POOL_BINS)[number];
}

/** Runs of neighbouring pools in the same bin, arena by arena. */
export function poolRuns(map: ArenaMap): PoolRun[] {
  const runs: PoolRun[] = [];
  map.arenas.forEach((arena, r) => {
    let start = 0;
    for (let p = 1; p <= arena.pools.length; p++) {
      if (p < arena.pools.length && poolBin(arena.pools[p]!) === poolBin(arena.pools[start]!)) continue;
      runs.push({ r, p0: start, p1: p, bin: POOL_BINS[poolBin(arena.pools[start]!)]! });
      start = p;
    }
  });
  return runs;
}

/** Row height in pixels: small maps get rows tall enough to read, big ones fit 256 rows in ~512 px. */
function rowHeight(rows: number): number {
  return rows <= 4 ? 18 : rows <= 32 ? 10 : rows <= 96 ? 5 : rows <= 160 ? 3 : 2;
}

export function arenaMapChart(name: string, title: string, map: ArenaMap): ChartSpec {
  const rows = map.arenas.length;
  const step = rowHeight(rows);
  // Rows are arenas, named by serial number (#n, the order pymalloc
  // allocated them, as in the pinning tables) and ordered by address. An
  // ordinal axis, so one arena is one row, not a 0..1 range.
  const label = (r: number) => `#${map.arenas[r]!.serial}`;
  const labelEvery = Math.max(1, Math.ceil(12 / step));
  return {
    name,
    title,
    spec: vegaLiteSpec('Arena occupancy: one row per arena in address order, one cell per pool, coloured by the share of its blocks in use.', {
      width: FULL_WIDTH - 160,
      height: { step },
      // Sorted by bin: neighbouring rectangles of one colour merge into one SVG path (render-chart.ts).
      data: { values: poolRuns(map).map((run) => ({ ...run, arena: label(run.r) })).sort((a, b) => POOL_BINS.indexOf(a.bin) - POOL_BINS.indexOf(b.bin)) },
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'p0', type: 'quantitative', title: 'pool (address order within the arena)', scale: { domain: [0, map.poolsPerArena], nice: false } },
        x2: { field: 'p1' },
        y: {
          field: 'arena',
          type: 'ordinal',
          title: rows === 1 ? 'arena' : 'arenas by address',
          sort: map.arenas.map((_, r) => label(r)),
          scale: { paddingInner: 0, paddingOuter: 0 },
          axis: { values: map.arenas.flatMap((_, r) => (r % labelEvery === 0 ? [label(r)] : [])), labelFontSize: 10, ticks: false, titleAngle: 0, titleAlign: 'left', titleAnchor: 'start', titleY: -6, titleX: -40 },
        },
        color: { field: 'bin', type: 'ordinal', title: null, scale: { domain: [...POOL_BINS], range: BIN_COLOURS } },
      },
    }),
  };
}
