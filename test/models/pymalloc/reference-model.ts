// A slow, deliberately plain reference model of CPython's pymalloc, used only
// as a test oracle for the fast model in src/models/pymalloc/.
//
// Why it exists: the fast model packs its state into typed arrays (pool slots,
// block numbers threaded through an Int16Array, index-linked lists) and keeps
// running totals for the analyzers. That is where bugs hide. This file is the
// pseudo-code of pymalloc-model.md §4-§5 and §8.2 transcribed line by line
// with ordinary objects, so that a reader can check it against the spec in
// one sitting; property tests then run both models on the same random
// operation sequences and demand identical addresses, arena releases and
// stats text.
//
// What it deliberately does not optimise (and must not, to stay obviously
// correct):
// - a pool's free list is a JS array used as a stack of addresses;
// - usedpools[c] is an ordered array with the head at [0] (shift/unshift/
//   splice are O(n), the lists are short);
// - pools are found through a Map from pool address (POOL_ADDR(p) =
//   p - p % POOL_SIZE), arenas by a linear scan (address_in_range);
// - usable_arenas and unused_arena_objects are real linked lists of objects;
// - stats() walks every arena and carved pool as _PyObject_DebugMallocStats
//   does; there are no running totals at all;
// - the constants are written out here from the spec's table (§2.1, §2.5)
//   rather than imported from geometry.ts, so the two models share nothing
//   but the PymallocStats shape used to render the text.
// It also keeps a set of live block addresses purely as a harness sanity check
// (freeing a block that is not live throws), and checkInvariants() asserts the
// structural claims of spec §3 and §5.2.

import type { PythonVersion } from '../../../src/models/pymalloc/geometry.js';
import type { PymallocStats, SizeClassRow } from '../../../src/models/pymalloc/stats.js';

export const REF_NOT_PYMALLOC = -1;

// §2.1, identical on all six versions (64-bit build).
const ALIGNMENT_SHIFT = 4;
const SMALL_REQUEST_THRESHOLD = 512;
const NB_SMALL_SIZE_CLASSES = 32;
const POOL_OVERHEAD = 48;
const MAX_POOLS_IN_ARENA = 64;
const INITIAL_ARENA_OBJECTS = 16;
const DUMMY_SIZE_IDX = 0xffff;

interface RadixConstants {
  MAP_TOP_SHIFT: number;
  MAP_TOP_BITS: number;
  MAP_MID_SHIFT: number;
  MAP_MID_BITS: number;
  rootBytes: number;
  midBytes: number;
  botBytes: number;
}

interface VersionConstants {
  POOL_SIZE: number;
  ARENA_SIZE: number;
  keepOneEmptyArena: boolean; // bpo-37257, 3.9+
  radix: RadixConstants | null; // 3.10+
}

// §2.5: 3.10 indexes 48 address bits (10/10/8), 3.11+ all 64 (15/15/14).
const RADIX_310: RadixConstants = {
  MAP_TOP_SHIFT: 38,
  MAP_TOP_BITS: 10,
  MAP_MID_SHIFT: 28,
  MAP_MID_BITS: 10,
  rootBytes: 8192,
  midBytes: 8192,
  botBytes: 2048,
};
const RADIX_311: RadixConstants = {
  MAP_TOP_SHIFT: 49,
  MAP_TOP_BITS: 15,
  MAP_MID_SHIFT: 34,
  MAP_MID_BITS: 15,
  rootBytes: 262144,
  midBytes: 262144,
  botBytes: 131072,
};

const KiB = 1024;
const CONSTANTS: Record<PythonVersion, VersionConstants> = {
  '3.8': { POOL_SIZE: 4 * KiB, ARENA_SIZE: 256 * KiB, keepOneEmptyArena: false, radix: null },
  '3.9': { POOL_SIZE: 4 * KiB, ARENA_SIZE: 256 * KiB, keepOneEmptyArena: true, radix: null },
  '3.10': { POOL_SIZE: 16 * KiB, ARENA_SIZE: 1024 * KiB, keepOneEmptyArena: true, radix: RADIX_310 },
  '3.11': { POOL_SIZE: 16 * KiB, ARENA_SIZE: 1024 * KiB, keepOneEmptyArena: true, radix: RADIX_311 },
  '3.12': { POOL_SIZE: 16 * KiB, ARENA_SIZE: 1024 * KiB, keepOneEmptyArena: true, radix: RADIX_311 },
  '3.13': { POOL_SIZE: 16 * KiB, ARENA_SIZE: 1024 * KiB, keepOneEmptyArena: true, radix: RADIX_311 },
};

