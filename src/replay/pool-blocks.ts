// Live pymalloc blocks whose trace address is exactly the model's address —
// every block of a faithful replay — stored by position instead of by hash,
// indexed by the model's block index k = pool slot * stride + block number
// (see PymallocModel.blockIndexOf; split with `>>>` and `&`, exact below
// 2^32, as `>>` is not past 2^31). Blocks the model placed elsewhere than
// the trace says, and C-library blocks, go to the LiveBlocks hash instead.
//
// Per block, one 24-byte record: the allocating event and its timestamp
// (two float64), then the state word (an int32: size 1..512 in 10 bits |
// domain << 10 | state << 12) and the stack id (an int32) in the third eight
// bytes. One record, not a hot array beside a cold one: a free reads the
// state, and with any block observer (analyze's churn) the event, timestamp
// and stack too, and an allocation writes all of them, so two arrays cost
// two cache misses per event where one record costs one (records land on
// old blocks scattered over the whole heap).
//
// Records are kept per pool, in a slab of exactly as many records as the
// pool's size class has blocks (the stride of a block index is room for the
// smallest class: a pool of 512-byte blocks has 7 of its 512 numbers on
// 3.8). A pool takes a slab when the model initialises it for a class
// (onPoolInit) and gives it back when it is initialised for another class or
// its arena is released; given-back slabs wait on a free list of their class
// for the next pool of that class. So the store holds 24 bytes per block of
// the pools initialised, whatever their class, plus 9 bytes per pool slot.

import type { PymallocModel } from '../models/pymalloc/pymalloc-model.js';
import { blocksPerPool } from '../models/pymalloc/geometry.js';
import { SLOT_EMPTY, SLOT_FREED, SLOT_LIVE } from './live-blocks.js';

/** Float64 words per record (event, timestamp, state + stack), and int32 words. */
const RECORD_WORDS = 3;
const RECORD_INTS = 6;
/** The state word and the stack in a record, as int32 indexes from the record's first. */
const STATE_INT = 4;
const STACK_INT = 5;
const SIZE_MASK = 0x3ff;
const DOMAIN_SHIFT = 10;
const STATE_SHIFT = 12;
/** Records of the first chunk; each next chunk doubles, up to MAX_CHUNK_RECORDS. */
const FIRST_CHUNK_RECORDS = 4_096;
/**
 * Records of a chunk, at most: 384 KiB of records, one allocation per
 * 16 to 2,000 pools, and little left unused at the end of the last chunk.
 */
const MAX_CHUNK_RECORDS = 16_384;
/** Chunk 0 is no chunk: a pool slot whose slabChunk is 0 has no slab. */
const NO_SLAB = 0;

export class PoolBlocks {
  /**
   * Records, by chunk (chunk 0 empty, see NO_SLAB); a slab is a run of one
   * chunk. Each chunk is seen as float64 words (event, timestamp) and, over
   * the same bytes, as int32 words (state, stack).
   */
  private readonly words: Float64Array[] = [new Float64Array(0)];
  private readonly ints: Int32Array[] = [new Int32Array(0)];
  /** Records of the last chunk taken by slabs so far. */
  private chunkUsed = 0;
  private nextChunkRecords = FIRST_CHUNK_RECORDS;
  /** By pool slot: chunk of its slab (NO_SLAB: none), first record in it, size class. */
  private slabChunk = new Int32Array(0);
  private slabStart = new Int32Array(0);
  private slabClass = new Uint8Array(0);
  /**
   * Free slabs by size class, chained through the first two float64 words
   * of each (an event and a timestamp are written before they are read): chunk (NO_SLAB ends
   * the chain) and first record of the head.
   */
  private readonly freeChunk: Int32Array;
  private readonly freeStart: Int32Array;
  private readonly blocksOfClass: Int32Array;
  private readonly strideShift: number;
  private readonly strideMask: number;
  private readonly poolsPerArena: number;
  /** Live blocks stored here. */
  live = 0;

