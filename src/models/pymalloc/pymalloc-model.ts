// An exact replay model of CPython's small-object allocator
// (Objects/obmalloc.c; the algorithm is specified in pymalloc-model.md).
//
// Given the same sequence of malloc/free calls and the same arena base
// addresses, it hands out the same block addresses as CPython and reaches the
// same arena/pool/block counts. State lives in typed arrays indexed by arena
// slot (CPython's arena index) and pool slot (arena * poolsPerArena + pool
// number), so the per-call path allocates nothing:
// - a pool's free-block stack is a linked list of block numbers threaded
//   through `blockNext`, as CPython threads it through the freed blocks:
//   one Int16Array per arena slot, made when the slot gets its first arena
//   (never copied as the arena vector grows), with block b of the slot's
//   pool p at b * poolsPerArena + p, so the first blocks of all the pools of
//   an arena share cache lines and pages: a pool with few blocks (a big size
//   class, a pool just carved) touches one line, not a page of its own;
// - `usedpools[c]` is a doubly linked list through poolNext/poolPrev, and the
//   same poolNext links an empty pool into its arena's `freepools` stack;
// - usable_arenas is a doubly linked list through arenaNext/arenaPrev, kept
//   sorted by nfreepools with the nfp2lasta index (bpo-37029).
// Requests pymalloc does not serve (size 0, > 512) are not modelled here:
// `malloc` returns NOT_PYMALLOC and the caller accounts them as system memory.
//
// The model also keeps running totals (blocks and pools in use per class,
// free pools, unaligned arenas) so analyzers can read the stats numbers at any
// instant in O(size classes); `walkStats` recomputes them the way CPython's
// _PyObject_DebugMallocStats does, and tests check that the two agree.

import { ArenaDirectory } from './arena-directory.js';
import {
  blockSize,
  blocksPerPool,
  quantizationPerPool,
  type PymallocGeometry,
} from './geometry.js';
import { NOT_PYMALLOC, type ArenaCounters, type PymallocView } from './pymalloc-view.js';

export { NOT_PYMALLOC } from './pymalloc-view.js';

const NONE = -1;
const DUMMY_SIZE_IDX = 0xffff;
const NO_BLOCKS = new Int16Array(0);
/** Arena slots' `blockNext` allocated at once (see takeBlockLinks). */
const BLOCK_LINK_GROUP = 16;

/**
 * The most arena slots a model can have: block indexes (blockIndexOf) stay
 * below 2^32, so that `>>>` and `&` split them exactly. For every supported
 * version this is 64 GiB of arenas: 65,536 arenas of 1 MiB (3.10+), 262,144
 * of 256 KiB (3.8, 3.9). CPython's arena vector doubles (16, 32, ...), so
 * the limit is met when the arenas live at once outgrow it.
 */
export function maxArenaSlots(g: PymallocGeometry): number {
  return 2 ** (32 - blockIndexShiftOf(g));
}

function blockIndexShiftOf(g: PymallocGeometry): number {
  return Math.log2(g.maxPoolsInArena) + Math.ceil(Math.log2(blocksPerPool(g, 0)));
}