function INDEX2SIZE(c: number): number {
  return (c + 1) << ALIGNMENT_SHIFT;
}

export interface Pool {
  addr: number;
  arenaIndex: number;
  szidx: number;
  count: number;
  /** The freeblock list as a stack: free[free.length - 1] is pool->freeblock. */
  free: number[];
  nextoffset: number;
  maxnextoffset: number;
}

export interface ArenaObject {
  index: number;
  /** 0 when the slot holds no arena. */
  address: number;
  /** Next pool to carve. */
  poolAddress: number;
  nfreepools: number;
  ntotalpools: number;
  /** Stack of emptied pools; top = last element. */
  freepools: Pool[];
  next: ArenaObject | null;
  prev: ArenaObject | null;
}

export class ReferencePymalloc {
  readonly version: PythonVersion;
  readonly POOL_SIZE: number;
  readonly ARENA_SIZE: number;
  private readonly keepOneEmptyArena: boolean;
  private readonly radix: RadixConstants | null;

  readonly usedpools: Pool[][] = [];
  readonly arenas: ArenaObject[] = [];
  private unusedArenaObjects: ArenaObject | null = null;
  usableArenas: ArenaObject | null = null;
  readonly nfp2lasta: (ArenaObject | null)[] = [];
  private readonly pools = new Map<number, Pool>();

  private narenasCurrentlyAllocated = 0;
  private ntimesArenaAllocated = 0;
  private narenasHighwater = 0;
  private readonly radixMidNodes = new Set<string>();
  private readonly radixBotNodes = new Set<string>();

  /** Bases of arenas returned to the OS, in order. */
  readonly releasedArenas: number[] = [];
  /** Bases of arenas allocated, in order. */
  readonly allocatedArenas: number[] = [];
  private readonly live = new Set<number>();

  constructor(
    version: PythonVersion,
    private readonly nextArenaBase: () => number,
    private readonly onRelease: (base: number) => void = () => {},
  ) {
    this.version = version;
    const k = CONSTANTS[version];
    this.POOL_SIZE = k.POOL_SIZE;
    this.ARENA_SIZE = k.ARENA_SIZE;
    this.keepOneEmptyArena = k.keepOneEmptyArena;
    this.radix = k.radix;
    for (let c = 0; c < NB_SMALL_SIZE_CLASSES; c++) this.usedpools.push([]);
    for (let i = 0; i <= MAX_POOLS_IN_ARENA; i++) this.nfp2lasta.push(null);
  }

  private NUMBLOCKS(c: number): number {
    return Math.floor((this.POOL_SIZE - POOL_OVERHEAD) / INDEX2SIZE(c));
  }

  private POOL_ADDR(p: number): number {
    return p - (p % this.POOL_SIZE);
  }

  /** The first POOL_SIZE-aligned address of an arena (§2.3). */
  private firstPoolAddress(ao: ArenaObject): number {
    const excess = ao.address % this.POOL_SIZE;
    return excess ? ao.address + (this.POOL_SIZE - excess) : ao.address;
  }

  // ------------------------------------------------------------ §4 malloc

  /** pymalloc_alloc(n): a block address, or REF_NOT_PYMALLOC for 0 and > 512. */
  malloc(n: number): number {
    if (n === 0 || n > SMALL_REQUEST_THRESHOLD) return REF_NOT_PYMALLOC;
    const c = (n - 1) >> ALIGNMENT_SHIFT;
    let bp: number;
    if (this.usedpools[c]!.length > 0) {
      const pool = this.usedpools[c]![0]!;
      pool.count++;
      bp = pool.free.pop()!;
      if (pool.free.length === 0) this.pymalloc_pool_extend(pool, c);
    } else {
      bp = this.allocate_from_new_pool(c);
    }
    if (this.live.has(bp)) throw new Error(`reference: block 0x${bp.toString(16)} handed out twice`);
    this.live.add(bp);
    return bp;
  }

