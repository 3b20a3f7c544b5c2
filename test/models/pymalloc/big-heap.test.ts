// Big heaps through the fast model: tens of thousands of arena slots, block
// indexes past 2^31 (where 32-bit `<<` and `>>` would wrap), arenas released
// and taken again at the top of the arena vector, and the arena limit.
//
// The heap is 512-byte blocks (size class 31: the fewest blocks a pool holds,
// so the fewest calls per arena) in arenas aligned to their size, so every
// address, pool slot and block index of the fill is computed here from the
// rules (arenas take slots in order, pools are carved upwards, blocks at
// pool + 48 + j * 512), never read back from the model.

import { describe, expect, test } from 'vitest';

import { blocksPerPool, geometryFor, type PythonVersion } from '../../../src/models/pymalloc/geometry.js';
import { ArenaLimitError, PymallocModel, maxArenaSlots } from '../../../src/models/pymalloc/pymalloc-model.js';
import { formatDebugMallocStats } from '../../../src/models/pymalloc/stats-text.js';
import { countersStats, walkStats } from '../../../src/models/pymalloc/stats.js';

const BLOCK = 512;
const HEADER = 48;
const FIRST_BASE = 2 ** 40;

/** A model whose arenas are aligned, at FIRST_BASE upwards, a new base each time. */
function bigModel(version: PythonVersion, arenaSlotLimit?: number): { model: PymallocModel; released: number[] } {
  const g = geometryFor(version);
  let next = FIRST_BASE;
  const released: number[] = [];
  const source = {
    allocateArena: (): number => {
      const base = next;
      next += g.arenaSize;
      return base;
    },
    releaseArena: (base: number): void => void released.push(base),
  };
  return { model: new PymallocModel(g, source, undefined, arenaSlotLimit), released };
}

/**
 * Fill `arenas` arenas with 512-byte blocks; returns the number of calls
 * whose pool slot, address or block index is not the one the rules give.
 */
function fill(model: PymallocModel, arenas: number): number {
  const g = model.g;
  const perPool = blocksPerPool(g, BLOCK / 16 - 1);
  const stride = 2 ** (model.blockIndexShift - Math.log2(g.maxPoolsInArena));
  let wrong = 0;
  for (let a = 0; a < arenas; a++) {
    const base = FIRST_BASE + a * g.arenaSize;
    for (let p = 0; p < g.maxPoolsInArena; p++) {
      const pool = a * g.maxPoolsInArena + p;
      for (let j = 0; j < perPool; j++) {
        const got = model.mallocBlock(BLOCK);
        if (got !== pool || model.lastAddress !== base + p * g.poolSize + HEADER + j * BLOCK || model.lastBlock !== pool * stride + j) wrong++;
      }
    }
  }
  return wrong;
}

/** Free every block of arena slots [from, to) of a filled heap, in address order. */
function freeArenas(model: PymallocModel, from: number, to: number): void {
  const g = model.g;
  const perPool = blocksPerPool(g, BLOCK / 16 - 1);
  for (let a = from; a < to; a++) {
    for (let p = 0; p < g.maxPoolsInArena; p++) {
      const pool = a * g.maxPoolsInArena + p;
      const first = model.blockIndexOf(model.poolAddress(pool) + HEADER, pool);
      for (let j = 0; j < perPool; j++) model.freeBlockIndex(first + j, pool);
    }
  }
}

/**
 * Take `blocks` 512-byte blocks again; returns the calls whose block is not
 * where the model's own lookups say (poolAt, blockIndexOf, addressOfBlock,
 * poolOfBlock, the arena's bounds) or lies outside slots >= lowestSlot.
 */
function retake(model: PymallocModel, blocks: number, lowestSlot: number): number {
  const g = model.g;
  let wrong = 0;
  for (let i = 0; i < blocks; i++) {
    const pool = model.mallocBlock(BLOCK);
    const address = model.lastAddress;
    const k = model.lastBlock;
    const arena = model.poolArena(pool);
    const base = model.arenaBase(arena);
    if (
      arena < lowestSlot ||
      !(address >= base && address < base + g.arenaSize) ||
      model.poolAt(address) !== pool ||
      model.blockIndexOf(address, pool) !== k ||
      model.addressOfBlock(k) !== address ||
      model.poolOfBlock(k) !== pool
    ) {
      wrong++;
    }
  }
  return wrong;
}

