// Live pymalloc blocks whose trace address is exactly the model's address —
// every block of a faithful replay — stored by position instead of by hash:
// one chunk per arena slot, one record per 16-byte granule from the arena's
// first pool. Neighbouring blocks are neighbours here too, so the replay walks
// memory the way the allocator did, and nothing is rehashed or copied as the
// heap grows. Blocks the model placed elsewhere than the trace says, and
// C-library blocks, go to the LiveBlocks hash instead.
//
// A granule index g = (arena slot << granuleShift) + granule. Per granule,
// two records in separate arrays, because a free touches only the first:
// - hot, one uint16: size (1..512, 10 bits) | domain << 10 | state << 12;
// - cold, three float64: allocating event, its timestamp and stack id.
// Frees land on old blocks scattered over the whole heap, so what they read
// must be dense: at 2 bytes a granule the hot records of 48 arenas fit in
// 6 MB of cache, where one 24-byte record per granule needed 72 MB and most
// frees missed the cache. When the model gives a slot a new arena, the
// slot's records are cleared (the replayer calls resetSlot from the model's
// onArenaAssigned), so old states never leak into it.

import { blockSize } from '../models/pymalloc/geometry.js';
import type { PymallocModel } from '../models/pymalloc/pymalloc-model.js';
import { SLOT_FREED, SLOT_LIVE } from './live-blocks.js';

const COLD_WORDS = 3;
const SIZE_MASK = 0x3ff;
const DOMAIN_SHIFT = 10;
const STATE_SHIFT = 12;
const EMPTY_HOT = new Uint16Array(0);
const EMPTY_COLD = new Float64Array(0);

export class PoolBlocks {
  private readonly hot: Uint16Array[] = [];
  private readonly cold: Float64Array[] = [];
  private readonly shift: number;
  private readonly mask: number;
  /** Live blocks stored here. */
  live = 0;

  constructor(
    private readonly model: PymallocModel,
    /** The replay's clock: a stored block records the event and timestamp current now. */
    private readonly clock: { readonly events: number; readonly lastTs: number },
  ) {
    this.shift = model.granuleShift;
    this.mask = (1 << this.shift) - 1;
  }

  /** EMPTY, LIVE or FREED for a granule of a live arena. */
  state(g: number): number {
    return this.hot[g >> this.shift]![g & this.mask]! >>> STATE_SHIFT;
  }

  /**
   * A block of `size` bytes (1..512: pymalloc serves no other) goes live, at
   * the clock's event. (The clock is read here, not passed: a timestamp is a
   * double that V8 would box on a call it did not inline.)
   */
  store(g: number, size: number, stack: number, domain: number): void {
    const a = g >> this.shift;
    const i = g & this.mask;
    this.hot[a]![i] = size | (domain << DOMAIN_SHIFT) | (SLOT_LIVE << STATE_SHIFT);
    const cold = this.cold[a]!;
    const w = i * COLD_WORDS;
    cold[w] = this.clock.events;
    cold[w + 1] = this.clock.lastTs;
    cold[w + 2] = stack;
    this.live++;
  }

  markFreed(g: number): void {
    const hot = this.hot[g >> this.shift]!;
    const i = g & this.mask;
    hot[i] = (hot[i]! & ((1 << STATE_SHIFT) - 1)) | (SLOT_FREED << STATE_SHIFT);
    this.live--;
  }

  size(g: number): number {
    return this.hot[g >> this.shift]![g & this.mask]! & SIZE_MASK;
  }

  setSize(g: number, size: number): void {
    const hot = this.hot[g >> this.shift]!;
    const i = g & this.mask;
    hot[i] = (hot[i]! & ~SIZE_MASK) | size;
  }

  domain(g: number): number {
    return (this.hot[g >> this.shift]![g & this.mask]! >>> DOMAIN_SHIFT) & 3;
  }

  stack(g: number): number {
    return this.cold[g >> this.shift]![(g & this.mask) * COLD_WORDS + 2]!;
  }

  setStack(g: number, stack: number): void {
    this.cold[g >> this.shift]![(g & this.mask) * COLD_WORDS + 2] = stack;
  }

  allocEvent(g: number): number {
    return this.cold[g >> this.shift]![(g & this.mask) * COLD_WORDS]!;
  }

  allocTs(g: number): number {
    return this.cold[g >> this.shift]![(g & this.mask) * COLD_WORDS + 1]!;
  }

  /**
   * Visit every live granule (with its pool slot), in address order within
   * each arena slot.
   * Only the blocks the model has carved in its pools in use can be live
   * here (a block is stored when the model hands it out and marked freed
   * before its pool is emptied and reused), so the walk costs the carved
   * pools of the live arenas plus their carved blocks, not every granule of
   * every arena: `leaks` walks the live blocks at every growth sample.
   */
  forEachLive(visit: (g: number, pool: number) => void): void {
    if (this.live === 0) return;
    const m = this.model;
    const geometry = m.g;
    const granulesPerPool = geometry.poolSize / geometry.alignment;
    const headerGranules = geometry.poolOverhead / geometry.alignment;
    for (let a = 0; a < this.hot.length; a++) {
      const hot = this.hot[a]!;
      if (m.arenaBase(a) === 0 || hot.length === 0) continue;
      const base = a << this.shift;
      const carved = m.arenaCarvedPools(a);
      for (let i = 0; i < carved; i++) {
        const pool = m.arenaPoolSlot(a, i);
        if (m.poolBlockCount(pool) === 0) continue;
        // Granules are `alignment` bytes, so a block spans blockSize / alignment of them.
        const step = blockSize(geometry, m.poolSizeClass(pool)) / geometry.alignment;
        let k = i * granulesPerPool + headerGranules;
        for (let b = m.poolCarvedBlocks(pool); b > 0; b--, k += step) {
          if (hot[k]! >>> STATE_SHIFT === SLOT_LIVE) visit(base + k, pool);
        }
      }
    }
  }

  /** The model gave arena slot `a` a new arena: start its records empty. */
  resetSlot(a: number): void {
    while (this.hot.length <= a) {
      this.hot.push(EMPTY_HOT);
      this.cold.push(EMPTY_COLD);
    }
    if (this.hot[a]!.length === 0) {
      this.hot[a] = new Uint16Array(this.mask + 1);
      this.cold[a] = new Float64Array((this.mask + 1) * COLD_WORDS);
    } else {
      // Only the states matter: cold records are written before they are read.
      this.hot[a]!.fill(0);
    }
  }
}