  private pymalloc_pool_extend(pool: Pool, c: number): void {
    if (pool.nextoffset <= pool.maxnextoffset) {
      pool.free.push(pool.addr + pool.nextoffset);
      pool.nextoffset += INDEX2SIZE(c);
      return;
    }
    // Full: it is the head of its class list.
    this.usedpools[c]!.shift();
  }

  private allocate_from_new_pool(c: number): number {
    if (this.usableArenas === null) {
      const fresh = this.new_arena();
      this.usableArenas = fresh;
      fresh.next = null;
      fresh.prev = null;
      this.nfp2lasta[fresh.nfreepools] = fresh;
    }
    const ao = this.usableArenas;
    if (this.nfp2lasta[ao.nfreepools] === ao) this.nfp2lasta[ao.nfreepools] = null;
    if (ao.nfreepools > 1) this.nfp2lasta[ao.nfreepools - 1] = ao;
    let pool: Pool;
    if (ao.freepools.length > 0) {
      pool = ao.freepools.pop()!;
    } else {
      pool = {
        addr: ao.poolAddress,
        arenaIndex: ao.index,
        szidx: DUMMY_SIZE_IDX,
        count: 0,
        free: [],
        nextoffset: 0,
        maxnextoffset: 0,
      };
      this.pools.set(pool.addr, pool);
      ao.poolAddress += this.POOL_SIZE;
    }
    ao.nfreepools--;
    if (ao.nfreepools === 0) {
      this.usableArenas = ao.next;
      if (this.usableArenas !== null) this.usableArenas.prev = null;
      // ao.next / ao.prev go stale, as in C.
    }
    this.usedpools[c] = [pool];
    pool.count = 1;
    if (pool.szidx === c) {
      return pool.free.pop()!;
    }
    pool.szidx = c;
    const s = INDEX2SIZE(c);
    pool.nextoffset = POOL_OVERHEAD + 2 * s;
    pool.maxnextoffset = this.POOL_SIZE - s;
    pool.free = [pool.addr + POOL_OVERHEAD + s];
    return pool.addr + POOL_OVERHEAD;
  }

  private new_arena(): ArenaObject {
    if (this.unusedArenaObjects === null) {
      const maxarenas = this.arenas.length;
      const numarenas = maxarenas ? maxarenas * 2 : INITIAL_ARENA_OBJECTS;
      for (let i = maxarenas; i < numarenas; i++) {
        this.arenas.push({
          index: i,
          address: 0,
          poolAddress: 0,
          nfreepools: 0,
          ntotalpools: 0,
          freepools: [],
          next: null,
          prev: null,
        });
      }
      for (let i = maxarenas; i < numarenas; i++) {
        this.arenas[i]!.next = i < numarenas - 1 ? this.arenas[i + 1]! : null;
      }
      this.unusedArenaObjects = this.arenas[maxarenas]!;
    }
    const ao = this.unusedArenaObjects;
    this.unusedArenaObjects = ao.next;
    const base = this.nextArenaBase();
    if (this.radix !== null) this.arena_map_mark_used(base);
    this.allocatedArenas.push(base);
    ao.address = base;
    this.narenasCurrentlyAllocated++;
    this.ntimesArenaAllocated++;
    this.narenasHighwater = Math.max(this.narenasHighwater, this.narenasCurrentlyAllocated);
    ao.freepools = [];
    ao.poolAddress = base;
    ao.nfreepools = MAX_POOLS_IN_ARENA;
    const excess = base % this.POOL_SIZE;
    if (excess) {
      ao.nfreepools--;
      ao.poolAddress += this.POOL_SIZE - excess;
    }
    ao.ntotalpools = ao.nfreepools;
    return ao;
  }

