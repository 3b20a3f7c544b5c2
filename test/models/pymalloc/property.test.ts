// Property tests: the fast pymalloc model against the plain reference model
// (reference-model.ts) on random operation sequences, for every version.
//
// Each run draws a list of operations (mallocs of every class plus 0 and
// > 512, bursts that fill pools and arenas, frees, reallocs around the
// in-place boundaries, long free runs and whole-arena frees that make arenas
// wholly free) and a list of arena-placement choices (pool-aligned,
// page-aligned but not pool-aligned, odd addresses, jumps across radix-tree
// regions, reuse of released bases). Both models are driven the way the
// replayer drives the fast one; after every operation the addresses and the
// released arenas must agree, and at checkpoints and at the end the stats
// text and the fast model's running totals must agree too.
//
// The seed is fixed so CI is deterministic; fast-check prints seed and path on
// failure. MEMREPLAY_FC_SEED / MEMREPLAY_FC_RUNS override them for local
// exploration.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { PYTHON_VERSIONS, geometryFor, type PymallocGeometry, type PythonVersion } from '../../../src/models/pymalloc/geometry.js';
import { NOT_PYMALLOC, PymallocModel, type ArenaSource } from '../../../src/models/pymalloc/pymalloc-model.js';
import { formatDebugMallocStats } from '../../../src/models/pymalloc/stats-text.js';
import { countersStats, walkStats } from '../../../src/models/pymalloc/stats.js';
import { REF_NOT_PYMALLOC, ReferencePymalloc } from './reference-model.js';

const SEED = process.env.MEMREPLAY_FC_SEED !== undefined ? Number(process.env.MEMREPLAY_FC_SEED) : 0x5eed_2024;
const RUNS = process.env.MEMREPLAY_FC_RUNS !== undefined ? Number(process.env.MEMREPLAY_FC_RUNS) : 100;

// ------------------------------------------------------------------ arenas

type Alignment = 'arena' | 'pool' | 'page' | 'odd';
type Jump = 'none' | 'mid' | 'top';

interface ArenaChoice {
  reuse: boolean;
  pick: number;
  align: Alignment;
  gapPages: number;
  jump: Jump;
}

const arenaChoiceArb: fc.Arbitrary<ArenaChoice> = fc.record({
  reuse: fc.boolean(),
  pick: fc.nat({ max: 1000 }),
  align: fc.oneof(
    { arbitrary: fc.constant<Alignment>('page'), weight: 5 },
    { arbitrary: fc.constant<Alignment>('pool'), weight: 3 },
    { arbitrary: fc.constant<Alignment>('arena'), weight: 1 },
    { arbitrary: fc.constant<Alignment>('odd'), weight: 1 },
  ),
  gapPages: fc.nat({ max: 300 }),
  jump: fc.oneof(
    { arbitrary: fc.constant<Jump>('none'), weight: 8 },
    { arbitrary: fc.constant<Jump>('mid'), weight: 2 },
    { arbitrary: fc.constant<Jump>('top'), weight: 1 },
  ),
});

/** Radix regions to jump across (spec §2.5); harmless for 3.8/3.9. */
function regionShifts(version: PythonVersion): { mid: number; top: number } {
  if (version === '3.10') return { mid: 28, top: 38 };
  return { mid: 34, top: 49 };
}

const PAGE = 4096;
const START = 0x5555_0000_0000;
const LIMIT = 2 ** 52;

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/**
 * Arena bases from a list of choices: fresh bases beyond every earlier arena
 * (so regions never overlap), or a base released earlier and not live now.
 * Two feeds with the same choices give the same bases as long as the two
 * models release the same arenas (which the test checks after every step).
 */
class ChoiceArenaFeed implements ArenaSource {
  private i = 0;
  private cursor = START;
  private readonly reusable: number[] = [];
  readonly allocated: number[] = [];
  readonly released: number[] = [];
  reused = 0;
  unaligned = 0;

