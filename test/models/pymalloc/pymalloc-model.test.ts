// One focused test per pymalloc rule (pymalloc-model.md §2-§6, §8), run on the
// fast model. Every expected address is computed here from the rule it tests
// (pool + 48 + k * size, pools carved upwards from the first pool boundary,
// LIFO stacks, ...), never copied from the model's output.

import { describe, expect, test } from 'vitest';

import {
  PYTHON_VERSIONS,
  blocksPerPool,
  geometryFor,
  sizeClassOf,
  type PythonVersion,
} from '../../../src/models/pymalloc/geometry.js';
import { NOT_PYMALLOC, PymallocModel, type ArenaSource } from '../../../src/models/pymalloc/pymalloc-model.js';
import { formatDebugMallocStats, printone, withCommas } from '../../../src/models/pymalloc/stats-text.js';
import { countersStats, walkStats, type PymallocStats } from '../../../src/models/pymalloc/stats.js';
import { ReferencePymalloc } from './reference-model.js';

// ------------------------------------------------------------ spec numbers

const KiB = 1024;
const MiB = 1024 * KiB;
const HEADER = 48; // POOL_OVERHEAD

/** §2.1: POOL_SIZE and ARENA_SIZE per version (64-bit). */
function sizesOf(version: PythonVersion): { POOL: number; ARENA: number } {
  return version === '3.8' || version === '3.9' ? { POOL: 4 * KiB, ARENA: 256 * KiB } : { POOL: 16 * KiB, ARENA: 1 * MiB };
}

/** §2.2 table, "blocks/pool" columns, class 0..31. */
const BLOCKS_16K = [
  1021, 510, 340, 255, 204, 170, 145, 127, 113, 102, 92, 85, 78, 72, 68, 63, 60, 56, 53, 51, 48, 46, 44, 42, 40, 39, 37, 36,
  35, 34, 32, 31,
];
const BLOCKS_4K = [
  253, 126, 84, 63, 50, 42, 36, 31, 28, 25, 23, 21, 19, 18, 16, 15, 14, 14, 13, 12, 12, 11, 11, 10, 10, 9, 9, 9, 8, 8, 8, 7,
];
/** §2.2 table, "quant" columns. */
const QUANT_16K = [
  0, 16, 16, 16, 16, 16, 96, 80, 64, 16, 144, 16, 112, 208, 16, 208, 16, 208, 224, 16, 208, 144, 144, 208, 336, 112, 352, 208,
  96, 16, 464, 464,
];
const QUANT_4K = [
  0, 16, 16, 16, 48, 16, 16, 80, 16, 48, 0, 16, 96, 16, 208, 208, 240, 16, 96, 208, 16, 176, 0, 208, 48, 304, 160, 16, 336,
  208, 80, 464,
];

/** A base aligned to 4 MiB (so to every arena and pool size), well inside user space. */
const BASE = 0x7f12_3440_0000;
const LARGE: PythonVersion[] = ['3.10', '3.11', '3.12', '3.13'];
const KEEP_ONE: PythonVersion[] = ['3.9', '3.10', '3.11', '3.12', '3.13'];

// ----------------------------------------------------------------- harness

class QueueArenas implements ArenaSource {
  readonly allocated: number[] = [];
  readonly released: number[] = [];
  constructor(private readonly queue: number[]) {}
  allocateArena(): number {
    const base = this.queue.shift();
    if (base === undefined) throw new Error('the test ran out of arena bases');
    this.allocated.push(base);
    return base;
  }
  releaseArena(base: number): void {
    this.released.push(base);
  }
}

interface Block {
  addr: number;
  pool: number;
}

/** The fast model driven as the replayer drives it, plus a few shorthands. */
class Heap {
  readonly model: PymallocModel;
  readonly arenas: QueueArenas;
  readonly POOL: number;
  readonly ARENA: number;

  constructor(
    readonly version: PythonVersion,
    bases: number[],
  ) {
    this.arenas = new QueueArenas([...bases]);
    this.model = new PymallocModel(geometryFor(version), this.arenas);
    ({ POOL: this.POOL, ARENA: this.ARENA } = sizesOf(version));
  }

  malloc(n: number): Block {
    const addr = this.model.malloc(n);
    if (addr === NOT_PYMALLOC) throw new Error(`malloc(${n}) was not served by pymalloc`);
    return { addr, pool: this.model.lastPool };
  }

  free(...blocks: Block[]): void {
    for (const b of blocks) this.model.free(b.addr, b.pool);
  }

  /** POOL_ADDR(p) = p - p % POOL_SIZE. */
  poolAddr(p: number): number {
    return p - (p % this.POOL);
  }

  /** 512-byte blocks in one pool (§2.2): 31 with 16 KiB pools, 7 with 4 KiB. */
  get perPool512(): number {
    return this.POOL === 16 * KiB ? 31 : 7;
  }

