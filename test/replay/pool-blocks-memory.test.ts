// The pool store's memory per live block, from its own typed arrays (what it
// allocated, resident or not: deterministic, unlike RSS). Records are packed
// per pool for the pool's size class, so a heap of large blocks costs what a
// heap of small ones does: one 24-byte record per block (event, timestamp,
// state and stack), plus a little per pool slot and per chunk. Laid out by block
// index instead (room for the smallest class in every pool), a heap of
// 32-byte blocks cost twice that, and one of 512-byte blocks 16 to 36 times.

import { describe, expect, it } from 'vitest';
import { geometryFor, type PythonVersion } from '../../src/models/pymalloc/geometry.js';
import { InterpreterState } from '../../src/replay/interpreter-state.js';
import { LiveBlocks } from '../../src/replay/live-blocks.js';

/** The record of one block: event and timestamp (two float64), state and stack (two int32). */
const RECORD_BYTES = 2 * 8 + 2 * 4;
/** Per pool slot, chunk tails and the doubling of the pool-slot arrays, per block: a few bytes at most. */
const SLACK_BYTES = 6;

/**
 * A heap of `blocks` blocks of `size` bytes, the oldest half released (and
 * their arenas) and taken again: big enough that the store's last chunk,
 * partly used, weighs little, as in the heaps that matter.
 */
function heapOf(version: PythonVersion, size: number, blocks: number): InterpreterState {
  const g = geometryFor(version);
  const clock = { events: 0, lastTs: 0, line: 0 };
  const state = new InterpreterState(0, 0, g, (k) => k.toString(16), (k) => BigInt(k), clock, new LiveBlocks());
  const { model, pool } = state;
  const held: number[] = [];
  const allocate = (n: number): void => {
    for (let i = 0; i < n; i++) {
      clock.events++;
      model.mallocBlock(size);
      pool.store(model.lastBlock, size, i % 100, 1);
      held.push(model.lastBlock);
    }
  };
  allocate(blocks);
  // The oldest half goes (its arenas back to the OS), and as many come again.
  for (const k of held.splice(0, blocks / 2)) {
    pool.markFreed(k);
    model.freeBlockIndex(k, model.poolOfBlock(k));
  }
  allocate(blocks / 2);
  expect(model.arenaCounters.allocatedTotal).toBeGreaterThan(model.arenaCounters.current);
  expect(pool.live).toBe(held.length);
  expect(pool.live).toBe(model.blocksInUseTotal);
  return state;
}

describe("the pool store's bytes per live block", () => {
  for (const version of ['3.8', '3.11'] as const) {
    // 256 KiB arenas and 4 KiB pools; 1 MiB arenas and 16 KiB pools.
    for (const size of [32, 512]) {
      it(`is at most ${RECORD_BYTES + SLACK_BYTES} B on a heap of ${size}-byte blocks (${version})`, () => {
        const { pool } = heapOf(version, size, 400_000);
        const perBlock = pool.allocatedBytes() / pool.live;
        expect(perBlock).toBeGreaterThanOrEqual(RECORD_BYTES);
        expect(perBlock).toBeLessThanOrEqual(RECORD_BYTES + SLACK_BYTES);
      });
    }
  }
});