  /** Only the node counts matter: nodes for base (and base + ARENA_SIZE if unaligned). */
  private arena_map_mark_used(base: number): void {
    const r = this.radix!;
    const touch = (p: bigint): void => {
      const top = (p >> BigInt(r.MAP_TOP_SHIFT)) & ((1n << BigInt(r.MAP_TOP_BITS)) - 1n);
      const mid = (p >> BigInt(r.MAP_MID_SHIFT)) & ((1n << BigInt(r.MAP_MID_BITS)) - 1n);
      this.radixMidNodes.add(`${top}`);
      this.radixBotNodes.add(`${top}:${mid}`);
    };
    touch(BigInt(base));
    if (base % this.ARENA_SIZE !== 0) touch(BigInt(base) + BigInt(this.ARENA_SIZE));
  }

  // --------------------------------------------------------------- §5 free

  /** The live arena whose [base, base + ARENA_SIZE) holds p (address_in_range). */
  private arenaContaining(p: number): ArenaObject | null {
    for (const ao of this.arenas) {
      if (ao.address !== 0 && ao.address <= p && p < ao.address + this.ARENA_SIZE) return ao;
    }
    return null;
  }

  /**
   * POOL_ADDR(p) when p lies in a carved pool of a live arena, else -1
   * (address_in_range narrowed to pools that have been carved).
   */
  carvedPoolAt(p: number): number {
    const ao = this.arenaContaining(p);
    if (ao === null) return -1;
    const pool = this.POOL_ADDR(p);
    return pool >= this.firstPoolAddress(ao) && pool < ao.poolAddress ? pool : -1;
  }

  free(p: number): void {
    if (!this.live.delete(p)) throw new Error(`reference: free of 0x${p.toString(16)}, which is not a live block`);
    if (this.arenaContaining(p) === null) throw new Error(`reference: 0x${p.toString(16)} is in no live arena`);
    const pool = this.pools.get(this.POOL_ADDR(p))!;
    const wasFull = pool.free.length === 0;
    pool.free.push(p);
    pool.count--;
    if (wasFull) {
      this.usedpools[pool.szidx]!.unshift(pool);
      return;
    }
    if (pool.count !== 0) return;
    this.insert_to_freepool(pool);
  }

  private insert_to_freepool(pool: Pool): void {
    const list = this.usedpools[pool.szidx]!;
    list.splice(list.indexOf(pool), 1);
    const ao = this.arenas[pool.arenaIndex]!;
    ao.freepools.push(pool);
    let nf = ao.nfreepools;
    const lastnf = this.nfp2lasta[nf]!;
    if (lastnf === ao) {
      const p = ao.prev;
      this.nfp2lasta[nf] = p !== null && p.nfreepools === nf ? p : null;
    }
    nf = ++ao.nfreepools;

    // Case 1: wholly free -> release (3.9+: unless it is the last usable arena).
    if (nf === ao.ntotalpools && (!this.keepOneEmptyArena || ao.next !== null)) {
      if (ao.prev === null) this.usableArenas = ao.next;
      else ao.prev.next = ao.next;
      if (ao.next !== null) ao.next.prev = ao.prev;
      ao.next = this.unusedArenaObjects;
      this.unusedArenaObjects = ao;
      // Forget every pool of this arena.
      for (let a = this.firstPoolAddress(ao); a < ao.poolAddress; a += this.POOL_SIZE) this.pools.delete(a);
      this.releasedArenas.push(ao.address);
      this.onRelease(ao.address);
      ao.address = 0;
      this.narenasCurrentlyAllocated--;
      return;
    }
    // Case 2: first free pool of a full arena -> head of usable_arenas.
    if (nf === 1) {
      ao.next = this.usableArenas;
      ao.prev = null;
      if (this.usableArenas !== null) this.usableArenas.prev = ao;
      this.usableArenas = ao;
      if (this.nfp2lasta[1] === null) this.nfp2lasta[1] = ao;
      return;
    }
    if (this.nfp2lasta[nf] === null) this.nfp2lasta[nf] = ao;
    // Case 4: it was the rightmost with the old count.
    if (ao === lastnf) return;
    // Case 3: move it to just after lastnf.
    if (ao.prev !== null) ao.prev.next = ao.next;
    else this.usableArenas = ao.next;
    ao.next!.prev = ao.prev;
    ao.prev = lastnf;
    ao.next = lastnf.next;
    if (ao.next !== null) ao.next.prev = ao;
    lastnf.next = ao;
  }