  constructor(
    private readonly model: PymallocModel,
    /** The replay's clock: a stored block records the event and timestamp current now. */
    private readonly clock: { readonly events: number; readonly lastTs: number },
  ) {
    const g = model.g;
    this.strideShift = model.strideShift;
    this.strideMask = 2 ** model.strideShift - 1;
    this.poolsPerArena = g.maxPoolsInArena;
    this.blocksOfClass = new Int32Array(g.sizeClasses);
    for (let c = 0; c < g.sizeClasses; c++) this.blocksOfClass[c] = blocksPerPool(g, c);
    this.freeChunk = new Int32Array(g.sizeClasses);
    this.freeStart = new Int32Array(g.sizeClasses);
  }

  /**
   * EMPTY, LIVE or FREED for a block index of a live arena (EMPTY for a
   * pool with no slab and for a block number past its class's blocks).
   */
  state(k: number): number {
    const p = k >>> this.strideShift;
    const chunk = this.slabChunk[p]!;
    const b = k & this.strideMask;
    if (chunk === NO_SLAB || b >= this.blocksOfClass[this.slabClass[p]!]!) return SLOT_EMPTY;
    return this.ints[chunk]![(this.slabStart[p]! + b) * RECORD_INTS + STATE_INT]! >>> STATE_SHIFT;
  }

  /**
   * A block of `size` bytes (1..512: pymalloc serves no other) goes live, at
   * the clock's event. (The clock is read here, not passed: a timestamp is a
   * double that V8 would box on a call it did not inline.)
   */
  store(k: number, size: number, stack: number, domain: number): void {
    const p = k >>> this.strideShift;
    const chunk = this.slabChunk[p]!;
    const r = this.slabStart[p]! + (k & this.strideMask);
    const ints = this.ints[chunk]!;
    ints[r * RECORD_INTS + STATE_INT] = size | (domain << DOMAIN_SHIFT) | (SLOT_LIVE << STATE_SHIFT);
    ints[r * RECORD_INTS + STACK_INT] = stack;
    const words = this.words[chunk]!;
    words[r * RECORD_WORDS] = this.clock.events;
    words[r * RECORD_WORDS + 1] = this.clock.lastTs;
    this.live++;
  }

  /** release(k), when the size is not wanted. */
  markFreed(k: number): void {
    this.release(k);
  }

  /** Mark block k freed and return its size: a free's two touches of the record, with one address computation. */
  release(k: number): number {
    const p = k >>> this.strideShift;
    const ints = this.ints[this.slabChunk[p]!]!;
    const i = (this.slabStart[p]! + (k & this.strideMask)) * RECORD_INTS + STATE_INT;
    const state = ints[i]!;
    ints[i] = (state & ((1 << STATE_SHIFT) - 1)) | (SLOT_FREED << STATE_SHIFT);
    this.live--;
    return state & SIZE_MASK;
  }

  size(k: number): number {
    return this.intWord(k, STATE_INT) & SIZE_MASK;
  }

  setSize(k: number, size: number): void {
    const p = k >>> this.strideShift;
    const ints = this.ints[this.slabChunk[p]!]!;
    const i = (this.slabStart[p]! + (k & this.strideMask)) * RECORD_INTS + STATE_INT;
    ints[i] = (ints[i]! & ~SIZE_MASK) | size;
  }

  domain(k: number): number {
    return (this.intWord(k, STATE_INT) >>> DOMAIN_SHIFT) & 3;
  }

  stack(k: number): number {
    return this.intWord(k, STACK_INT);
  }

  setStack(k: number, stack: number): void {
    const p = k >>> this.strideShift;
    this.ints[this.slabChunk[p]!]![(this.slabStart[p]! + (k & this.strideMask)) * RECORD_INTS + STACK_INT] = stack;
  }

  allocEvent(k: number): number {
    return this.floatWord(k, 0);
  }

  allocTs(k: number): number {
    return this.floatWord(k, 1);
  }