  /** Allocate a whole pool of class-31 blocks (there must be no partly used class-31 pool). */
  fullPool(): Block[] {
    const blocks: Block[] = [];
    for (let k = 0; k < this.perPool512; k++) blocks.push(this.malloc(512));
    const pool = this.poolAddr(blocks[0]!.addr);
    for (const b of blocks) expect(this.poolAddr(b.addr)).toBe(pool);
    return blocks;
  }

  /** Fill an arena with whole class-31 pools; pool k of an aligned arena A is at A + k * POOL. */
  fullArena(base: number, pools = 64): Block[][] {
    const out: Block[][] = [];
    for (let k = 0; k < pools; k++) {
      const blocks = this.fullPool();
      expect(this.poolAddr(blocks[0]!.addr)).toBe(base + k * this.POOL);
      out.push(blocks);
    }
    return out;
  }

  /** The pool a freshly requested class-31 pool comes from. */
  nextPool(): number {
    return this.poolAddr(this.fullPool()[0]!.addr);
  }

  /** walkStats, after checking that the running totals agree with the walk. */
  stats(): PymallocStats {
    const walked = walkStats(this.model);
    expect(countersStats(this.model)).toEqual(walked);
    return walked;
  }
}

/** Arena bases 4 MiB apart, all aligned. */
function alignedBases(count: number): number[] {
  return Array.from({ length: count }, (_, i) => BASE + i * 4 * MiB);
}

// ===================================================================== tests

describe('size classes and pool geometry (§2.2)', () => {
  test.each(['3.8', '3.11'] as const)(
    'given a fresh %s model, when two blocks of each class are allocated in class order, then class c gets the c-th pool with its first block at pool + 48 and the second one class size later',
    (version) => {
      const heap = new Heap(version, [BASE]);
      for (let c = 0; c < 32; c++) {
        const size = (c + 1) * 16;
        const first = heap.malloc(size);
        const second = heap.malloc(c * 16 + 1); // smallest request of the class
        const pool = BASE + c * heap.POOL;
        expect(first.addr).toBe(pool + HEADER);
        expect(second.addr).toBe(pool + HEADER + size);
      }
    },
  );

  describe.each([
    ['3.11', BLOCKS_16K, QUANT_16K],
    ['3.8', BLOCKS_4K, QUANT_4K],
  ] as const)('with %s pools', (version, blocks, quant) => {
    test.each(Array.from({ length: 32 }, (_, c) => c))(
      'given class %i, when a pool is filled, then it holds exactly the table number of blocks and the next block opens the next pool',
      (c) => {
        const heap = new Heap(version, [BASE]);
        const size = (c + 1) * 16;
        expect(blocksPerPool(heap.model.g, c)).toBe(blocks[c]);
        let last = 0;
        for (let k = 0; k < blocks[c]!; k++) {
          last = heap.malloc(size).addr;
          expect(last).toBe(BASE + HEADER + k * size);
        }
        expect(last + size).toBeLessThanOrEqual(BASE + heap.POOL);
        expect(heap.malloc(size).addr).toBe(BASE + heap.POOL + HEADER);
      },
    );

    test('given one used pool of each class, then each loses the table quantization bytes and 48 header bytes', () => {
      for (let c = 0; c < 32; c++) {
        const heap = new Heap(version, [BASE]);
        heap.malloc((c + 1) * 16);
        const s = heap.stats();
        expect(s.quantizationBytes).toBe(quant[c]);
        expect(s.poolHeaderBytes).toBe(HEADER);
        expect(s.classes).toEqual([
          { sizeClass: c, blockSize: (c + 1) * 16, pools: 1, blocksInUse: 1, availBlocks: blocks[c]! - 1 },
        ]);
      }
    });
  });

  test.each(PYTHON_VERSIONS)(
    'given Python %s, when 0 or more than 512 bytes are requested, then pymalloc does not serve them and takes no arena; 512 and 497 are class 31, 496 is class 30',
    (version) => {
      const heap = new Heap(version, [BASE]);
      for (const n of [0, 513, 4096, 1 << 20]) {
        expect(heap.model.malloc(n)).toBe(NOT_PYMALLOC);
        expect(heap.model.lastPool).toBe(NOT_PYMALLOC);
        expect(sizeClassOf(heap.model.g, n)).toBe(-1);
      }
      expect(heap.arenas.allocated).toEqual([]);
      const a = heap.malloc(512);
      expect(a.addr).toBe(BASE + HEADER);
      expect(heap.model.poolSizeClass(a.pool)).toBe(31);
      expect(heap.malloc(497).addr).toBe(BASE + HEADER + 512);
      const b = heap.malloc(496);
      expect(heap.model.poolSizeClass(b.pool)).toBe(30);
      expect(b.addr).toBe(BASE + heap.POOL + HEADER);
      expect(sizeClassOf(heap.model.g, 1)).toBe(0);
      expect(sizeClassOf(heap.model.g, 16)).toBe(0);
      expect(sizeClassOf(heap.model.g, 17)).toBe(1);
    },
  );
});

