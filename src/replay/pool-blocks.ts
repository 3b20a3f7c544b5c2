// Live pymalloc blocks whose trace address is exactly the model's address —
// every block of a faithful replay — stored by position instead of by hash:
// one chunk per arena slot, one record per 16-byte granule from the arena's
// first pool. Neighbouring blocks are neighbours here too, so the replay walks
// memory the way the allocator did, and nothing is rehashed or copied as the
// heap grows. Blocks the model placed elsewhere than the trace says, and
// C-library blocks, go to the LiveBlocks hash instead.
//
// A granule index g = (arena slot << granuleShift) + granule. Per granule,
// three float64 words: allocating event, its timestamp, and two int32
// (size | domain << 16 | state << 18, stack). When the model gives a slot a
// new arena, the slot's chunk is cleared (the replayer calls resetSlot from
// the model's onArenaAssigned), so old states never leak into it.

import { blockSize } from '../models/pymalloc/geometry.js';
import type { PymallocModel } from '../models/pymalloc/pymalloc-model.js';
import { SLOT_FREED, SLOT_LIVE } from './live-blocks.js';

const WORDS = 3;
const EMPTY_CHUNK = new Float64Array(0);

export class PoolBlocks {
  private readonly words: Float64Array[] = [];
  private readonly ints: Int32Array[] = [];
  private readonly shift: number;
  private readonly mask: number;
  /** Live blocks stored here. */
  live = 0;

  constructor(private readonly model: PymallocModel) {
    this.shift = model.granuleShift;
    this.mask = (1 << this.shift) - 1;
  }

  /** EMPTY, LIVE or FREED for a granule of a live arena. */
  state(g: number): number {
    return (this.ints[g >> this.shift]![(g & this.mask) * 6 + 4]! >>> 18) & 3;
  }

  store(g: number, size: number, stack: number, domain: number, event: number, ts: number): void {
    const a = g >> this.shift;
    const w = (g & this.mask) * WORDS;
    const words = this.words[a]!;
    const ints = this.ints[a]!;
    words[w] = event;
    words[w + 1] = ts;
    ints[w * 2 + 4] = size | (domain << 16) | (SLOT_LIVE << 18);
    ints[w * 2 + 5] = stack;
    this.live++;
  }

  markFreed(g: number): void {
    const ints = this.ints[g >> this.shift]!;
    const i = (g & this.mask) * 6 + 4;
    ints[i] = (ints[i]! & 0x3ffff) | (SLOT_FREED << 18);
    this.live--;
  }

  size(g: number): number {
    return this.ints[g >> this.shift]![(g & this.mask) * 6 + 4]! & 0xffff;
  }

  setSize(g: number, size: number): void {
    const ints = this.ints[g >> this.shift]!;
    const i = (g & this.mask) * 6 + 4;
    ints[i] = (ints[i]! & ~0xffff) | size;
  }

  domain(g: number): number {
    return (this.ints[g >> this.shift]![(g & this.mask) * 6 + 4]! >>> 16) & 3;
  }

  stack(g: number): number {
    return this.ints[g >> this.shift]![(g & this.mask) * 6 + 5]!;
  }

  setStack(g: number, stack: number): void {
    this.ints[g >> this.shift]![(g & this.mask) * 6 + 5] = stack;
  }

  allocEvent(g: number): number {
    return this.words[g >> this.shift]![(g & this.mask) * WORDS]!;
  }

  allocTs(g: number): number {
    return this.words[g >> this.shift]![(g & this.mask) * WORDS + 1]!;
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
    for (let a = 0; a < this.ints.length; a++) {
      const ints = this.ints[a]!;
      if (m.arenaBase(a) === 0 || ints.length === 0) continue;
      const base = a << this.shift;
      const carved = m.arenaCarvedPools(a);
      for (let i = 0; i < carved; i++) {
        const pool = m.arenaPoolSlot(a, i);
        if (m.poolBlockCount(pool) === 0) continue;
        // Granules are `alignment` bytes, so a block spans blockSize / alignment of them.
        const step = blockSize(geometry, m.poolSizeClass(pool)) / geometry.alignment;
        let i6 = ((i * granulesPerPool + headerGranules) * 6) + 4;
        let g = base + i * granulesPerPool + headerGranules;
        for (let b = m.poolCarvedBlocks(pool); b > 0; b--, g += step, i6 += step * 6) {
          if (((ints[i6]! >>> 18) & 3) === SLOT_LIVE) visit(g, pool);
        }
      }
    }
  }

  /** The model gave arena slot `a` a new arena: start its chunk empty. */
  resetSlot(a: number): void {
    while (this.words.length <= a) {
      this.words.push(EMPTY_CHUNK);
      this.ints.push(new Int32Array(0));
    }
    if (this.words[a]!.length === 0) {
      const words = new Float64Array((this.mask + 1) * WORDS);
      this.words[a] = words;
      this.ints[a] = new Int32Array(words.buffer);
    } else {
      this.words[a]!.fill(0);
    }
  }
}
