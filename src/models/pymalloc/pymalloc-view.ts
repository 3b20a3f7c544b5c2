// What an analyzer may read of a pymalloc model: its geometry, queries on
// arenas, pools and blocks, and the counters CPython's stats print. No
// mutating method and none of the model's scratch fields (lastPool,
// lastAddress, lastBlock, locatedBlock: the replayer's hand-offs), so an
// analyzer cannot change the state it summarises. PymallocModel implements
// it: a view is the model itself, typed narrower, at no cost per event.

import type { PymallocGeometry } from './geometry.js';

/** The pool slot of a block pymalloc does not serve (the C library's). */
export const NOT_PYMALLOC = -1;

export interface ArenaCounters {
  readonly allocatedTotal: number;
  readonly current: number;
  readonly highwater: number;
}

export interface PymallocView {
  readonly g: PymallocGeometry;

  // Running totals (derived state the model keeps in step).
  /** Blocks in use per size class. */
  readonly blocksInUse: ArrayLike<number>;
  /** Pools with at least one block in use, per size class. */
  readonly poolsInUse: ArrayLike<number>;
  readonly arenaCounters: ArenaCounters;
  readonly arenasCurrent: number;
  readonly blocksInUseTotal: number;
  /** Bytes in allocated blocks (block sizes, not requested sizes). */
  readonly allocatedBlockBytes: number;
  readonly poolsInUseCount: number;
  /** Bytes at the end of the pools in use too small for one more block. */
  readonly quantizationBytes: number;
  /** Empty pools plus never-carved pools over all live arenas. */
  readonly freePools: number;
  readonly unalignedArenaCount: number;
  readonly radixMidNodes: number;
  readonly radixBotNodes: number;

  // Arenas, by arena slot.
  /** Arena slots the arena vector holds (live or not). */
  readonly arenaSlots: number;
  /** Base address of an arena slot, 0 when the slot holds no arena. */
  arenaBase(arena: number): number;
  /** Which arena allocation an arena slot holds now (changes when the slot is reused). */
  arenaSerial(arena: number): number;
  /** Pools an arena slot can hold: maxPoolsInArena, one less when its base is not pool-aligned. */
  arenaTotalPools(arena: number): number;
  /** Pools of an arena slot carved so far. */
  arenaCarvedPools(arena: number): number;
  /** Pool slot of the i-th pool of an arena slot. */
  arenaPoolSlot(arena: number, i: number): number;
  /** Free pools (empty + never carved) of an arena slot. */
  arenaFreePools(arena: number): number;
  /** Call `visit(pool)` for every carved pool of every live arena, in arena-slot order. */
  forEachCarvedPool(visit: (pool: number, arena: number) => void): void;

  // Pools, by pool slot.
  /** Size class of the block(s) in a pool slot. */
  poolSizeClass(pool: number): number;
  /** Whether this model has a pool slot `pool` (its arena slot exists). */
  hasPool(pool: number): boolean;
  /** Arena slot of a pool slot. */
  poolArena(pool: number): number;
  poolAddress(pool: number): number;
  poolBlockCount(pool: number): number;
  /** Blocks of a pool carved so far (CPython's nextoffset, in blocks). */
  poolCarvedBlocks(pool: number): number;

  // Blocks, by block index.
  /** Block indices an arena slot spans: arena slot * 2^blockIndexShift + pool and block. */
  readonly blockIndexShift: number;
  /** Address of a block index. */
  addressOfBlock(k: number): number;
  /** Pool slot of a block index. */
  poolOfBlock(k: number): number;
}