  /**
   * The whole record of block `k` into `into`, for the block hooks: one
   * address computation and one call, where five getters are five (that V8
   * may not all inline, and then boxes the doubles they return).
   */
  readInto(k: number, into: { size: number; stack: number; domain: number; allocEvent: number; allocTs: number }): void {
    const p = k >>> this.strideShift;
    const chunk = this.slabChunk[p]!;
    const r = this.slabStart[p]! + (k & this.strideMask);
    const ints = this.ints[chunk]!;
    const state = ints[r * RECORD_INTS + STATE_INT]!;
    into.size = state & SIZE_MASK;
    into.domain = (state >>> DOMAIN_SHIFT) & 3;
    into.stack = ints[r * RECORD_INTS + STACK_INT]!;
    const words = this.words[chunk]!;
    into.allocEvent = words[r * RECORD_WORDS]!;
    into.allocTs = words[r * RECORD_WORDS + 1]!;
  }

  private intWord(k: number, word: number): number {
    const p = k >>> this.strideShift;
    return this.ints[this.slabChunk[p]!]![(this.slabStart[p]! + (k & this.strideMask)) * RECORD_INTS + word]!;
  }

  private floatWord(k: number, word: number): number {
    const p = k >>> this.strideShift;
    return this.words[this.slabChunk[p]!]![(this.slabStart[p]! + (k & this.strideMask)) * RECORD_WORDS + word]!;
  }

  /**
   * Visit every live block (its block index and pool slot), in address order
   * within each arena slot.
   */
  forEachLive(visit: (k: number, pool: number) => void): void {
    this.forEachPoolInUse((pool, first, carved, ints, start) => {
      for (let b = 0; b < carved; b++) if (ints[(start + b) * RECORD_INTS + STATE_INT]! >>> STATE_SHIFT === SLOT_LIVE) visit(first + b, pool);
    });
  }

  /**
   * forEachLive with what most walks need, read here: pool slot, requested
   * size, stack and domain. All are small integers, so nothing is boxed per
   * block (an allocating event or a timestamp would be): `leaks` walks every
   * live block at each of its growth samples.
   */
  forEachLiveBrief(visit: (pool: number, size: number, stack: number, domain: number) => void): void {
    this.forEachPoolInUse((pool, _first, carved, ints, start) => {
      for (let r = start; r < start + carved; r++) {
        const h = ints[r * RECORD_INTS + STATE_INT]!;
        if (h >>> STATE_SHIFT === SLOT_LIVE) visit(pool, h & SIZE_MASK, ints[r * RECORD_INTS + STACK_INT]!, (h >>> DOMAIN_SHIFT) & 3);
      }
    });
  }

  /**
   * Each pool in use with the block index of its block 0, its carved blocks
   * and its slab (records `start` .. `start + carved` of `ints`).
   * Only the blocks the model has carved in its pools in use can be live
   * here (a block is stored when the model hands it out and marked freed
   * before its pool is emptied and reused), so a walk costs the carved pools
   * of the live arenas plus their carved blocks, not every block of every
   * arena.
   */
  private forEachPoolInUse(visit: (pool: number, first: number, carved: number, ints: Int32Array, start: number) => void): void {
    if (this.live === 0) return;
    const m = this.model;
    const stride = 2 ** this.strideShift;
    for (let a = 0; a < m.arenaSlots; a++) {
      if (m.arenaBase(a) === 0) continue;
      const carved = m.arenaCarvedPools(a);
      for (let i = 0; i < carved; i++) {
        const pool = m.arenaPoolSlot(a, i);
        const chunk = this.slabChunk[pool]!;
        if (m.poolBlockCount(pool) === 0 || chunk === NO_SLAB) continue;
        visit(pool, pool * stride, m.poolCarvedBlocks(pool), this.ints[chunk]!, this.slabStart[pool]!);
      }
    }
  }

  /**
   * The model gave arena slot `a` a new arena: make room for its pool slots.
   * (Its pools' slabs went back when its last arena was released; any left
   * are given back here too, so no old state can reach the new arena.)
   */
  resetSlot(a: number): void {
    const pools = (a + 1) * this.poolsPerArena;
    if (this.slabChunk.length < pools) this.growPoolSlots(pools);
    this.releaseArena(a);
  }