describe('big heaps in the pymalloc model', () => {
  test('the arena limit is 64 GiB of arenas for every version, with block indexes below 2^32', () => {
    for (const version of ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const) {
      const g = geometryFor(version);
      const { model } = bigModel(version);
      expect(maxArenaSlots(g) * g.arenaSize).toBe(64 * 2 ** 30);
      expect(maxArenaSlots(g) * 2 ** model.blockIndexShift).toBe(2 ** 32);
    }
    expect(maxArenaSlots(geometryFor('3.8'))).toBe(262_144);
    expect(maxArenaSlots(geometryFor('3.11'))).toBe(65_536);
  });

  // 3.11 at the top of its range: 32,769 arenas live make the arena vector
  // grow to 65,536 slots, the limit, and put block indexes past 2^31.
  // 3.8: 10,001 arenas, 16,384 slots (its top is 262,144 slots: 16.7 M pool
  // records, too heavy for the suite; the arithmetic is the same and the
  // limit's arithmetic is checked above).
  for (const [version, arenas, released] of [
    ['3.11', 32_769, 1_000],
    ['3.8', 10_001, 1_000],
  ] as const) {
    test(`${version}: ${arenas.toLocaleString('en-US')} arenas live, the top ${released} released and taken again, every address exact`, () => {
      const { model, released: bases } = bigModel(version);
      const g = model.g;
      const perArena = g.maxPoolsInArena * blocksPerPool(g, BLOCK / 16 - 1);
      expect(fill(model, arenas)).toBe(0);
      expect(model.arenaSlots).toBe(2 ** Math.ceil(Math.log2(arenas)));
      expect(model.arenaSlots).toBeGreaterThanOrEqual(10_000);
      if (version === '3.11') expect(model.lastBlock).toBeGreaterThan(2 ** 31);

      freeArenas(model, arenas - released, arenas);
      // Every emptied arena goes back to the OS, but from 3.9 one wholly free
      // arena is kept while it is the last usable one.
      const kept = g.keepOneEmptyArena ? 1 : 0;
      expect(bases.length).toBe(released - kept);
      for (const base of bases) {
        expect(base).toBeGreaterThanOrEqual(FIRST_BASE + (arenas - released) * g.arenaSize);
        expect(base).toBeLessThan(FIRST_BASE + arenas * g.arenaSize);
      }
      expect(model.arenasCurrent).toBe(arenas - released + kept);

      expect(retake(model, released * perArena, arenas - released)).toBe(0);
      expect(model.arenasCurrent).toBe(arenas);
      expect(model.arenaSlots).toBe(2 ** Math.ceil(Math.log2(arenas)));
      expect(model.blocksInUseTotal).toBe(arenas * perArena);
      expect(model.arenaCounters).toEqual({ allocatedTotal: arenas + released - kept, current: arenas, highwater: arenas });
      // The walk CPython's _PyObject_DebugMallocStats does and the running
      // totals analyzers read agree, to the byte.
      const walked = formatDebugMallocStats(walkStats(model));
      expect(formatDebugMallocStats(countersStats(model))).toBe(walked);
      expect(walked).toContain(`# arenas allocated current         =${arenas.toLocaleString('en-US').padStart(21)}`);
    }, 60_000);
  }

  for (const version of ['3.8', '3.11'] as const) {
    test(`${version}: one arena past the limit is an ArenaLimitError naming the limit, not a crash`, () => {
      const { model } = bigModel(version, 64);
      expect(fill(model, 64)).toBe(0);
      expect(model.arenaSlots).toBe(64);
      const arena = version === '3.8' ? '256 KiB' : '1 MiB';
      expect(() => model.mallocBlock(BLOCK)).toThrow(ArenaLimitError);
      expect(() => model.mallocBlock(BLOCK)).toThrow(`the heap needs more than 64 pymalloc arenas of ${arena} live at once`);
      // The default is the 64 GiB limit; an arena slot limit past it is refused.
      expect(() => bigModel(version, maxArenaSlots(geometryFor(version)) * 2)).toThrow(RangeError);
      expect(new ArenaLimitError(maxArenaSlots(model.g), model.g.arenaSize).message).toContain('(64 GiB of arenas)');
    });
  }
});