  // ------------------------------------------------------------ §5.3 realloc

  /** The in-place rule for a pymalloc block p: n <= size && 4n > 3*size. */
  staysInPlace(p: number, n: number): boolean {
    const size = INDEX2SIZE(this.pools.get(this.POOL_ADDR(p))!.szidx);
    return n <= size && 4 * n > 3 * size;
  }

  /**
   * realloc of the pymalloc block p: p itself when it stays, otherwise the
   * new block (REF_NOT_PYMALLOC when it moves to the C library) allocated
   * BEFORE p is freed.
   */
  realloc(p: number, n: number): number {
    if (this.staysInPlace(p, n)) return p;
    const q = this.malloc(n);
    this.free(p);
    return q;
  }

  // ------------------------------------------------------------- §8.2 stats

  stats(): PymallocStats {
    const numpools = new Array<number>(NB_SMALL_SIZE_CLASSES).fill(0);
    const numblocks = new Array<number>(NB_SMALL_SIZE_CLASSES).fill(0);
    const numfreeblocks = new Array<number>(NB_SMALL_SIZE_CLASSES).fill(0);
    let narenas = 0;
    let numfreepools = 0;
    let arena_alignment = 0;
    for (const ao of this.arenas) {
      if (ao.address === 0) continue;
      narenas++;
      numfreepools += ao.nfreepools;
      let base = ao.address;
      if (base % this.POOL_SIZE) {
        arena_alignment += this.POOL_SIZE;
        base = base - (base % this.POOL_SIZE) + this.POOL_SIZE;
      }
      for (; base < ao.poolAddress; base += this.POOL_SIZE) {
        const pool = this.pools.get(base)!;
        if (pool.count === 0) continue;
        numpools[pool.szidx]!++;
        numblocks[pool.szidx]! += pool.count;
        numfreeblocks[pool.szidx]! += this.NUMBLOCKS(pool.szidx) - pool.count;
      }
    }
    const classes: SizeClassRow[] = [];
    let allocated_bytes = 0;
    let available_bytes = 0;
    let pool_header_bytes = 0;
    let quantization = 0;
    for (let c = 0; c < NB_SMALL_SIZE_CLASSES; c++) {
      if (numpools[c] === 0) continue;
      const size = INDEX2SIZE(c);
      classes.push({
        sizeClass: c,
        blockSize: size,
        pools: numpools[c]!,
        blocksInUse: numblocks[c]!,
        availBlocks: numfreeblocks[c]!,
      });
      allocated_bytes += numblocks[c]! * size;
      available_bytes += numfreeblocks[c]! * size;
      pool_header_bytes += numpools[c]! * POOL_OVERHEAD;
      quantization += numpools[c]! * ((this.POOL_SIZE - POOL_OVERHEAD) % size);
    }
    const total =
      allocated_bytes + available_bytes + numfreepools * this.POOL_SIZE + pool_header_bytes + quantization + arena_alignment;
    const r = this.radix;
    return {
      python: this.version,
      smallRequestThreshold: SMALL_REQUEST_THRESHOLD,
      sizeClasses: NB_SMALL_SIZE_CLASSES,
      arenaSize: this.ARENA_SIZE,
      poolSize: this.POOL_SIZE,
      classes,
      arenasAllocatedTotal: this.ntimesArenaAllocated,
      arenasReclaimed: this.ntimesArenaAllocated - narenas,
      arenasHighwater: this.narenasHighwater,
      arenasCurrent: narenas,
      arenaBytes: narenas * this.ARENA_SIZE,
      bytesInAllocatedBlocks: allocated_bytes,
      bytesInAvailableBlocks: available_bytes,
      unusedPools: numfreepools,
      unusedPoolBytes: numfreepools * this.POOL_SIZE,
      poolHeaderBytes: pool_header_bytes,
      quantizationBytes: quantization,
      arenaAlignmentBytes: arena_alignment,
      totalBytes: total,
      arenaMap:
        r === null
          ? null
          : {
              midNodes: this.radixMidNodes.size,
              botNodes: this.radixBotNodes.size,
              rootBytes: r.rootBytes,
              midBytes: r.midBytes * this.radixMidNodes.size,
              botBytes: r.botBytes * this.radixBotNodes.size,
              totalBytes: r.rootBytes + r.midBytes * this.radixMidNodes.size + r.botBytes * this.radixBotNodes.size,
            },
    };
  }