  constructor(
    private readonly g: PymallocGeometry,
    private readonly choices: readonly ArenaChoice[],
  ) {}

  allocateArena(): number {
    const ch = this.choices[this.i++ % this.choices.length]!;
    let base: number;
    if (ch.reuse && this.reusable.length > 0) {
      base = this.reusable.splice(ch.pick % this.reusable.length, 1)[0]!;
      this.reused++;
    } else {
      base = this.fresh(ch);
      this.cursor = base + this.g.arenaSize;
    }
    if (base % this.g.poolSize !== 0) this.unaligned++;
    this.allocated.push(base);
    return base;
  }

  private fresh(ch: ArenaChoice): number {
    const { mid, top } = regionShifts(this.g.version);
    let at = this.cursor + ch.gapPages * PAGE;
    // Land half an arena before a region boundary, so an unaligned arena straddles it.
    if (ch.jump !== 'none') {
      const region = 2 ** (ch.jump === 'mid' ? mid : top);
      const jumped = roundUp(at + this.g.arenaSize, region) - this.g.arenaSize / 2;
      if (jumped + 2 * this.g.arenaSize < LIMIT) at = jumped;
    }
    switch (ch.align) {
      case 'arena':
        return roundUp(at, this.g.arenaSize);
      case 'pool':
        return roundUp(at, this.g.poolSize);
      case 'page': {
        // Page-aligned; with 16 KiB pools also not pool-aligned.
        let b = roundUp(at, PAGE);
        if (this.g.poolSize > PAGE && b % this.g.poolSize === 0) b += PAGE * (1 + (ch.pick % 3));
        return b;
      }
      case 'odd':
        // Not even page-aligned (a custom arena allocator could do this).
        return roundUp(at, 16) + 16 * (1 + (ch.pick % 200));
    }
  }

  releaseArena(base: number): void {
    this.released.push(base);
    this.reusable.push(base);
  }
}

// --------------------------------------------------------------- operations

/** Realloc target sizes relative to the block's class size S. */
type ReallocSize =
  | { rel: 'size' } // S: stays
  | { rel: 'lowest-stay' } // 3S/4 + 1: stays
  | { rel: 'highest-move' } // 3S/4: moves down
  | { rel: 'above' } // S + 1: moves up (or to the C library at 512)
  | { rel: 'zero' }
  | { rel: 'big'; n: number }
  | { rel: 'any'; n: number };

type Op =
  | { kind: 'malloc'; n: number }
  | { kind: 'burst'; n: number; count: number }
  | { kind: 'free'; pick: number }
  | { kind: 'realloc'; pick: number; size: ReallocSize }
  | { kind: 'freeRun'; pick: number; count: number; order: 'end' | 'start' | 'scattered' }
  | { kind: 'freeArena'; pick: number }
  | { kind: 'probe'; pick: number; offsets: number[] }
  | { kind: 'check' };

const smallSize = fc.integer({ min: 1, max: 512 });
const boundarySize = fc
  .tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: -1, max: 1 }))
  .map(([c, d]) => Math.min(512, Math.max(1, (c + 1) * 16 + d)));
const bigSize = fc.integer({ min: 513, max: 70_000 });

const mallocSize: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: smallSize, weight: 12 },
  { arbitrary: boundarySize, weight: 3 },
  { arbitrary: fc.integer({ min: 385, max: 512 }), weight: 3 },
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: bigSize, weight: 1 },
);

