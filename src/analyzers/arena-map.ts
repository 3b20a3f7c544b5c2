// The arena occupancy map at one instant: for each live arena (by base
// address), how full each of its pools is. Bounded: at most `maxArenas`
// arenas, spread evenly over the address order so the map still shows the
// whole heap; the rest are counted.

import { blockSize, blocksPerPool } from '../models/pymalloc/geometry.js';
import type { ReplayView } from '../replay/replay-view.js';
import type { ArenaMap, ArenaMapArena, TraceInstant } from './report-data.js';

/** Live arena slots, by ascending base address. */
export function liveArenaSlots(r: ReplayView): number[] {
  const m = r.model;
  const slots: number[] = [];
  for (let a = 0; a < m.arenaSlots; a++) if (m.arenaBase(a) !== 0) slots.push(a);
  return slots.sort((x, y) => m.arenaBase(x) - m.arenaBase(y));
}

/** At most `max` of `items`, evenly spread, first and last kept. */
export function spread<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  if (max <= 0) return [];
  if (max === 1) return [items[0]!];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))]!);
  return out;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

export function arenaMapOf(r: ReplayView, at: TraceInstant, maxArenas: number): ArenaMap {
  const m = r.model;
  const g = r.geometry;
  const slots = liveArenaSlots(r);
  const shown = spread(slots, maxArenas);
  const arenas: ArenaMapArena[] = shown.map((a) => {
    const total = m.arenaTotalPools(a);
    const carved = m.arenaCarvedPools(a);
    const pools: (number | null)[] = new Array<number | null>(total).fill(null);
    const classes: number[] = new Array<number>(total).fill(-1);
    let poolsInUse = 0;
    let blocks = 0;
    let bytes = 0;
    for (let i = 0; i < carved; i++) {
      const pool = m.arenaPoolSlot(a, i);
      const count = m.poolBlockCount(pool);
      if (count === 0) {
        pools[i] = 0;
        continue;
      }
      const c = m.poolSizeClass(pool);
      pools[i] = round4(count / blocksPerPool(g, c));
      classes[i] = c;
      poolsInUse++;
      blocks += count;
      bytes += count * blockSize(g, c);
    }
    return {
      base: r.formatAddress(m.arenaBase(a)),
      serial: m.arenaSerial(a),
      poolsInUse,
      liveBlocks: blocks,
      allocatedBlockBytes: bytes,
      utilisation: bytes / g.arenaSize,
      pools,
      poolSizeClasses: classes,
    };
  });
  return {
    ...at,
    arenaSizeBytes: g.arenaSize,
    poolSizeBytes: g.poolSize,
    poolsPerArena: g.maxPoolsInArena,
    totalArenas: slots.length,
    arenasOmitted: slots.length - shown.length,
    arenas,
  };
}
