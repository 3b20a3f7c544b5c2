// The walk of the pool store visits only the carved blocks of the pools in
// use; a scan of every block index of every arena slot (the slow, obviously
// complete way) must find exactly the same blocks, in the same order, at any
// instant of real traces — including after pools were emptied and reused for
// another size class (reclaim), where old block states lie around.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../src/run/replay-trace.js';
import { SLOT_EMPTY, SLOT_FREED, SLOT_LIVE } from '../../src/replay/live-blocks.js';
import { PoolBlocks } from '../../src/replay/pool-blocks.js';
import { PymallocModel } from '../../src/models/pymalloc/pymalloc-model.js';
import { blocksPerPool, geometryFor } from '../../src/models/pymalloc/geometry.js';
import type { Replayer } from '../../src/replay/replayer.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cpython-traces');

function everyBlockIndex(r: Replayer): number[] {
  const out: number[] = [];
  const perSlot = 1 << r.model.blockIndexShift;
  for (let a = 0; a < r.model.arenaSlots; a++) {
    if (r.model.arenaBase(a) === 0) continue;
    for (let i = 0; i < perSlot; i++) {
      const k = (a << r.model.blockIndexShift) + i;
      if (r.pool.state(k) === SLOT_LIVE) out.push(k);
    }
  }
  return out;
}

function walked(r: Replayer): number[] {
  const out: number[] = [];
  r.pool.forEachLive((k) => out.push(k));
  return out;
}

describe('the pool store walk', () => {
  for (const [trace, every, stopAtEvent] of [
    ['startup-3.8.csv.gz', 5_000, undefined],
    ['startup-3.13.csv.gz', 5_000, undefined],
    ['reclaim-3.11.csv.gz', 25_000, 400_000],
  ] as const) {
    it(`finds every live pymalloc block a full scan finds, in address order (${trace})`, async () => {
      let checks = 0;
      let blocksSeen = 0;
      const check = (r: Replayer): void => {
        const expected = everyBlockIndex(r);
        expect(walked(r)).toEqual(expected);
        expect(expected.length).toBe(r.pool.live);
        let blocks = 0;
        let bytes = 0;
        r.forEachLiveBlock((_pool, size) => {
          blocks++;
          bytes += size;
        });
        expect(blocks).toBe(r.liveBlockCount);
        expect(bytes).toBe(r.liveRequestedBytes);
        blocksSeen += expected.length;
        checks++;
      };
      const { replayer } = await replayTrace(join(FIXTURES, trace), {
        ...(stopAtEvent !== undefined ? { stopAtEvent } : {}),
        // (The view observers receive is the replayer itself: this test reads its pool store.)
        observers: [{ onEvent: (r) => void (r.events % every === 0 && check(r as Replayer)) }],
      });
      check(replayer as Replayer);
      expect(checks).toBeGreaterThan(3);
      expect(blocksSeen).toBeGreaterThan(1000);
    });
  }
});

// Block indexes at the top of the range (arena slot 65,535 of 3.11, 262,143
// of 3.8) are past 2^31: with `>>` they would name a negative arena slot.
// Only the model's geometry and block index split matter to the store's
// arithmetic, and records are allocated only for pools initialised.
describe('the pool store at the top of the block index range', () => {
  for (const [version, slot] of [
    ['3.11', 65_535],
    ['3.8', 262_143],
  ] as const) {
    it(`stores and reads back blocks of arena slot ${slot.toLocaleString('en-US')} (${version})`, () => {
      const g = geometryFor(version);
      const model = new PymallocModel(g, { allocateArena: () => 0, releaseArena: () => {} });
      const clock = { events: 7, lastTs: 1.5 };
      const store = new PoolBlocks({ g, blockIndexShift: model.blockIndexShift, strideShift: model.strideShift } as PymallocModel, clock);
      store.resetSlot(slot);
      const stride = 2 ** model.strideShift;
      const firstPool = slot * g.maxPoolsInArena;
      const lastPool = firstPool + g.maxPoolsInArena - 1;
      store.initPool(firstPool, 0);
      store.initPool(lastPool, 0);
      const top = firstPool * stride;
      const last = lastPool * stride + blocksPerPool(g, 0) - 1;
      for (const k of [top, top + 1, last]) {
        expect(k).toBeGreaterThan(2 ** 31);
        expect(k).toBeLessThan(2 ** 32);
        store.store(k, 100 + (k % 7), 42, 1);
        expect(store.state(k)).toBe(SLOT_LIVE);
        expect(store.size(k)).toBe(100 + (k % 7));
        expect(store.domain(k)).toBe(1);
        expect(store.stack(k)).toBe(42);
        expect(store.allocEvent(k)).toBe(7);
        expect(store.allocTs(k)).toBe(1.5);
        store.markFreed(k);
        expect(store.state(k)).toBe(SLOT_FREED);
      }
      expect(store.live).toBe(0);
    });
  }
});

// A pool emptied and initialised for another size class gets a slab of the
// new class's length, and none of the old class's states: a block number
// that was live or freed there is empty now, and a slab given back is reused,
// cleared, by the next pool of its class.
describe('the pool store when pools change size class', () => {
  it('clears states on re-initialisation and reuses freed slabs cleared', () => {
    const g = geometryFor('3.8');
    const model = new PymallocModel(g, { allocateArena: () => 0, releaseArena: () => {} });
    const store = new PoolBlocks({ g, blockIndexShift: model.blockIndexShift, strideShift: model.strideShift } as PymallocModel, { events: 1, lastTs: 0 });
    store.resetSlot(0);
    const stride = 2 ** model.strideShift;
    store.initPool(0, 0);
    store.store(3, 8, 1, 0);
    store.store(4, 8, 1, 0);
    store.markFreed(4);
    // Pool 0 goes to the largest class (7 blocks): block 3 exists and is empty, block 8 does not.
    const largest = g.sizeClasses - 1;
    expect(blocksPerPool(g, largest)).toBe(7);
    store.initPool(0, largest);
    expect(store.state(3)).toBe(SLOT_EMPTY);
    expect(store.state(4)).toBe(SLOT_EMPTY);
    expect(store.state(8)).toBe(SLOT_EMPTY);
    const bytes = store.allocatedBytes();
    // Pool 1 takes class 0: the slab pool 0 gave back, with its states cleared.
    store.initPool(1, 0);
    expect(store.allocatedBytes()).toBe(bytes);
    expect(store.state(stride + 3)).toBe(SLOT_EMPTY);
    expect(store.state(stride + 4)).toBe(SLOT_EMPTY);
    // An arena released gives its slabs back: pool 0's slab of the largest class goes to pool 2.
    store.store(2, 500, 1, 0);
    store.markFreed(2);
    store.releaseArena(0);
    expect(store.state(2)).toBe(SLOT_EMPTY);
    store.resetSlot(0);
    store.initPool(2, largest);
    expect(store.allocatedBytes()).toBe(bytes);
    expect(store.state(2 * stride + 2)).toBe(SLOT_EMPTY);
  });
});