describe('block order inside a pool (§4.1, §4.2, §5.1)', () => {
  test.each(['3.8', '3.11'] as const)(
    'given a fresh %s pool, when ten 100-byte blocks are allocated, then they ascend by the 112-byte class size',
    (version) => {
      const heap = new Heap(version, [BASE]);
      for (let k = 0; k < 10; k++) expect(heap.malloc(100).addr).toBe(BASE + HEADER + k * 112);
    },
  );

  test('given three 48-byte blocks, when the first and then the third are freed, then the next allocations return the third, the first, and then the next virgin blocks (LIFO)', () => {
    const heap = new Heap('3.11', [BASE]);
    const [a0, , a2] = [heap.malloc(48), heap.malloc(48), heap.malloc(48)];
    heap.free(a0!, a2!);
    expect(heap.malloc(48).addr).toBe(BASE + HEADER + 2 * 48);
    expect(heap.malloc(48).addr).toBe(BASE + HEADER + 0 * 48);
    expect(heap.malloc(48).addr).toBe(BASE + HEADER + 3 * 48);
    expect(heap.malloc(48).addr).toBe(BASE + HEADER + 4 * 48);
  });

  test.each(PYTHON_VERSIONS)(
    'given Python %s with a full class-31 pool P0 and a newer used pool P1, when a block of P0 is freed, then P0 becomes the head and the next allocation reuses exactly that block',
    (version) => {
      const heap = new Heap(version, [BASE]);
      const p0 = heap.fullPool();
      const P1 = BASE + heap.POOL;
      expect(heap.malloc(512).addr).toBe(P1 + HEADER);
      heap.free(p0[5]!);
      expect(heap.malloc(512).addr).toBe(BASE + HEADER + 5 * 512);
      // P0 is full again and leaves the list; P1 continues with its next virgin block.
      expect(heap.malloc(512).addr).toBe(P1 + HEADER + 512);
    },
  );

  test('given two used pools of a class with P0 at the head, when a block of P1 (not full) is freed, then the list order is unchanged and P0 still serves the next allocation', () => {
    const heap = new Heap('3.11', [BASE]);
    const p0 = heap.fullPool();
    const P1 = BASE + heap.POOL;
    const b1 = heap.malloc(512); // P1 block 0
    heap.malloc(512); // P1 block 1
    heap.free(p0[3]!); // P0 back at the head with one free block
    heap.free(b1); // P1 was not full: stays where it is
    expect(heap.malloc(512).addr).toBe(BASE + HEADER + 3 * 512);
    // P0 is full again: now P1, whose stack top is its freed block 0.
    expect(heap.malloc(512).addr).toBe(P1 + HEADER);
  });
});

describe('reuse of emptied pools (§4.3)', () => {
  /** A 16-byte block keeps pool 0 (and the arena) busy; pool 1 gets 512-byte blocks a, b, c which are freed b, a, c. */
  function emptiedPool(version: PythonVersion): { heap: Heap; P1: number } {
    const heap = new Heap(version, [BASE]);
    heap.malloc(16);
    const P1 = BASE + heap.POOL;
    const [a, b, c] = [heap.malloc(512), heap.malloc(512), heap.malloc(512)];
    expect([a!.addr, b!.addr, c!.addr]).toEqual([P1 + 48, P1 + 560, P1 + 1072]);
    heap.free(b!, a!, c!);
    expect(heap.stats().classes.map((r) => r.sizeClass)).toEqual([0]);
    return { heap, P1 };
  }

  test.each(PYTHON_VERSIONS)(
    'given Python %s and an emptied class-31 pool, when class 31 is allocated again, then the pool comes back with its free stack order (c, a, b, pushed virgin) and then its virgin tail',
    (version) => {
      const { heap, P1 } = emptiedPool(version);
      const got = Array.from({ length: 6 }, () => heap.malloc(512).addr);
      // Stack (top first): c, a, b, then block 3 (pushed when block 2 was handed out); then virgin blocks 4, 5.
      expect(got).toEqual([P1 + 48 + 2 * 512, P1 + 48, P1 + 48 + 512, P1 + 48 + 3 * 512, P1 + 48 + 4 * 512, P1 + 48 + 5 * 512]);
    },
  );

  test.each(PYTHON_VERSIONS)(
    'given Python %s and an emptied class-31 pool, when a different class is allocated, then the pool is re-initialised: block 0 at +48 first, then block 1, then block 2',
    (version) => {
      const { heap, P1 } = emptiedPool(version);
      expect(heap.malloc(100).addr).toBe(P1 + HEADER);
      expect(heap.malloc(100).addr).toBe(P1 + HEADER + 112);
      expect(heap.malloc(100).addr).toBe(P1 + HEADER + 224);
      // The class-31 stack is gone: class 31 now needs a freshly carved pool.
      expect(heap.malloc(512).addr).toBe(BASE + 2 * heap.POOL + HEADER);
    },
  );
});

