// Live pymalloc blocks whose trace address is exactly the model's address —
// every block of a faithful replay — stored by position instead of by hash:
// one chunk per arena slot, one record per block, indexed by the model's
// block index k = pool slot * stride + block number (see
// PymallocModel.blockIndexOf; split with `>>>` and `&`, exact below 2^32,
// as `>>` is not past 2^31): dense within a pool, in address order, so
// neighbouring blocks are neighbours here too, and nothing is rehashed or
// copied as the heap grows. Blocks the model placed elsewhere than the trace
// says, and C-library blocks, go to the LiveBlocks hash instead.
//
// Per block, two records in separate arrays, because a free touches only the
// first:
// - hot, one uint16: size (1..512, 10 bits) | domain << 10 | state << 12;
// - cold, three float64: allocating event, its timestamp and stack id.
// Frees land on old blocks scattered over the whole heap, so what they read
// must be dense: 2 bytes a block keeps the hot records of a 48 MiB heap
// within a few MiB of cache. When the model gives a slot a new arena, the
// slot's records are cleared (the replayer calls resetSlot from the model's
// onArenaAssigned), so old states never leak into it.

import type { PymallocModel } from '../models/pymalloc/pymalloc-model.js';
import { SLOT_FREED, SLOT_LIVE } from './live-blocks.js';

const COLD_WORDS = 3;
const SIZE_MASK = 0x3ff;
const DOMAIN_SHIFT = 10;
const STATE_SHIFT = 12;
const EMPTY_HOT = new Uint16Array(0);
const EMPTY_COLD = new Float64Array(0);
/** Arena slots' records allocated at once, at most (see allocateGroup). */
const MAX_GROUP_SLOTS = 16;

export class PoolBlocks {
  private readonly hot: Uint16Array[] = [];
  private readonly cold: Float64Array[] = [];
  private readonly shift: number;
  private readonly mask: number;
  /** Records allocated for slots that have not had an arena yet. */
  private readonly unusedHot: Uint16Array[] = [];
  private readonly unusedCold: Float64Array[] = [];
  /** Slots of the next group: 1, 2, 4, ... MAX_GROUP_SLOTS. */
  private groupSlots = 1;
  /** Live blocks stored here. */
  live = 0;

  constructor(
    private readonly model: PymallocModel,
    /** The replay's clock: a stored block records the event and timestamp current now. */
    private readonly clock: { readonly events: number; readonly lastTs: number },
  ) {
    this.shift = model.blockIndexShift;
    this.mask = (1 << this.shift) - 1;
  }

  /** EMPTY, LIVE or FREED for a block index of a live arena. */
  state(k: number): number {
    return this.hot[k >>> this.shift]![k & this.mask]! >>> STATE_SHIFT;
  }

  /**
   * A block of `size` bytes (1..512: pymalloc serves no other) goes live, at
   * the clock's event. (The clock is read here, not passed: a timestamp is a
   * double that V8 would box on a call it did not inline.)
   */
  store(k: number, size: number, stack: number, domain: number): void {
    const a = k >>> this.shift;
    const i = k & this.mask;
    this.hot[a]![i] = size | (domain << DOMAIN_SHIFT) | (SLOT_LIVE << STATE_SHIFT);
    const cold = this.cold[a]!;
    const w = i * COLD_WORDS;
    cold[w] = this.clock.events;
    cold[w + 1] = this.clock.lastTs;
    cold[w + 2] = stack;
    this.live++;
  }

  markFreed(k: number): void {
    const hot = this.hot[k >>> this.shift]!;
    const i = k & this.mask;
    hot[i] = (hot[i]! & ((1 << STATE_SHIFT) - 1)) | (SLOT_FREED << STATE_SHIFT);
    this.live--;
  }

  size(k: number): number {
    return this.hot[k >>> this.shift]![k & this.mask]! & SIZE_MASK;
  }

  setSize(k: number, size: number): void {
    const hot = this.hot[k >>> this.shift]!;
    const i = k & this.mask;
    hot[i] = (hot[i]! & ~SIZE_MASK) | size;
  }

  domain(k: number): number {
    return (this.hot[k >>> this.shift]![k & this.mask]! >>> DOMAIN_SHIFT) & 3;
  }