  // ------------------------------------------------------------- invariants

  /** usable_arenas from head to tail. */
  usableList(): ArenaObject[] {
    const out: ArenaObject[] = [];
    for (let a = this.usableArenas; a !== null; a = a.next) out.push(a);
    return out;
  }

  /** Throws when a structural claim of spec §3 / §5.2 does not hold. */
  checkInvariants(): void {
    const fail = (msg: string): never => {
      throw new Error(`reference invariant: ${msg}`);
    };
    const list = this.usableList();
    if (list.length > 0 && list[0]!.prev !== null) fail('usable_arenas head has a prev');
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      if (a.address === 0) fail(`usable arena slot ${a.index} has no address`);
      if (a.nfreepools === 0) fail(`usable arena slot ${a.index} has no free pool`);
      if (i > 0 && a.prev !== list[i - 1]) fail(`usable arena slot ${a.index}: prev link broken`);
      if (i > 0 && list[i - 1]!.nfreepools > a.nfreepools) fail('usable_arenas not sorted by nfreepools');
    }
    if (this.nfp2lasta[0] !== null) fail('nfp2lasta[0] is set');
    for (let k = 1; k <= MAX_POOLS_IN_ARENA; k++) {
      let rightmost: ArenaObject | null = null;
      for (const a of list) if (a.nfreepools === k) rightmost = a;
      if (this.nfp2lasta[k] !== rightmost) fail(`nfp2lasta[${k}] is not the rightmost arena with ${k} free pools`);
    }
    const onList = new Set(list);
    const liveInPool = new Map<number, number>();
    for (const b of this.live) {
      const pa = this.POOL_ADDR(b);
      liveInPool.set(pa, (liveInPool.get(pa) ?? 0) + 1);
    }
    for (const ao of this.arenas) {
      if (ao.address === 0) continue;
      if (ao.nfreepools > 0 && !onList.has(ao)) fail(`arena slot ${ao.index} has free pools but is not usable`);
      const carved = (ao.poolAddress - this.firstPoolAddress(ao)) / this.POOL_SIZE;
      const uncarved = ao.ntotalpools - carved;
      if (ao.nfreepools !== ao.freepools.length + uncarved) fail(`arena slot ${ao.index}: nfreepools mismatch`);
      for (const p of ao.freepools) if (p.count !== 0) fail('a pool in freepools has blocks in use');
    }
    for (let c = 0; c < NB_SMALL_SIZE_CLASSES; c++) {
      for (const p of this.usedpools[c]!) {
        if (p.szidx !== c) fail(`usedpools[${c}] holds a pool of class ${p.szidx}`);
        if (p.count <= 0 || p.count >= this.NUMBLOCKS(c)) fail(`usedpools[${c}] holds a pool with count ${p.count}`);
        if (p.free.length === 0) fail(`usedpools[${c}] holds a pool with an empty free list`);
      }
    }
    for (const p of this.pools.values()) {
      if ((liveInPool.get(p.addr) ?? 0) !== p.count) fail(`pool 0x${p.addr.toString(16)} count ${p.count} != live blocks`);
      const full = p.count > 0 && p.free.length === 0;
      const listed = p.szidx !== DUMMY_SIZE_IDX && this.usedpools[p.szidx]!.includes(p);
      if (full && listed) fail('a full pool is in usedpools');
      if (p.count > 0 && !full && !listed) fail('a used pool is missing from usedpools');
    }
  }
}