describe('choice of arena: usable_arenas sorted by nfreepools, nfp2lasta tie order (§4.3, §5.2)', () => {
  /**
   * 3.11, four aligned arenas A0..A3 filled with full class-31 pools; the
   * usable list is then empty. `pool(i, k)` is pool k of arena i.
   */
  function fourFullArenas(): { heap: Heap; pool: (i: number, k: number) => number; freePool: (i: number, k: number) => void } {
    const bases = alignedBases(4);
    const heap = new Heap('3.11', bases);
    const pools = bases.map((b) => heap.fullArena(b));
    return {
      heap,
      pool: (i, k) => bases[i]! + k * heap.POOL,
      freePool: (i, k) => heap.free(...pools[i]![k]!),
    };
  }

  test('given arenas with 1 and 3 free pools, when a new pool is needed, then it comes from the one with 1 free pool (the most used), even though the other became usable later', () => {
    const { heap, pool, freePool } = fourFullArenas();
    freePool(1, 20); // A1: 1 free            list [A1(1)]
    freePool(0, 10); // A0: 1 free, head      list [A0(1), A1(1)]
    freePool(0, 11); // A0: 2, moves right    list [A1(1), A0(2)]
    freePool(0, 12); // A0: 3                 list [A1(1), A0(3)]
    expect([heap.nextPool(), heap.nextPool(), heap.nextPool(), heap.nextPool()]).toEqual([
      pool(1, 20),
      pool(0, 12), // an arena's emptied pools come back LIFO
      pool(0, 11),
      pool(0, 10),
    ]);
    expect(heap.arenas.allocated).toHaveLength(4);
  });

  test('case 2: given two full arenas, when each gets its first free pool, then the later one is pushed to the head and serves first', () => {
    const { heap, pool, freePool } = fourFullArenas();
    freePool(0, 10);
    freePool(1, 20);
    expect([heap.nextPool(), heap.nextPool()]).toEqual([pool(1, 20), pool(0, 10)]);
  });

  test('case 3: given [A1(1), A0(1)], when A1 gets a second free pool, then it moves behind A0 (after the rightmost arena with its old count) and A0 serves first', () => {
    const { heap, pool, freePool } = fourFullArenas();
    freePool(0, 10);
    freePool(1, 20);
    freePool(1, 21);
    expect([heap.nextPool(), heap.nextPool(), heap.nextPool()]).toEqual([pool(0, 10), pool(1, 21), pool(1, 20)]);
  });

  test('case 4: given [A1(1), A0(1)], when A0 (the rightmost with 1) gets a second free pool, then it stays in place and A1 serves first', () => {
    const { heap, pool, freePool } = fourFullArenas();
    freePool(0, 10);
    freePool(1, 20);
    freePool(0, 11);
    expect([heap.nextPool(), heap.nextPool(), heap.nextPool()]).toEqual([pool(1, 20), pool(0, 11), pool(0, 10)]);
  });

  test('given four arenas where cases 2, 4 and 3 all occur, then an arena whose count grows becomes the leftmost of the arenas sharing its new count, and pools are handed out in exactly that list order', () => {
    const { heap, pool, freePool } = fourFullArenas();
    freePool(0, 10); // case 2  [A0(1)]
    freePool(1, 20); // case 2  [A1(1), A0(1)]
    freePool(2, 30); // case 2  [A2(1), A1(1), A0(1)]
    freePool(3, 40); // case 2  [A3(1), A2(1), A1(1), A0(1)]
    freePool(0, 11); // case 4  [A3(1), A2(1), A1(1), A0(2)]
    freePool(2, 31); // case 3  [A3(1), A1(1), A2(2), A0(2)]   (A2 lands left of A0)
    freePool(3, 41); // case 3  [A1(1), A3(2), A2(2), A0(2)]   (A3 lands left of A2)
    const order = Array.from({ length: 7 }, () => heap.nextPool());
    expect(order).toEqual([pool(1, 20), pool(3, 41), pool(3, 40), pool(2, 31), pool(2, 30), pool(0, 11), pool(0, 10)]);
    // All four arenas are full again: the next pool needs a fifth arena.
    expect(() => heap.nextPool()).toThrow('ran out of arena bases');
  });
});

