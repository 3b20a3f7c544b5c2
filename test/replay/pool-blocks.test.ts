// The walk of the pool store visits only the carved blocks of the pools in
// use; a scan of every block index of every arena slot (the slow, obviously
// complete way) must find exactly the same blocks, in the same order, at any
// instant of real traces — including after pools were emptied and reused for
// another size class (reclaim), where old block states lie around.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../src/replay/replay-trace.js';
import { SLOT_FREED, SLOT_LIVE } from '../../src/replay/live-blocks.js';
import { PoolBlocks } from '../../src/replay/pool-blocks.js';
import type { PymallocModel } from '../../src/models/pymalloc/pymalloc-model.js';
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
        observers: [{ onEvent: (r) => void (r.events % every === 0 && check(r)) }],
      });
      check(replayer);
      expect(checks).toBeGreaterThan(3);
      expect(blocksSeen).toBeGreaterThan(1000);
    });
  }
});

// Block indexes at the top of the range (arena slot 65,535 of 3.11, 262,143
// of 3.8) are past 2^31: with `>>` they would name a negative arena slot.
// Only the model's block index shift matters to the store's arithmetic, and
// a record is allocated only for the slot that gets an arena.
describe('the pool store at the top of the block index range', () => {
  for (const [version, shift, slot] of [
    ['3.11', 16, 65_535],
    ['3.8', 14, 262_143],
  ] as const) {
    it(`stores and reads back blocks of arena slot ${slot.toLocaleString('en-US')} (${version})`, () => {
      const clock = { events: 7, lastTs: 1.5 };
      const store = new PoolBlocks({ blockIndexShift: shift } as PymallocModel, clock);
      store.resetSlot(slot);
      const top = slot * 2 ** shift;
      for (const k of [top, top + 1, top + 2 ** shift - 1]) {
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