/** A heap needs more arena slots than the model's limit (maxArenaSlots or less). */
export class ArenaLimitError extends Error {
  override name = 'ArenaLimitError';
  constructor(
    readonly limit: number,
    readonly arenaSize: number,
  ) {
    const kib = arenaSize / 1024;
    const gib = (limit * arenaSize) / 2 ** 30;
    super(
      `the heap needs more than ${limit.toLocaleString('en-US')} pymalloc arenas of ${kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`} live at once; ` +
        `memreplay models at most that many (${gib} GiB of arenas)`,
    );
  }
}

/** Where the model gets arena base addresses and where it reports releases. */
export interface ArenaSource {
  /** Base address (key) of a new arena, as the arena allocator returned it. */
  allocateArena(): number;
  /** The model returned the arena at `base` to the OS. */
  releaseArena(base: number): void;
}

export class PymallocModel implements PymallocView {
  readonly g: PymallocGeometry;
  private readonly poolsPerArena: number;
  private readonly poolShift: number;
  /** g.poolSize and its inverse (exact: a power of two), and g.poolOverhead: fields of their own for the per-event paths. */
  private readonly poolSize: number;
  private readonly poolSizeInverse: number;
  private readonly poolOverhead: number;
  /**
   * Block numbers a pool spans in a block index (and `blockNext` per pool):
   * the power of two at or above the blocks per pool of class 0, so that a
   * block index (see blockIndexShift) splits into arena, pool and block.
   */
  private readonly blockStride: number;
  private readonly blockSizes: Int32Array;
  private readonly numBlocks: Int32Array;
  private readonly poolQuantization: Int32Array;

  // Arena objects, by arena slot.
  private maxArenas = 0;
  // (One slot before the first arena, so that poolAt/locate's look at the
  // arena asked last stays in bounds: an out-of-bounds typed-array read
  // deoptimises them, and the code V8 makes next boxes every value read.)
  private arenaAddress = new Float64Array(1);
  private arenaFirstPool = new Float64Array(1);
  private arenaPoolAddress = new Float64Array(1);
  private arenaNfree = new Int32Array(0);
  private arenaNtotal = new Int32Array(0);
  private arenaFreepools = new Int32Array(0);
  private arenaNext = new Int32Array(0);
  private arenaPrev = new Int32Array(0);
  /** ntimesArenaAllocated when the slot got its current arena: tells reuse of a slot apart. */
  private arenaSerialOf = new Float64Array(0);
  /** Arena directory: arena-size granule of an address -> the (at most two) live arenas overlapping it. */
  private readonly arenaDirectory = new ArenaDirectory();
  /** Arena slot of the last successful poolAt (a cache; validated on use). */
  private lastArenaLooked = 0;
  private unusedArenaObjects = NONE;
  private usableArenas = NONE;
  private readonly nfp2lasta: Int32Array;

  // Pools, by pool slot.
  private poolAddr = new Float64Array(0);
  private poolSzidx = new Int32Array(0);
  private poolCount = new Int32Array(0);
  /** Number of the next never-used block (CPython's nextoffset, in blocks). */
  private poolVirgin = new Int32Array(0);
  /** Top of the pool's free-block stack (a block number), NONE when empty. */
  private poolFreeHead = new Int32Array(0);
  private poolNext = new Int32Array(0);
  private poolPrev = new Int32Array(0);
  /** By arena slot (see the top): empty until the slot first holds an arena. */
  private readonly blockNext: Int16Array[] = [];
  private readonly spareBlockLinks: Int16Array[] = [];
  private readonly poolMask: number;
  private readonly usedpools: Int32Array;

  // Counters CPython keeps.
  private narenasCurrent = 0;
  private ntimesArenaAllocated = 0;
  private narenasHighwater = 0;
  // Radix tree interior nodes ever created (3.10+): only their counts matter.
  private readonly radixMid = new Set<number>();
  private readonly radixBot = new Set<string>();

  // Running totals for analyzers (not in CPython; derived state kept in step).
  /** Blocks in use per size class. */
  readonly blocksInUse: Float64Array;
  /** Pools with at least one block in use, per size class. */
  readonly poolsInUse: Float64Array;
  private freePoolsTotal = 0;
  private unalignedArenas = 0;
  private blocksTotal = 0;
  private bytesInBlocks = 0;
  private poolsInUseTotal = 0;
  private quantizationTotal = 0;

  /** Pool slot of the block returned by the last `malloc` (or NOT_PYMALLOC). */
  lastPool = NOT_PYMALLOC;
  /** Address of the block the last successful malloc handed out. */
  lastAddress = NaN;
  /** Its block index (blockIndexOf). */
  lastBlock = 0;
  /** Block index of the address the last `locate` found in a pool, or -1 when it is no block's start. */
  locatedBlock = -1;
  /** poolAt's address, handed to locate in an array. */
  private readonly scratch = new Float64Array(1);
  /** Called when an arena slot receives a new arena (rare: once per arena). */
  onArenaAssigned: ((arena: number) => void) | null = null;
  /** Called when an arena slot's arena goes back to the OS (rare: once per arena). */
  onArenaReleased: ((arena: number) => void) | null = null;
  /**
   * Called when a pool slot is (re)initialised for size class `sizeClass`
   * (once per pool carved, and when an emptied pool is taken for another
   * class), before its first block is handed out.
   */
  onPoolInit: ((pool: number, sizeClass: number) => void) | null = null;
  /**
   * Block index of a block: pool slot * blockStride + its number in the
   * pool, so arena slot * 2^blockIndexShift + ... : every block of every
   * arena slot, dense within a pool, in address order. Below 2^32 (see
   * maxArenaSlots) but not always below 2^31: computed with `*` (exact) and
   * split with `>>>` and `&` (exact below 2^32), never `<<` or `>>`, which
   * wrap at 2^31 (32,768 arenas of 1 MiB).
   */
  readonly blockIndexShift: number;
  /** log2 of the block numbers a pool spans in a block index: pool slot = k >>> strideShift. */
  readonly strideShift: number;

  constructor(
    geometry: PymallocGeometry,
    private readonly arenas: ArenaSource,
    /** Exact address of a key, for the radix-tree node counts (see address-space.ts). */
    private readonly decodeAddress: (key: number) => bigint = (k) => BigInt(k),
    /**
     * Arena slots the arena vector may grow to (a power of two, 16 up to
     * maxArenaSlots, the default): past it, new_arena throws ArenaLimitError.
     * Lower only to test the limit without a 64 GiB heap.
     */
    private readonly arenaSlotLimit = maxArenaSlots(geometry),
  ) {
    if (!(arenaSlotLimit >= geometry.initialArenaObjects && arenaSlotLimit <= maxArenaSlots(geometry) && Number.isInteger(Math.log2(arenaSlotLimit)))) {
      throw new RangeError(`arena slot limit ${arenaSlotLimit}: a power of two from ${geometry.initialArenaObjects} to ${maxArenaSlots(geometry)}`);
    }
    this.g = geometry;
    this.poolsPerArena = geometry.maxPoolsInArena;
    this.poolShift = Math.log2(geometry.maxPoolsInArena);
    if (!Number.isInteger(Math.log2(geometry.poolSize))) throw new RangeError(`pool size ${geometry.poolSize}: a power of two`);
    this.poolSize = geometry.poolSize;
    this.poolSizeInverse = 1 / geometry.poolSize;
    this.poolOverhead = geometry.poolOverhead;
    this.poolMask = geometry.maxPoolsInArena - 1;
    this.blockSizes = new Int32Array(geometry.sizeClasses);
    this.numBlocks = new Int32Array(geometry.sizeClasses);
    this.poolQuantization = new Int32Array(geometry.sizeClasses);
    for (let c = 0; c < geometry.sizeClasses; c++) {
      this.blockSizes[c] = blockSize(geometry, c);
      this.numBlocks[c] = blocksPerPool(geometry, c);
      this.poolQuantization[c] = quantizationPerPool(geometry, c);
    }
    this.strideShift = Math.ceil(Math.log2(this.numBlocks[0]!));
    this.blockStride = 1 << this.strideShift;
    this.blockIndexShift = blockIndexShiftOf(geometry);
    this.usedpools = new Int32Array(geometry.sizeClasses).fill(NONE);
    this.nfp2lasta = new Int32Array(geometry.maxPoolsInArena + 1).fill(NONE);
    this.blocksInUse = new Float64Array(geometry.sizeClasses);
    this.poolsInUse = new Float64Array(geometry.sizeClasses);
  }

  // ---------------------------------------------------------------- malloc

  /**
   * pymalloc_alloc(n): the address of a block for a request of n bytes, or
   * NOT_PYMALLOC when pymalloc does not serve it (n == 0 or n > 512). Sets
   * `lastPool` to the block's pool slot.
   */
  malloc(n: number): number {
    return this.mallocBlock(n) === NOT_PYMALLOC ? NOT_PYMALLOC : this.lastAddress;
  }

  /**
   * pymalloc_alloc(n) for the replay's hot path: returns the block's pool slot
   * (or NOT_PYMALLOC) and leaves its address in `lastAddress` and its block
   * index in `lastBlock`. Addresses are doubles beyond 2^31, and V8 boxes a
   * double returned from a call it did not inline; a field is written in place.
   */
  mallocBlock(n: number): number {
    if (n === 0 || n > this.g.smallRequestThreshold) {
      this.lastPool = NOT_PYMALLOC;
      return NOT_PYMALLOC;
    }
    const c = (n - 1) >> this.g.alignmentShift;
    const pool = this.usedpools[c]!;
    if (pool === NONE) {
      this.countBlock(c);
      return this.allocateFromNewPool(c);
    }
    return this.takeHead(pool, c);
  }

  /**
   * mallocBlock(n) if it would hand out exactly addresses[i] (the replay in
   * step with its trace, nearly every call); otherwise NOT_PYMALLOC, with
   * nothing changed (also when not known cheaply: not a pymalloc size, or no
   * usable pool of the class, so a new pool would be taken). The address is
   * read from the array rather than passed: see mallocBlock.
   */
  mallocAt(n: number, addresses: Float64Array, i: number): number {
    if (n === 0 || n > this.g.smallRequestThreshold) return NOT_PYMALLOC;
    const c = (n - 1) >> this.g.alignmentShift;
    const pool = this.usedpools[c]!;
    if (pool === NONE) {
      if (!this.newPoolWouldHandOut(c, addresses, i)) return NOT_PYMALLOC;
      this.countBlock(c);
      return this.allocateFromNewPool(c);
    }
    if (this.poolAddr[pool]! + this.poolOverhead + this.poolFreeHead[pool]! * this.blockSizes[c]! !== addresses[i]) {
      return NOT_PYMALLOC;
    }
    return this.takeHead(pool, c);
  }

  /**
   * Whether allocate_from_new_pool(c) would hand out addresses[i], worked out
   * without changing anything; false when it would need a new arena.
   */
  private newPoolWouldHandOut(c: number, addresses: Float64Array, i: number): boolean {
    const ao = this.usableArenas;
    if (ao === NONE) return false;
    const pool = this.arenaFreepools[ao]!;
    // A never-used pool is carved next, or an empty pool is reused: block 0
    // of a (re)initialised pool, or the free-stack top of an emptied pool of
    // the same class, exactly as allocateFromNewPool chooses.
    if (pool === NONE) return this.arenaPoolAddress[ao]! + this.poolOverhead === addresses[i];
    const b = this.poolSzidx[pool] === c ? this.poolFreeHead[pool]! : 0;
    return this.poolAddr[pool]! + this.poolOverhead + b * this.blockSizes[c]! === addresses[i];
  }

  private countBlock(c: number): void {
    this.blocksInUse[c]!++;
    this.blocksTotal++;
    this.bytesInBlocks += this.blockSizes[c]!;
  }

  /** Hand out the top of a used pool's free-block stack. */
  private takeHead(pool: number, c: number): number {
    this.countBlock(c);
    this.poolCount[pool]!++;
    const b = this.poolFreeHead[pool]!;
    const next = this.blockNext[pool >> this.poolShift]![(b << this.poolShift) | (pool & this.poolMask)]!;
    this.poolFreeHead[pool] = next;
    if (next === NONE) this.extendPool(pool, c);
    return this.handOut(pool, b, c);
  }

  /** Record block b of `pool` (class c) as the one just handed out. */
  private handOut(pool: number, b: number, c: number): number {
    const offset = this.poolOverhead + b * this.blockSizes[c]!;
    this.lastPool = pool;
    this.lastAddress = this.poolAddr[pool]! + offset;
    this.lastBlock = pool * this.blockStride + b;
    return pool;
  }

  /** pymalloc_pool_extend: push the next virgin block, or unlink the now full pool. */
  private extendPool(pool: number, c: number): void {
    const virgin = this.poolVirgin[pool]!;
    if (virgin < this.numBlocks[c]!) {
      this.blockNext[pool >> this.poolShift]![(virgin << this.poolShift) | (pool & this.poolMask)] = NONE;
      this.poolFreeHead[pool] = virgin;
      this.poolVirgin[pool] = virgin + 1;
      return;
    }
    // Full: it is the head of usedpools[c]; unlink it.
    const next = this.poolNext[pool]!;
    this.usedpools[c] = next;
    if (next !== NONE) this.poolPrev[next] = NONE;
  }

  /** allocate_from_new_pool: only called when usedpools[c] is empty; returns the pool slot. */
  private allocateFromNewPool(c: number): number {
    if (this.usableArenas === NONE) {
      const fresh = this.newArena();
      this.usableArenas = fresh;
      this.arenaNext[fresh] = NONE;
      this.arenaPrev[fresh] = NONE;
      this.nfp2lasta[this.arenaNfree[fresh]!] = fresh;
    }
    const ao = this.usableArenas;
    const nf = this.arenaNfree[ao]!;
    if (this.nfp2lasta[nf] === ao) this.nfp2lasta[nf] = NONE;
    if (nf > 1) this.nfp2lasta[nf - 1] = ao;

    let pool = this.arenaFreepools[ao]!;
    if (pool !== NONE) {
      this.arenaFreepools[ao] = this.poolNext[pool]!;
    } else {
      // Carve the next never-used pool of the arena.
      const address = this.arenaPoolAddress[ao]!;
      pool = (ao << this.poolShift) + (address - this.arenaFirstPool[ao]!) / this.g.poolSize;
      this.poolAddr[pool] = address;
      this.poolSzidx[pool] = DUMMY_SIZE_IDX;
      this.arenaPoolAddress[ao] = address + this.g.poolSize;
    }
    this.arenaNfree[ao] = nf - 1;
    this.freePoolsTotal--;
    if (nf - 1 === 0) {
      // Completely allocated: leave usable_arenas (next/prev go stale, as in C).
      const next = this.arenaNext[ao]!;
      this.usableArenas = next;
      if (next !== NONE) this.arenaPrev[next] = NONE;
    }

    this.usedpools[c] = pool;
    this.poolNext[pool] = NONE;
    this.poolPrev[pool] = NONE;
    this.poolCount[pool] = 1;
    this.poolsInUse[c]!++;
    this.poolsInUseTotal++;
    this.quantizationTotal += this.poolQuantization[c]!;
    if (this.poolSzidx[pool] === c) {
      // Emptied pool of the same class: its free stack and virgin tail are intact.
      const b = this.poolFreeHead[pool]!;
      this.poolFreeHead[pool] = this.blockNext[ao]![(b << this.poolShift) | (pool & this.poolMask)]!;
      return this.handOut(pool, b, c);
    }
    // (Re)initialise: block 0 is returned, block 1 goes on the free stack.
    this.poolSzidx[pool] = c;
    this.onPoolInit?.(pool, c);
    this.poolVirgin[pool] = 2;
    this.poolFreeHead[pool] = 1;
    this.blockNext[ao]![(1 << this.poolShift) | (pool & this.poolMask)] = NONE;
    return this.handOut(pool, 0, c);
  }

  /** new_arena: take an arena object slot (LIFO) and the next arena base. */
  private newArena(): number {
    if (this.unusedArenaObjects === NONE) this.growArenaObjects();
    const ao = this.unusedArenaObjects;
    this.unusedArenaObjects = this.arenaNext[ao]!;
    const base = this.arenas.allocateArena();
    if (this.g.radix !== null) this.markRadixNodes(base);
    this.arenaAddress[ao] = base;
    // (Kept when the slot's arena is released: its next arena reinitialises
    // every pool it carves before reading a link.)
    if (this.blockNext[ao]!.length === 0) this.blockNext[ao] = this.takeBlockLinks();
    this.narenasCurrent++;
    this.ntimesArenaAllocated++;
    if (this.narenasCurrent > this.narenasHighwater) this.narenasHighwater = this.narenasCurrent;
    this.arenaFreepools[ao] = NONE;
    let nfree = this.poolsPerArena;
    let first = base;
    const excess = base % this.g.poolSize;
    if (excess !== 0) {
      nfree--;
      first += this.g.poolSize - excess;
      this.unalignedArenas++;
    }
    this.arenaFirstPool[ao] = first;
    this.arenaPoolAddress[ao] = first;
    this.arenaSerialOf[ao] = this.ntimesArenaAllocated;
    this.directoryAdd(base, ao);
    this.onArenaAssigned?.(ao);
    this.arenaNfree[ao] = nfree;
    this.arenaNtotal[ao] = nfree;
    this.freePoolsTotal += nfree;
    return ao;
  }

  /**
   * An arena slot's `blockNext`, cut from buffers made for BLOCK_LINK_GROUP
   * slots at a time: one allocation (and one mapping) per 16 arenas rather
   * than per arena, on heaps of up to 65,536 arenas. Pages are zero until
   * written, so only the links of carved pools are resident.
   */
  private takeBlockLinks(): Int16Array {
    const perSlot = this.poolsPerArena * this.blockStride;
    if (this.spareBlockLinks.length === 0) {
      const buffer = new Int16Array(BLOCK_LINK_GROUP * perSlot);
      for (let i = BLOCK_LINK_GROUP - 1; i >= 0; i--) this.spareBlockLinks.push(buffer.subarray(i * perSlot, (i + 1) * perSlot));
    }
    return this.spareBlockLinks.pop()!;
  }

  /** The arenas vector grows 16, 32, 64, ... and new slots are chained in index order. */
  private growArenaObjects(): void {
    const old = this.maxArenas;
    const n = old === 0 ? this.g.initialArenaObjects : old * 2;
    if (n > this.arenaSlotLimit) throw new ArenaLimitError(old, this.g.arenaSize);
    const grow = <T extends Float64Array | Int32Array | Int16Array>(a: T, length: number): T => {
      const b = new (a.constructor as new (n: number) => T)(length);
      b.set(a);
      return b;
    };
    this.arenaAddress = grow(this.arenaAddress, n);
    this.arenaFirstPool = grow(this.arenaFirstPool, n);
    this.arenaPoolAddress = grow(this.arenaPoolAddress, n);
    this.arenaNfree = grow(this.arenaNfree, n);
    this.arenaNtotal = grow(this.arenaNtotal, n);
    this.arenaFreepools = grow(this.arenaFreepools, n);
    this.arenaNext = grow(this.arenaNext, n);
    this.arenaPrev = grow(this.arenaPrev, n);
    this.arenaSerialOf = grow(this.arenaSerialOf, n);
    const pools = n * this.poolsPerArena;
    this.poolAddr = grow(this.poolAddr, pools);
    this.poolSzidx = grow(this.poolSzidx, pools);
    this.poolCount = grow(this.poolCount, pools);
    this.poolVirgin = grow(this.poolVirgin, pools);
    this.poolFreeHead = grow(this.poolFreeHead, pools);
    this.poolNext = grow(this.poolNext, pools);
    this.poolPrev = grow(this.poolPrev, pools);
    for (let i = old; i < n; i++) this.blockNext.push(NO_BLOCKS);
    for (let i = old; i < n; i++) {
      this.arenaAddress[i] = 0;
      this.arenaNext[i] = i < n - 1 ? i + 1 : NONE;
    }
    this.unusedArenaObjects = old;
    this.maxArenas = n;
  }

  /** arena_map_mark_used(base, 1): interior nodes are created and never freed. */
  private markRadixNodes(base: number): void {
    const radix = this.g.radix!;
    const mark = (address: bigint): void => {
      const top = Number((address >> BigInt(radix.topShift)) & ((1n << BigInt(radix.topBits)) - 1n));
      const mid = Number((address >> BigInt(radix.midShift)) & ((1n << BigInt(radix.midBits)) - 1n));
      this.radixMid.add(top);
      this.radixBot.add(`${top}/${mid}`);
    };
    const address = this.decodeAddress(base);
    mark(address);
    if (address % BigInt(this.g.arenaSize) !== 0n) mark(address + BigInt(this.g.arenaSize));
  }

  // ------------------------------------------------------------------ free

  /** pymalloc_free of the block at `address` in pool slot `pool`. */
  free(address: number, pool: number): void {
    const size = this.blockSizes[this.poolSzidx[pool]!]!;
    this.freeBlock(pool, (address - this.poolAddr[pool]! - this.g.poolOverhead) / size);
  }

  /** pymalloc_free of the block with block index `k` (blockIndexOf) in pool slot `pool`: no address to box. */
  freeBlockIndex(k: number, pool: number): void {
    this.freeBlock(pool, k - pool * this.blockStride);
  }

  private freeBlock(pool: number, b: number): void {
    const c = this.poolSzidx[pool]!;
    const head = this.poolFreeHead[pool]!;
    this.blockNext[pool >> this.poolShift]![(b << this.poolShift) | (pool & this.poolMask)] = head;
    this.poolFreeHead[pool] = b;
    const count = this.poolCount[pool]! - 1;
    this.poolCount[pool] = count;
    this.blocksInUse[c]!--;
    this.blocksTotal--;
    this.bytesInBlocks -= this.blockSizes[c]!;
    if (head === NONE) {
      // The pool was full: it goes back to the head of its class list.
      const first = this.usedpools[c]!;
      this.poolNext[pool] = first;
      this.poolPrev[pool] = NONE;
      if (first !== NONE) this.poolPrev[first] = pool;
      this.usedpools[c] = pool;
      return;
    }
    if (count !== 0) return;
    this.insertToFreepool(pool, c);
  }

  /** insert_to_freepool: a pool became empty; keep usable_arenas sorted, maybe release the arena. */
  private insertToFreepool(pool: number, c: number): void {
    const next = this.poolNext[pool]!;
    const prev = this.poolPrev[pool]!;
    if (prev === NONE) this.usedpools[c] = next;
    else this.poolNext[prev] = next;
    if (next !== NONE) this.poolPrev[next] = prev;
    this.poolsInUse[c]!--;
    this.poolsInUseTotal--;
    this.quantizationTotal -= this.poolQuantization[c]!;

    const ao = pool >> this.poolShift;
    this.poolNext[pool] = this.arenaFreepools[ao]!;
    this.arenaFreepools[ao] = pool;
    let nf = this.arenaNfree[ao]!;
    const lastnf = this.nfp2lasta[nf]!;
    if (lastnf === ao) {
      const p = this.arenaPrev[ao]!;
      this.nfp2lasta[nf] = p !== NONE && this.arenaNfree[p] === nf ? p : NONE;
    }
    nf = nf + 1;
    this.arenaNfree[ao] = nf;
    this.freePoolsTotal++;

    // Case 1: the arena is wholly free. 3.9+ keeps it while it is the last usable arena.
    if (nf === this.arenaNtotal[ao] && (!this.g.keepOneEmptyArena || this.arenaNext[ao] !== NONE)) {
      const aprev = this.arenaPrev[ao]!;
      const anext = this.arenaNext[ao]!;
      if (aprev === NONE) this.usableArenas = anext;
      else this.arenaNext[aprev] = anext;
      if (anext !== NONE) this.arenaPrev[anext] = aprev;
      this.arenaNext[ao] = this.unusedArenaObjects;
      this.unusedArenaObjects = ao;
      const base = this.arenaAddress[ao]!;
      this.directoryRemove(base, ao);
      this.arenaAddress[ao] = 0;
      this.narenasCurrent--;
      this.freePoolsTotal -= nf;
      if (base % this.g.poolSize !== 0) this.unalignedArenas--;
      this.arenas.releaseArena(base);
      this.onArenaReleased?.(ao);
      return;
    }
    // Case 2: the arena was full and has its first free pool: push it at the head.
    if (nf === 1) {
      const head = this.usableArenas;
      this.arenaNext[ao] = head;
      this.arenaPrev[ao] = NONE;
      if (head !== NONE) this.arenaPrev[head] = ao;
      this.usableArenas = ao;
      if (this.nfp2lasta[1] === NONE) this.nfp2lasta[1] = ao;
      return;
    }
    if (this.nfp2lasta[nf] === NONE) this.nfp2lasta[nf] = ao;
    // Case 4: it was the rightmost arena with the old count: still in order.
    if (ao === lastnf) return;
    // Case 3: move it to just after lastnf.
    const aprev = this.arenaPrev[ao]!;
    const anext = this.arenaNext[ao]!;
    if (aprev !== NONE) this.arenaNext[aprev] = anext;
    else this.usableArenas = anext;
    this.arenaPrev[anext] = aprev;
    this.arenaPrev[ao] = lastnf;
    const after = this.arenaNext[lastnf]!;
    this.arenaNext[ao] = after;
    if (after !== NONE) this.arenaPrev[after] = ao;
    this.arenaNext[lastnf] = ao;
  }

  // --------------------------------------------------------------- realloc

  /**
   * True when pymalloc_realloc keeps the block in place: the new size fits
   * the block's class and is more than 3/4 of it (CPython does not shrink
   * blocks by less than a quarter).
   */
  reallocInPlace(pool: number, n: number): boolean {
    const size = this.blockSizes[this.poolSzidx[pool]!]!;
    return n <= size && 4 * n > 3 * size;
  }

  // ------------------------------------------------------ arena directory

  private directoryAdd(base: number, arena: number): void {
    const first = Math.floor(base / this.g.arenaSize);
    const last = Math.floor((base + this.g.arenaSize - 1) / this.g.arenaSize);
    for (let g = first; g <= last; g++) this.arenaDirectory.add(g, arena);
  }

  private directoryRemove(base: number, arena: number): void {
    const first = Math.floor(base / this.g.arenaSize);
    const last = Math.floor((base + this.g.arenaSize - 1) / this.g.arenaSize);
    for (let g = first; g <= last; g++) this.arenaDirectory.remove(g, arena);
  }

  /**
   * The pool slot of a carved pool of a live arena containing `address`, or
   * NOT_PYMALLOC (CPython's address_in_range, narrowed to carved pools).
   * The search is locate's, through a one-slot array.
   */
  poolAt(address: number): number {
    this.scratch[0] = address;
    return this.locate(this.scratch, 0);
  }

  /**
   * poolAt(addresses[i]), also leaving in `locatedBlock` the block index of
   * the block starting there (-1 when the address is inside a pool but at no
   * block's start: a pool header, the middle of a block, the pool's tail).
   * The replay's lookups go through here: the address is read from the
   * array, not passed (see mallocBlock), and the arena search is written out
   * so that no call takes the double. Consecutive lookups mostly fall in the
   * arena looked at last, so that one is tried first.
   */
  locate(addresses: Float64Array, i: number): number {
    const address = addresses[i]!;
    let a = this.lastArenaLooked;
    if (!(this.arenaAddress[a]! > 0 && address >= this.arenaFirstPool[a]! && address < this.arenaPoolAddress[a]!)) {
      const dir = this.arenaDirectory;
      const entry = dir.find(Math.floor(address / this.g.arenaSize));
      if (entry < 0) return NOT_PYMALLOC;
      a = dir.first(entry);
      if (!(address >= this.arenaFirstPool[a]! && address < this.arenaPoolAddress[a]!)) {
        a = dir.second(entry);
        if (a < 0) return NOT_PYMALLOC;
        if (!(address >= this.arenaFirstPool[a]! && address < this.arenaPoolAddress[a]!)) return NOT_PYMALLOC;
      }
      this.lastArenaLooked = a;
    }
    const offset = address - this.arenaFirstPool[a]!;
    // (A multiply, not a division: the pool size is a power of two, so its inverse and the product are exact.)
    const inArena = Math.floor(offset * this.poolSizeInverse);
    const pool = (a << this.poolShift) + inArena;
    this.locatedBlock = this.blockAt(pool, offset - inArena * this.poolSize);
    return pool;
  }

  /**
   * Block index of the block starting at `address` in pool slot `pool` (a
   * carved pool, as poolAt returned): pool * blockStride + block
   * number; -1 when no block of the pool starts there.
   */
  blockIndexOf(address: number, pool: number): number {
    return this.blockAt(pool, address - this.poolAddr[pool]!);
  }

  /** Block index of the block starting `offset` bytes into pool slot `pool`, or -1. */
  private blockAt(pool: number, offset: number): number {
    const c = this.poolSzidx[pool]!;
    const b = (offset - this.poolOverhead) / this.blockSizes[c]!;
    // (A whole number below the class's block count only at a block's start.)
    return b >= 0 && b < this.numBlocks[c]! && b === Math.floor(b) ? pool * this.blockStride + b : -1;
  }

  /** Address of a block index (inverse of blockIndexOf). */
  addressOfBlock(k: number): number {
    const pool = k >>> this.strideShift;
    const b = k - pool * this.blockStride;
    return this.poolAddr[pool]! + this.g.poolOverhead + b * this.blockSizes[this.poolSzidx[pool]!]!;
  }

  /** Pool slot of a block index. */
  poolOfBlock(k: number): number {
    return k >>> this.strideShift;
  }

  /** Which arena allocation an arena slot holds now (changes when the slot is reused). */
  arenaSerial(arena: number): number {
    return this.arenaSerialOf[arena]!;
  }

  // ---------------------------------------------------------------- lookup

  /** Size class of the block(s) in a pool slot. */
  poolSizeClass(pool: number): number {
    return this.poolSzidx[pool]!;
  }

  /** Whether this model has a pool slot `pool` (its arena slot exists). */
  hasPool(pool: number): boolean {
    return pool >= 0 && pool >> this.poolShift < this.maxArenas;
  }

  /** Arena slot of a pool slot. */
  poolArena(pool: number): number {
    return pool >> this.poolShift;
  }

  poolAddress(pool: number): number {
    return this.poolAddr[pool]!;
  }

  poolBlockCount(pool: number): number {
    return this.poolCount[pool]!;
  }

  /**
   * Blocks of a pool in use carved so far (CPython's nextoffset, in blocks):
   * every block handed out since the pool was last initialised lies below it.
   */
  poolCarvedBlocks(pool: number): number {
    return this.poolVirgin[pool]!;
  }

  /** Base address of an arena slot, 0 when the slot holds no arena. */
  arenaBase(arena: number): number {
    return this.arenaAddress[arena]!;
  }

  get arenaSlots(): number {
    return this.maxArenas;
  }

  // ---------------------------------------------------------------- totals

  get arenaCounters(): ArenaCounters {
    return {
      allocatedTotal: this.ntimesArenaAllocated,
      current: this.narenasCurrent,
      highwater: this.narenasHighwater,
    };
  }

  get arenasCurrent(): number {
    return this.narenasCurrent;
  }

  get blocksInUseTotal(): number {
    return this.blocksTotal;
  }

  /** Bytes in allocated blocks (block sizes, not requested sizes). */
  get allocatedBlockBytes(): number {
    return this.bytesInBlocks;
  }

  get poolsInUseCount(): number {
    return this.poolsInUseTotal;
  }

  /** Bytes at the end of the pools in use too small for one more block (the stats' quantization line). */
  get quantizationBytes(): number {
    return this.quantizationTotal;
  }

  /** Empty pools plus never-carved pools over all live arenas. */
  get freePools(): number {
    return this.freePoolsTotal;
  }

  get unalignedArenaCount(): number {
    return this.unalignedArenas;
  }

  get radixMidNodes(): number {
    return this.radixMid.size;
  }

  get radixBotNodes(): number {
    return this.radixBot.size;
  }

  /** Call `visit(pool)` for every carved pool of every live arena, in arena-slot order. */
  forEachCarvedPool(visit: (pool: number, arena: number) => void): void {
    for (let a = 0; a < this.maxArenas; a++) {
      if (this.arenaAddress[a] === 0) continue;
      const carved = (this.arenaPoolAddress[a]! - this.arenaFirstPool[a]!) / this.g.poolSize;
      for (let i = 0; i < carved; i++) visit((a << this.poolShift) + i, a);
    }
  }

  /** Pools an arena slot can hold: maxPoolsInArena, one less when its base is not pool-aligned. */
  arenaTotalPools(arena: number): number {
    return this.arenaNtotal[arena]!;
  }

  /** Pools of an arena slot carved so far: pool slots arenaPoolSlot(arena, 0 .. n-1), in address order. */
  arenaCarvedPools(arena: number): number {
    return (this.arenaPoolAddress[arena]! - this.arenaFirstPool[arena]!) / this.g.poolSize;
  }

  /** Pool slot of the i-th pool of an arena slot. */
  arenaPoolSlot(arena: number, i: number): number {
    return (arena << this.poolShift) + i;
  }

  /** Free pools (empty + never carved) of an arena slot. */
  arenaFreePools(arena: number): number {
    return this.arenaNfree[arena]!;
  }
}