describe('release of wholly free arenas (§5.2 case 1, §9.1, §9.2)', () => {
  /** A0 full of class-31 pools, then one block x in A1 (pool 0). */
  function twoArenas(version: PythonVersion): { heap: Heap; a0: Block[][]; x: Block; A: number[] } {
    const A = alignedBases(3);
    const heap = new Heap(version, A);
    const a0 = heap.fullArena(A[0]!);
    const x = heap.malloc(512);
    expect(x.addr).toBe(A[1]! + HEADER);
    return { heap, a0, x, A };
  }

  test.each(KEEP_ONE)(
    'given Python %s, when the last usable arena becomes wholly free it is kept, but an arena before it that becomes wholly free is released',
    (version) => {
      const { heap, a0, x, A } = twoArenas(version);
      heap.free(x);
      expect(heap.arenas.released).toEqual([]);
      for (const p of a0) heap.free(...p);
      expect(heap.arenas.released).toEqual([A[0]]);
      const s = heap.stats();
      expect([s.arenasAllocatedTotal, s.arenasReclaimed, s.arenasCurrent, s.arenasHighwater]).toEqual([2, 1, 1, 2]);
      // The kept arena serves again: its class-31 pool with x on top of the stack.
      expect(heap.malloc(512).addr).toBe(x.addr);
      expect(heap.arenas.allocated).toEqual([A[0], A[1]]);
    },
  );

  test('given Python 3.8, when any arena becomes wholly free, then it is released, including the last one', () => {
    const { heap, a0, x, A } = twoArenas('3.8');
    heap.free(x);
    expect(heap.arenas.released).toEqual([A[1]]);
    for (const p of a0) heap.free(...p);
    expect(heap.arenas.released).toEqual([A[1], A[0]]);
    const s = heap.stats();
    expect([s.arenasAllocatedTotal, s.arenasReclaimed, s.arenasCurrent, s.arenasHighwater]).toEqual([2, 2, 0, 2]);
    expect(heap.malloc(512).addr).toBe(A[2]! + HEADER);
  });

  test.each(PYTHON_VERSIONS)(
    'given Python %s, when one 16-byte block is allocated and freed three times, then 3.8 maps and unmaps an arena each time while 3.9+ keeps one arena',
    (version) => {
      const A = alignedBases(3);
      const heap = new Heap(version, A);
      const got: number[] = [];
      for (let i = 0; i < 3; i++) {
        const b = heap.malloc(16);
        got.push(b.addr);
        heap.free(b);
      }
      if (version === '3.8') {
        expect(got).toEqual(A.map((a) => a + HEADER));
        expect(heap.arenas.released).toEqual(A);
      } else {
        expect(got).toEqual([A[0]! + HEADER, A[0]! + HEADER, A[0]! + HEADER]);
        expect(heap.arenas.released).toEqual([]);
      }
    },
  );
});

describe('realloc (§5.3)', () => {
  test.each([16, 48, 112, 256, 512])(
    'given a %i-byte block, then realloc stays in place exactly for 3*size/4 < n <= size and moves for 3*size/4, size + 1 and 0',
    (size) => {
      const heap = new Heap('3.11', [BASE]);
      const b = heap.malloc(size);
      const low = (3 * size) / 4;
      for (let n = low + 1; n <= size; n++) expect(heap.model.reallocInPlace(b.pool, n)).toBe(true);
      for (const n of [low, low - 1, size + 1, 0, 1]) expect(heap.model.reallocInPlace(b.pool, n)).toBe(false);
    },
  );

  test('given a block requested as 97 bytes (class 6, 112), then the in-place rule uses the class size: 112 stays, 85 stays, 84 and 113 move', () => {
    const heap = new Heap('3.11', [BASE]);
    const b = heap.malloc(97);
    expect(heap.model.reallocInPlace(b.pool, 112)).toBe(true);
    expect(heap.model.reallocInPlace(b.pool, 85)).toBe(true);
    expect(heap.model.reallocInPlace(b.pool, 84)).toBe(false);
    expect(heap.model.reallocInPlace(b.pool, 113)).toBe(false);
  });

  test.each(PYTHON_VERSIONS)(
    'given Python %s and a lone 512-byte block, when it is moved to 100 bytes, then the new block is taken before the old one is freed: a new pool in the same arena, no arena released, and the old block is the next class-31 block',
    (version) => {
      const A = alignedBases(2);
      const heap = new Heap(version, A);
      const old = heap.malloc(512);
      expect(heap.model.reallocInPlace(old.pool, 100)).toBe(false);
      // Moving realloc as the replayer does it: malloc the new block, then free the old.
      const moved = heap.malloc(100);
      heap.free(old);
      // Had the old block been freed first, 3.8 would have released A0 and the
      // block would be in A1; 3.9+ would have re-initialised pool 0 (A0 + 48).
      expect(moved.addr).toBe(A[0]! + heap.POOL + HEADER);
      expect(heap.arenas.released).toEqual([]);
      expect(heap.malloc(512).addr).toBe(old.addr);
      // The reference model's realloc follows the same order.
      const ref = new ReferencePymalloc(version, (() => {
        const q = [...A];
        return () => q.shift()!;
      })());
      const r = ref.malloc(512);
      expect(ref.realloc(r, 100)).toBe(A[0]! + heap.POOL + HEADER);
      expect(ref.realloc(A[0]! + heap.POOL + HEADER, 0)).toBe(-1); // realloc to 0 always moves (to the C library)
    },
  );
});