const reallocSize: fc.Arbitrary<ReallocSize> = fc.oneof(
  { arbitrary: fc.constant<ReallocSize>({ rel: 'size' }), weight: 2 },
  { arbitrary: fc.constant<ReallocSize>({ rel: 'lowest-stay' }), weight: 2 },
  { arbitrary: fc.constant<ReallocSize>({ rel: 'highest-move' }), weight: 2 },
  { arbitrary: fc.constant<ReallocSize>({ rel: 'above' }), weight: 2 },
  { arbitrary: fc.constant<ReallocSize>({ rel: 'zero' }), weight: 1 },
  { arbitrary: bigSize.map((n): ReallocSize => ({ rel: 'big', n })), weight: 1 },
  { arbitrary: mallocSize.map((n): ReallocSize => ({ rel: 'any', n })), weight: 4 },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: mallocSize.map((n): Op => ({ kind: 'malloc', n })), weight: 30 },
  {
    arbitrary: fc
      .record({
        n: fc.oneof({ arbitrary: smallSize, weight: 1 }, { arbitrary: fc.integer({ min: 385, max: 512 }), weight: 3 }),
        count: fc.integer({ min: 20, max: 700 }),
      })
      .map(({ n, count }): Op => ({ kind: 'burst', n, count })),
    weight: 4,
  },
  { arbitrary: fc.nat().map((pick): Op => ({ kind: 'free', pick })), weight: 22 },
  {
    arbitrary: fc.record({ pick: fc.nat(), size: reallocSize }).map(({ pick, size }): Op => ({ kind: 'realloc', pick, size })),
    weight: 14,
  },
  {
    arbitrary: fc
      .record({
        pick: fc.nat(),
        count: fc.integer({ min: 20, max: 800 }),
        order: fc.constantFrom<'end' | 'start' | 'scattered'>('end', 'start', 'scattered'),
      })
      .map(({ pick, count, order }): Op => ({ kind: 'freeRun', pick, count, order })),
    weight: 3,
  },
  { arbitrary: fc.nat().map((pick): Op => ({ kind: 'freeArena', pick })), weight: 3 },
  {
    arbitrary: fc
      .record({ pick: fc.nat(), offsets: fc.array(fc.integer({ min: -(1 << 20), max: 2 << 20 }), { minLength: 1, maxLength: 8 }) })
      .map(({ pick, offsets }): Op => ({ kind: 'probe', pick, offsets })),
    weight: 4,
  },
  { arbitrary: fc.constant<Op>({ kind: 'check' }), weight: 1 },
);

// ------------------------------------------------------------------ driver

interface LiveBlock {
  /** Model address, or a fake id for a block the C library holds. */
  addr: number;
  /** Fast-model pool slot, NOT_PYMALLOC for C-library blocks. */
  pool: number;
}

interface Coverage {
  steps: number;
  arenas: number;
  released: number;
  reused: number;
  unaligned: number;
  movedRealloc: number;
  inPlaceRealloc: number;
  probeHits: number;
  probeMisses: number;
  /** mallocs served by mallocAt (the replay's fast path), from a used pool or a new one. */
  mallocAtUsedPool: number;
  mallocAtNewPool: number;
  /** mallocs mallocAt declined (a new arena was needed), served by malloc. */
  mallocAtDeclined: number;
}

class Divergence extends Error {}