  stack(k: number): number {
    return this.cold[k >>> this.shift]![(k & this.mask) * COLD_WORDS + 2]!;
  }

  setStack(k: number, stack: number): void {
    this.cold[k >>> this.shift]![(k & this.mask) * COLD_WORDS + 2] = stack;
  }

  allocEvent(k: number): number {
    return this.cold[k >>> this.shift]![(k & this.mask) * COLD_WORDS]!;
  }

  allocTs(k: number): number {
    return this.cold[k >>> this.shift]![(k & this.mask) * COLD_WORDS + 1]!;
  }

  /**
   * Visit every live block (its block index and pool slot), in address order
   * within each arena slot.
   */
  forEachLive(visit: (k: number, pool: number) => void): void {
    const mask = this.mask;
    this.forEachPoolInUse((pool, first, end, hot) => {
      for (let k = first; k < end; k++) if (hot[k & mask]! >>> STATE_SHIFT === SLOT_LIVE) visit(k, pool);
    });
  }

  /**
   * forEachLive with what most walks need, read here: pool slot, requested
   * size, stack and domain. All are small integers, so nothing is boxed per
   * block (an allocating event or a timestamp would be): `leaks` walks every
   * live block at each of its growth samples.
   */
  forEachLiveBrief(visit: (pool: number, size: number, stack: number, domain: number) => void): void {
    const mask = this.mask;
    this.forEachPoolInUse((pool, first, end, hot, cold) => {
      for (let k = first; k < end; k++) {
        const h = hot[k & mask]!;
        if (h >>> STATE_SHIFT === SLOT_LIVE) visit(pool, h & SIZE_MASK, cold[(k & mask) * COLD_WORDS + 2]!, (h >>> DOMAIN_SHIFT) & 3);
      }
    });
  }

  /**
   * Each pool in use with the block indexes [first, end) of its carved
   * blocks and its arena slot's records.
   * Only the blocks the model has carved in its pools in use can be live
   * here (a block is stored when the model hands it out and marked freed
   * before its pool is emptied and reused), so a walk costs the carved pools
   * of the live arenas plus their carved blocks, not every block of every
   * arena.
   */
  private forEachPoolInUse(visit: (pool: number, first: number, end: number, hot: Uint16Array, cold: Float64Array) => void): void {
    if (this.live === 0) return;
    const m = this.model;
    for (let a = 0; a < this.hot.length; a++) {
      const hot = this.hot[a]!;
      if (m.arenaBase(a) === 0 || hot.length === 0) continue;
      const carved = m.arenaCarvedPools(a);
      for (let i = 0; i < carved; i++) {
        const pool = m.arenaPoolSlot(a, i);
        if (m.poolBlockCount(pool) === 0) continue;
        const first = m.blockIndexOf(m.poolAddress(pool) + m.g.poolOverhead, pool);
        visit(pool, first, first + m.poolCarvedBlocks(pool), hot, this.cold[a]!);
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
      if (this.unusedHot.length === 0) this.allocateGroup();
      this.hot[a] = this.unusedHot.pop()!;
      this.cold[a] = this.unusedCold.pop()!;
    } else {
      // Only the states matter: cold records are written before they are read.
      this.hot[a]!.fill(0);
    }
  }

  /**
   * Records for the next arena slots, allocated a group at a time (1, 2, 4,
   * then 16 slots) as views into one buffer each: a trace of many small
   * arenas (256 KiB before 3.10) would otherwise pay one large zeroed
   * allocation per arena. Memory is only touched, so only resident, where
   * blocks are stored.
   */
  private allocateGroup(): void {
    // (Counted up to the largest group only: `1 << groups` wraps past 31.)
    const n = this.groupSlots;
    if (n < MAX_GROUP_SLOTS) this.groupSlots = n * 2;
    const perSlot = this.mask + 1;
    const hot = new Uint16Array(n * perSlot);
    const cold = new Float64Array(n * perSlot * COLD_WORDS);
    for (let i = n - 1; i >= 0; i--) {
      this.unusedHot.push(hot.subarray(i * perSlot, (i + 1) * perSlot));
      this.unusedCold.push(cold.subarray(i * perSlot * COLD_WORDS, (i + 1) * perSlot * COLD_WORDS));
    }
  }
}