describe('arena geometry and alignment (§2.3)', () => {
  test.each([
    ...LARGE.map((v) => [v, 4096] as const),
    ['3.11', 8192] as const,
    ['3.11', 12288] as const,
    ['3.8', 16] as const,
    ['3.9', 2032] as const,
  ])(
    'given Python %s and an arena base %i bytes past a pool boundary, then the first pool is at the next boundary, the arena has 63 pools, and the stats count one POOL_SIZE of alignment loss',
    (version, excess) => {
      const B = BASE + excess;
      const heap = new Heap(version, [B, BASE + 8 * MiB]);
      const first = B + (heap.POOL - excess);
      const pools = heap.fullArena(first, 63);
      expect(pools).toHaveLength(63);
      const s = heap.stats();
      expect(s.arenaAlignmentBytes).toBe(heap.POOL);
      expect(s.unusedPools).toBe(0);
      expect(s.totalBytes).toBe(heap.ARENA);
      // The 64th pool needs the next arena.
      expect(heap.malloc(512).addr).toBe(BASE + 8 * MiB + HEADER);
      const t = heap.stats();
      expect(t.arenaAlignmentBytes).toBe(heap.POOL);
      expect(t.unusedPools).toBe(63);
    },
  );

  test('given two adjacent unaligned arenas, then poolAt finds carved pools only: not the alignment gaps at either end, not uncarved pools', () => {
    const U1 = BASE + 4096;
    const U2 = U1 + MiB; // shares an arena-size granule with U1's tail
    const heap = new Heap('3.11', [U1, U2]);
    const POOL = 16 * KiB;
    const first1 = U1 + (POOL - 4096);
    const first2 = U2 + (POOL - 4096);
    const poolAt = (p: number): number => {
      const slot = heap.model.poolAt(p);
      return slot === NOT_PYMALLOC ? -1 : heap.model.poolAddress(slot);
    };
    heap.malloc(16);
    expect(poolAt(first1 + 48)).toBe(first1);
    expect(poolAt(first1 + POOL - 1)).toBe(first1);
    expect(poolAt(first1 + POOL)).toBe(-1); // not carved yet
    expect(poolAt(U1)).toBe(-1); // alignment gap before the first pool
    expect(poolAt(first1 - 1)).toBe(-1);
    for (let k = 1; k < 63; k++) heap.fullPool(); // carve the other 62 pools of U1
    const x = heap.malloc(512); // U1 is full: U2's first pool
    expect(x.addr).toBe(first2 + HEADER);
    expect(poolAt(first1 + 63 * POOL - 1)).toBe(first1 + 62 * POOL); // last pool of U1
    expect(poolAt(first1 + 63 * POOL)).toBe(-1); // U1's tail: the other part of the lost pool
    expect(poolAt(U1 + MiB - 1)).toBe(-1);
    expect(poolAt(U2)).toBe(-1); // U2's head gap
    expect(poolAt(first2)).toBe(first2);
    expect(poolAt(U2 + MiB)).toBe(-1); // beyond every arena
  });

  test('given an aligned arena and an unaligned one, then only the unaligned one counts as alignment loss and the totals add up to both arenas', () => {
    const heap = new Heap('3.11', [BASE, BASE + 8 * MiB + 4096]);
    heap.fullArena(BASE);
    heap.malloc(16);
    const s = heap.stats();
    expect(s.arenaAlignmentBytes).toBe(16 * KiB);
    expect(s.unusedPools).toBe(62);
    expect(s.totalBytes).toBe(2 * MiB);
  });
});

describe('arena objects vector (§2.4)', () => {
  test('given Python 3.8, then the vector grows 16, 32, 64 and slots freed by released arenas are reused last-in first-out', () => {
    const bases = Array.from({ length: 36 }, (_, i) => BASE + i * MiB);
    const heap = new Heap('3.8', bases);
    const arenaPools: Block[][][] = [];
    const slotsAfter: number[] = [];
    for (let i = 0; i < 33; i++) {
      arenaPools.push(heap.fullArena(bases[i]!));
      slotsAfter.push(heap.model.arenaSlots);
    }
    expect(slotsAfter.slice(0, 16).every((n) => n === 16)).toBe(true);
    expect(slotsAfter.slice(16, 32).every((n) => n === 32)).toBe(true);
    expect(slotsAfter[32]).toBe(64);
    // New slots are taken in index order.
    for (let i = 0; i < 33; i++) expect(heap.model.arenaBase(i)).toBe(bases[i]);

    for (const p of arenaPools[3]!) heap.free(...p);
    for (const p of arenaPools[7]!) heap.free(...p);
    expect(heap.arenas.released).toEqual([bases[3], bases[7]]);
    expect(heap.model.arenaBase(3)).toBe(0);
    expect(heap.model.arenaBase(7)).toBe(0);

    heap.fullArena(bases[33]!);
    expect(heap.model.arenaBase(7)).toBe(bases[33]);
    heap.fullArena(bases[34]!);
    expect(heap.model.arenaBase(3)).toBe(bases[34]);
    heap.fullArena(bases[35]!);
    expect(heap.model.arenaBase(33)).toBe(bases[35]);
    expect(heap.model.arenaSlots).toBe(64);
  });
});