  /** The model initialised pool slot `pool` for size class `c`: it gets a cleared slab of that class. */
  initPool(pool: number, c: number): void {
    const chunk = this.slabChunk[pool]!;
    if (chunk !== NO_SLAB) {
      if (this.slabClass[pool] === c) {
        this.clearStates(chunk, this.slabStart[pool]!, this.blocksOfClass[c]!);
        return;
      }
      this.releaseSlab(pool);
    }
    this.takeSlab(pool, c);
  }

  /** The model released arena slot `a`'s arena: its pools' slabs go to their free lists. */
  releaseArena(a: number): void {
    const first = a * this.poolsPerArena;
    for (let p = first; p < first + this.poolsPerArena; p++) if (this.slabChunk[p] !== NO_SLAB) this.releaseSlab(p);
  }

  /**
   * Bytes the store has allocated (its typed arrays' lengths, whether or not
   * resident): slabs in use and free, the unused tail of the last chunk, and
   * the per-pool-slot arrays.
   */
  allocatedBytes(): number {
    let bytes = this.slabChunk.byteLength + this.slabStart.byteLength + this.slabClass.byteLength;
    for (let i = 0; i < this.words.length; i++) bytes += this.words[i]!.byteLength;
    return bytes;
  }

  private takeSlab(pool: number, c: number): void {
    let chunk = this.freeChunk[c]!;
    let start = this.freeStart[c]!;
    if (chunk !== NO_SLAB) {
      // Pop the free list, then clear the states left by the slab's last pool.
      const words = this.words[chunk]!;
      this.freeChunk[c] = words[start * RECORD_WORDS]!;
      this.freeStart[c] = words[start * RECORD_WORDS + 1]!;
      this.clearStates(chunk, start, this.blocksOfClass[c]!);
    } else {
      // Cut a new slab (zeroed) from the last chunk, or from a new one.
      const n = this.blocksOfClass[c]!;
      chunk = this.words.length - 1;
      if (this.chunkUsed + n > this.words[chunk]!.length / RECORD_WORDS) {
        this.addChunk();
        chunk++;
      }
      start = this.chunkUsed;
      this.chunkUsed += n;
    }
    this.slabChunk[pool] = chunk;
    this.slabStart[pool] = start;
    this.slabClass[pool] = c;
  }

  private releaseSlab(pool: number): void {
    const c = this.slabClass[pool]!;
    const chunk = this.slabChunk[pool]!;
    const start = this.slabStart[pool]!;
    const words = this.words[chunk]!;
    words[start * RECORD_WORDS] = this.freeChunk[c]!;
    words[start * RECORD_WORDS + 1] = this.freeStart[c]!;
    this.freeChunk[c] = chunk;
    this.freeStart[c] = start;
    this.slabChunk[pool] = NO_SLAB;
  }

  /**
   * A new chunk of records, twice the last up to MAX_CHUNK_RECORDS: a small
   * trace pays for a small store, a big heap few allocations.
   * The unused tail of the chunk before (less than one slab) stays unused.
   */
  private addChunk(): void {
    const n = this.nextChunkRecords;
    if (n < MAX_CHUNK_RECORDS) this.nextChunkRecords = n * 2;
    const words = new Float64Array(n * RECORD_WORDS);
    this.words.push(words);
    this.ints.push(new Int32Array(words.buffer));
    this.chunkUsed = 0;
  }

  /** Records `start` .. `start + n` of `chunk` to EMPTY (their other words are written before they are read). */
  private clearStates(chunk: number, start: number, n: number): void {
    const ints = this.ints[chunk]!;
    for (let r = start; r < start + n; r++) ints[r * RECORD_INTS + STATE_INT] = 0;
  }

  /** Pool-slot arrays for at least `pools` slots, doubled so that growth is rare. */
  private growPoolSlots(pools: number): void {
    const n = Math.max(pools, this.slabChunk.length * 2);
    const chunk = new Int32Array(n);
    chunk.set(this.slabChunk);
    const start = new Int32Array(n);
    start.set(this.slabStart);
    const cls = new Uint8Array(n);
    cls.set(this.slabClass);
    this.slabChunk = chunk;
    this.slabStart = start;
    this.slabClass = cls;
  }
}