function runOne(version: PythonVersion, ops: readonly Op[], choices: readonly ArenaChoice[], cov: Coverage): void {
  const g = geometryFor(version);
  const fastFeed = new ChoiceArenaFeed(g, choices);
  const refFeed = new ChoiceArenaFeed(g, choices);
  const fast = new PymallocModel(g, fastFeed);
  const ref = new ReferencePymalloc(
    version,
    () => refFeed.allocateArena(),
    (base) => refFeed.releaseArena(base),
  );
  const live: LiveBlock[] = [];
  let rawIds = 0;
  let step = 0;
  let opIndex = 0;

  const diverge = (what: string): never => {
    throw new Divergence(`${version}: op #${opIndex} (${JSON.stringify(ops[opIndex])}), primitive step ${step}: ${what}`);
  };

  const checkReleases = (): void => {
    if (fastFeed.released.length !== ref.releasedArenas.length) {
      diverge(`released ${fastFeed.released.length} arenas (fast) vs ${ref.releasedArenas.length} (reference)`);
    }
    const k = fastFeed.released.length - 1;
    if (k >= 0 && fastFeed.released[k] !== ref.releasedArenas[k]) {
      diverge(`released arena 0x${fastFeed.released[k]!.toString(16)} (fast) vs 0x${ref.releasedArenas[k]!.toString(16)}`);
    }
  };

  /**
   * The replayer's lookups for a block just handed out: poolAt, locate and
   * the block index round trip; an address inside the block (or in the pool
   * header) is no block's start.
   */
  const checkLookups = (a: number, pool: number): void => {
    if (fast.poolAt(a) !== pool) diverge(`poolAt(0x${a.toString(16)}) = ${fast.poolAt(a)}, lastPool = ${pool}`);
    const k = fast.blockIndexOf(a, pool);
    if (k < 0 || fast.addressOfBlock(k) !== a || fast.poolOfBlock(k) !== pool) {
      diverge(`block index ${k} of 0x${a.toString(16)} does not map back`);
    }
    if (fast.locate(Float64Array.of(a), 0) !== pool || fast.locatedBlock !== k) diverge(`locate(0x${a.toString(16)}) is not block ${k}`);
    if (fast.blockIndexOf(a + g.alignment / 2, pool) !== -1) diverge(`0x${(a + 8).toString(16)} is taken for a block start`);
    const inside = a + g.alignment; // a block start only when the class is one granule
    if (fast.poolSizeClass(pool) > 0 && fast.blockIndexOf(inside, pool) !== -1) diverge(`0x${inside.toString(16)}, inside a block, is taken for a block start`);
    const header = fast.poolAddress(pool) + g.poolOverhead - g.alignment;
    if (fast.blockIndexOf(header, pool) !== -1) diverge(`the pool header at 0x${header.toString(16)} is taken for a block start`);
  };

  /** poolAt of an arbitrary address against the reference's carved-pool lookup. */
  const probe = (p: number): void => {
    const slot = fast.poolAt(p);
    const expected = ref.carvedPoolAt(p);
    const got = slot === NOT_PYMALLOC ? -1 : fast.poolAddress(slot);
    if (got !== expected) diverge(`poolAt(0x${p.toString(16)}) -> pool 0x${got.toString(16)}, reference 0x${expected.toString(16)}`);
    if (got === -1) cov.probeMisses++;
    else cov.probeHits++;
  };

  // As the replayer does it: mallocAt with the address the trace (here the
  // reference) says, which must hand out that block or change nothing, then
  // malloc when it declines. A wrong address first: it must change nothing.
  const malloc = (n: number): void => {
    step++;
    const b = ref.malloc(n);
    const expected = b === REF_NOT_PYMALLOC ? NOT_PYMALLOC : b;
    const usedPoolBefore = fast.poolsInUseCount;
    if (fast.mallocAt(n, Float64Array.of(expected + g.alignment), 0) !== NOT_PYMALLOC) diverge(`mallocAt(${n}) took a wrong address`);
    let a: number;
    let pool: number;
    const at = expected === NOT_PYMALLOC ? NOT_PYMALLOC : fast.mallocAt(n, Float64Array.of(expected), 0);
    if (at !== NOT_PYMALLOC) {
      if (fast.lastPool !== at) diverge(`mallocAt(${n}) returned pool ${at}, lastPool ${fast.lastPool}`);
      a = fast.lastAddress;
      pool = at;
      if (fast.poolsInUseCount > usedPoolBefore) cov.mallocAtNewPool++;
      else cov.mallocAtUsedPool++;
    } else {
      a = fast.malloc(n);
      pool = fast.lastPool;
      if (a !== NOT_PYMALLOC) cov.mallocAtDeclined++;
    }
    if (a !== expected) diverge(`malloc(${n}) = 0x${a.toString(16)} vs 0x${b.toString(16)}`);
    if (a === NOT_PYMALLOC) live.push({ addr: -++rawIds, pool: NOT_PYMALLOC });
    else {
      checkLookups(a, pool);
      live.push({ addr: a, pool });
    }
    checkReleases();
  };

  const freeAt = (i: number): void => {
    step++;
    const blk = live[i]!;
    live[i] = live[live.length - 1]!;
    live.pop();
    if (blk.pool === NOT_PYMALLOC) return; // the C library's block: neither model sees it
    if (fast.poolAt(blk.addr) !== blk.pool) diverge(`poolAt(0x${blk.addr.toString(16)}) is not the block's pool slot`);
    fast.free(blk.addr, blk.pool);
    ref.free(blk.addr);
    checkReleases();
  };

  const realloc = (i: number, spec: ReallocSize): void => {
    step++;
    const blk = live[i]!;
    const S = blk.pool === NOT_PYMALLOC ? 0 : g.alignment * (fast.poolSizeClass(blk.pool) + 1);
    let n: number;
    switch (spec.rel) {
      case 'size':
        n = S || 100;
        break;
      case 'lowest-stay':
        n = S ? (3 * S) / 4 + 1 : 13;
        break;
      case 'highest-move':
        n = S ? (3 * S) / 4 : 12;
        break;
      case 'above':
        n = S + 1;
        break;
      case 'zero':
        n = 0;
        break;
      case 'big':
      case 'any':
        n = spec.n;
        break;
    }
    if (blk.pool === NOT_PYMALLOC) return; // a C-library block stays with the C library
    const stays = fast.reallocInPlace(blk.pool, n);
    if (stays !== ref.staysInPlace(blk.addr, n)) diverge(`realloc(0x${blk.addr.toString(16)}, ${n}) in place: ${stays} vs reference`);
    const expected = ref.realloc(blk.addr, n);
    if (stays) {
      cov.inPlaceRealloc++;
      if (expected !== blk.addr) diverge('reference moved a block the in-place rule keeps');
      return;
    }
    cov.movedRealloc++;
    // As the replayer does it: the new block first, then the old one is freed.
    const m = fast.malloc(n);
    const pool = fast.lastPool;
    fast.free(blk.addr, blk.pool);
    if (m !== (expected === REF_NOT_PYMALLOC ? NOT_PYMALLOC : expected)) {
      diverge(`realloc(0x${blk.addr.toString(16)}, ${n}) = 0x${m.toString(16)} vs 0x${expected.toString(16)}`);
    }
    if (m !== NOT_PYMALLOC) checkLookups(m, pool);
    live[i] = m === NOT_PYMALLOC ? { addr: -++rawIds, pool: NOT_PYMALLOC } : { addr: m, pool };
    checkReleases();
  };

  const checkpoint = (): void => {
    const walked = walkStats(fast);
    const fastText = formatDebugMallocStats(walked);
    const refText = formatDebugMallocStats(ref.stats());
    if (fastText !== refText) diverge(`stats differ:\n--- fast\n${fastText}\n--- reference\n${refText}`);
    const counted = countersStats(fast);
    if (JSON.stringify(counted) !== JSON.stringify(walked)) {
      diverge(`countersStats differs from walkStats:\n${formatDebugMallocStats(counted)}\nvs\n${fastText}`);
    }
    ref.checkInvariants();
  };

  // Bursts and free runs scale with the pool size, so 16 KiB-pool versions
  // also fill, empty and release several arenas per run.
  const scale = g.poolSize / 4096;
  for (opIndex = 0; opIndex < ops.length; opIndex++) {
    const op = ops[opIndex]!;
    switch (op.kind) {
      case 'malloc':
        malloc(op.n);
        break;
      case 'burst':
        for (let k = 0; k < op.count * scale; k++) malloc(op.n);
        break;
      case 'free':
        if (live.length > 0) freeAt(op.pick % live.length);
        break;
      case 'realloc':
        if (live.length > 0) realloc(op.pick % live.length, op.size);
        break;
      case 'freeRun': {
        let x = op.pick;
        for (let k = 0; k < op.count * scale && live.length > 0; k++) {
          if (op.order === 'end') freeAt(live.length - 1);
          else if (op.order === 'start') freeAt(0);
          else {
            x = (x * 1103515245 + 12345) % 2147483648;
            freeAt(x % live.length);
          }
        }
        break;
      }
      case 'freeArena': {
        // Free every block in the arena of a random live pymalloc block.
        const pymalloc = live.filter((b) => b.pool !== NOT_PYMALLOC);
        if (pymalloc.length === 0) break;
        const arena = fast.poolArena(pymalloc[op.pick % pymalloc.length]!.pool);
        for (let k = live.length - 1; k >= 0; k--) {
          if (k < live.length && live[k]!.pool !== NOT_PYMALLOC && fast.poolArena(live[k]!.pool) === arena) freeAt(k);
        }
        break;
      }
      case 'probe': {
        // Around an arena base ever used (live, released or reused) and around a live block.
        const bases = fastFeed.allocated;
        if (bases.length === 0) break;
        const base = bases[op.pick % bases.length]!;
        for (const o of op.offsets) probe(base + Math.floor((o * g.arenaSize) / 2 ** 20));
        const blk = live[op.pick % Math.max(1, live.length)];
        if (blk !== undefined && blk.pool !== NOT_PYMALLOC) {
          for (const o of op.offsets) probe(blk.addr + (o % (2 * g.poolSize)));
        }
        break;
      }
      case 'check':
        checkpoint();
        break;
    }
  }
  opIndex = ops.length - 1;
  checkpoint();
  expect(fastFeed.allocated).toEqual(ref.allocatedArenas);
  expect(fastFeed.released).toEqual(ref.releasedArenas);

  cov.steps += step;
  cov.arenas += fastFeed.allocated.length;
  cov.released += fastFeed.released.length;
  cov.reused += fastFeed.reused;
  cov.unaligned += fastFeed.unaligned;
}