describe('the worked example of §6', () => {
  /** 3.11, first arena base B with B % 16384 == 4096. */
  function workedExample(): { heap: Heap; P0: number; P1: number; got: number[] } {
    const B = 0x7f00_0000_1000;
    expect(B % 16384).toBe(4096);
    const heap = new Heap('3.11', [B]);
    const P0 = B + 12288;
    const P1 = B + 28672;
    const got: number[] = [];
    got.push(heap.malloc(100).addr);
    const second = heap.malloc(112);
    got.push(second.addr);
    got.push(heap.malloc(90).addr);
    got.push(heap.malloc(97).addr);
    heap.free(second); // free(P0 + 160)
    got.push(heap.malloc(100).addr);
    return { heap, P0, P1, got };
  }

  test('given a fresh 3.11 model and an arena 4096 bytes past a pool boundary, when the example runs, then it returns P0+48, P0+160, P1+48, P0+272 and after the free P0+160 again', () => {
    const { P0, P1, got } = workedExample();
    expect(got).toEqual([P0 + 48, P0 + 160, P1 + 48, P0 + 272, P0 + 160]);
  });

  test('given the state after the example, then the stats rows are class 5: 1 pool, 1 block, 169 avail; class 6: 1 pool, 3 blocks, 142 avail; 61 unused pools and 16,384 bytes of alignment loss', () => {
    const { heap } = workedExample();
    const s = heap.stats();
    expect(s.classes).toEqual([
      { sizeClass: 5, blockSize: 96, pools: 1, blocksInUse: 1, availBlocks: 169 },
      { sizeClass: 6, blockSize: 112, pools: 1, blocksInUse: 3, availBlocks: 142 },
    ]);
    expect(s.unusedPools).toBe(61);
    expect(s.arenaAlignmentBytes).toBe(16_384);
    expect(s.totalBytes).toBe(MiB);
  });

  test('given the state after the example, then the full stats text is exactly the hand-written 3.11 report', () => {
    const { heap } = workedExample();
    const expected = [
      'Small block threshold = 512, in 32 size classes.',
      '',
      'class   size   num pools   blocks in use  avail blocks',
      '-----   ----   ---------   -------------  ------------',
      '    5     96           1               1           169',
      '    6    112           1               3           142',
      '',
      '# arenas allocated total           =                    1',
      '# arenas reclaimed                 =                    0',
      '# arenas highwater mark            =                    1',
      '# arenas allocated current         =                    1',
      '1 arenas * 1048576 bytes/arena     =            1,048,576',
      '',
      '# bytes in allocated blocks        =                  432',
      '# bytes in available blocks        =               32,128',
      '61 unused pools * 16384 bytes      =              999,424',
      '# bytes lost to pool headers       =                   96',
      '# bytes lost to quantization       =                  112',
      '# bytes lost to arena alignment    =               16,384',
      'Total                              =            1,048,576',
      '',
      'arena map counts',
      '# arena map mid nodes              =                    1',
      '# arena map bot nodes              =                    1',
      '',
      '# bytes lost to arena map root     =              262,144',
      '# bytes lost to arena map mid      =              262,144',
      '# bytes lost to arena map bot      =              131,072',
      'Total                              =              655,360',
      '',
      '',
    ].join('\n');
    expect(formatDebugMallocStats(heap.stats())).toBe(expected);
  });
});

describe('radix tree node counts and the arena map lines (§2.5, §8.1)', () => {
  // Region sizes: 3.10 mid = 2^28 (256 MiB), top = 2^38; 3.11+ mid = 2^34 (16 GiB), top = 2^49.
  test.each([
    ['3.10', 28, 38, 8192, 8192, 2048],
    ['3.11', 34, 49, 262144, 262144, 131072],
    ['3.12', 34, 49, 262144, 262144, 131072],
    ['3.13', 34, 49, 262144, 262144, 131072],
  ] as const)(
    'given Python %s and arenas in several top/mid regions, then the node counts are the distinct regions touched by each base and (when not arena-aligned) base + ARENA_SIZE, and they never go down',
    (version, midShift, topShift, rootBytes, midBytes, botBytes) => {
      const mid = 2 ** midShift;
      const top = 2 ** topShift;
      const R = [
        4 * mid, // (top 0, mid 4)
        4 * mid + 2 * MiB, // same region
        5 * mid, // (0, 5)
        8 * mid - 512 * KiB, // pool-aligned but not arena-aligned: (0, 7) and its end in (0, 8)
        top + 2 * mid, // (1, 2)
      ];
      const heap = new Heap(version, R);
      const counts: [number, number][] = [];
      const pools: Block[][][] = [];
      for (let i = 0; i < 4; i++) {
        pools.push(heap.fullArena(R[i]!));
        const m = heap.stats().arenaMap!;
        counts.push([m.midNodes, m.botNodes]);
      }
      const x = heap.malloc(512);
      expect(x.addr).toBe(R[4]! + HEADER);
      let m = heap.stats().arenaMap!;
      counts.push([m.midNodes, m.botNodes]);
      expect(counts).toEqual([
        [1, 1],
        [1, 1],
        [1, 2],
        [1, 4],
        [2, 5],
      ]);
      // Release arena R[2] (R[4], kept wholly free at the tail, stays): the nodes stay.
      heap.free(x);
      for (const p of pools[2]!) heap.free(...p);
      expect(heap.arenas.released).toEqual([R[2]]);
      m = heap.stats().arenaMap!;
      expect([m.midNodes, m.botNodes]).toEqual([2, 5]);

      const text = formatDebugMallocStats(heap.stats());
      expect(text).toContain('\narena map counts\n');
      expect(text).toContain(printone('# arena map mid nodes', 2));
      expect(text).toContain(printone('# arena map bot nodes', 5));
      expect(text).toContain(printone('# bytes lost to arena map root', rootBytes));
      expect(text).toContain(printone('# bytes lost to arena map mid', 2 * midBytes));
      expect(text).toContain(printone('# bytes lost to arena map bot', 5 * botBytes));
      expect(text.endsWith(printone('Total', rootBytes + 2 * midBytes + 5 * botBytes) + '\n')).toBe(true);
    },
  );

  test('given Python 3.11 and the 3.10 region boundaries, then a 3.10 mid boundary (2^28) does not split a 3.11 region', () => {
    const mid310 = 2 ** 28;
    const heap = new Heap('3.11', [4 * mid310, 5 * mid310]);
    heap.fullArena(4 * mid310);
    heap.malloc(16);
    const m = heap.stats().arenaMap!;
    expect([m.midNodes, m.botNodes]).toEqual([1, 1]);
  });

  test.each(['3.8', '3.9'] as const)('given Python %s, then the stats have no arena map section', (version) => {
    const heap = new Heap(version, [BASE]);
    heap.malloc(16);
    expect(heap.stats().arenaMap).toBeNull();
    expect(formatDebugMallocStats(heap.stats())).not.toContain('arena map');
  });
});

describe('stats text format (§8.1)', () => {
  test('withCommas groups digits by three and prints 0 as 0', () => {
    expect([0, 7, 999, 1000, 16384, 1048576, 12345678].map(withCommas)).toEqual([
      '0',
      '7',
      '999',
      '1,000',
      '16,384',
      '1,048,576',
      '12,345,678',
    ]);
  });

  test('printone pads the label to 35 columns, then "=", then the value with commas right-aligned in 21 columns', () => {
    expect(printone('Total', 4194304)).toBe('Total' + ' '.repeat(30) + '=' + ' '.repeat(12) + '4,194,304\n');
    expect(printone('# arenas reclaimed', 0)).toBe('# arenas reclaimed' + ' '.repeat(17) + '=' + ' '.repeat(20) + '0\n');
    expect(printone('# arenas reclaimed', 0)).toHaveLength(35 + 1 + 21 + 1);
  });

  test('printone does not pad a label of 35 or more characters (the free-list lines)', () => {
    const label = '            8 free PyDictObjects * 48 bytes each ';
    expect(label).toHaveLength(49);
    expect(printone(label, 384)).toBe(label + '=' + ' '.repeat(18) + '384\n');
    const exactly35 = 'x'.repeat(35);
    expect(printone(exactly35, 1)).toBe(exactly35 + '=' + ' '.repeat(20) + '1\n');
  });

  test('given a 3.8 model with one 16-byte block, then the full stats text is exactly the hand-written report, without an arena map section', () => {
    const heap = new Heap('3.8', [BASE]);
    heap.malloc(16);
    const expected = [
      'Small block threshold = 512, in 32 size classes.',
      '',
      'class   size   num pools   blocks in use  avail blocks',
      '-----   ----   ---------   -------------  ------------',
      '    0     16           1               1           252',
      '',
      '# arenas allocated total           =                    1',
      '# arenas reclaimed                 =                    0',
      '# arenas highwater mark            =                    1',
      '# arenas allocated current         =                    1',
      '1 arenas * 262144 bytes/arena      =              262,144',
      '',
      '# bytes in allocated blocks        =                   16',
      '# bytes in available blocks        =                4,032',
      '63 unused pools * 4096 bytes       =              258,048',
      '# bytes lost to pool headers       =                   48',
      '# bytes lost to quantization       =                    0',
      '# bytes lost to arena alignment    =                    0',
      'Total                              =              262,144',
      '',
      '',
    ].join('\n');
    expect(formatDebugMallocStats(heap.stats())).toBe(expected);
  });
});