describe('the fast pymalloc model agrees with the reference model on random operation sequences', () => {
  test.each(PYTHON_VERSIONS.map((v, i) => [v, i] as const))(
    'given Python %s, when random mallocs, frees and reallocs run through both models, then every address, arena release and stats text is identical',
    (version, index) => {
      const cov: Coverage = {
        steps: 0,
        arenas: 0,
        released: 0,
        reused: 0,
        unaligned: 0,
        movedRealloc: 0,
        inPlaceRealloc: 0,
        probeHits: 0,
        probeMisses: 0,
        mallocAtUsedPool: 0,
        mallocAtNewPool: 0,
        mallocAtDeclined: 0,
      };
      fc.assert(
        fc.property(
          fc.array(opArb, { minLength: 1, maxLength: 300, size: 'max' }),
          fc.array(arenaChoiceArb, { minLength: 1, maxLength: 40, size: 'max' }),
          (ops, choices) => {
            runOne(version, ops, choices, cov);
          },
        ),
        { seed: SEED + index, numRuns: RUNS },
      );
      if (process.env.MEMREPLAY_FC_VERBOSE) console.log(version, JSON.stringify(cov));
      // The generator must keep exercising the interesting paths.
      expect(cov.arenas).toBeGreaterThan(RUNS);
      expect(cov.released).toBeGreaterThan(RUNS / 4);
      expect(cov.reused).toBeGreaterThan(0);
      expect(cov.unaligned).toBeGreaterThan(0);
      expect(cov.movedRealloc).toBeGreaterThan(0);
      expect(cov.inPlaceRealloc).toBeGreaterThan(0);
      expect(cov.probeHits).toBeGreaterThan(0);
      expect(cov.probeMisses).toBeGreaterThan(0);
      expect(cov.mallocAtUsedPool).toBeGreaterThan(0);
      expect(cov.mallocAtNewPool).toBeGreaterThan(0);
      expect(cov.mallocAtDeclined).toBeGreaterThan(0);
    },
  );
});
