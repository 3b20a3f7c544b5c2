// The walk of the pool store visits only the carved blocks of the pools in
// use; a scan of every block index of every arena slot (the slow, obviously
// complete way) must find exactly the same blocks, in the same order, at any
// instant of real traces — including after pools were emptied and reused for
// another size class (reclaim), where old block states lie around.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../src/replay/replay-trace.js';
import { SLOT_LIVE } from '../../src/replay/live-blocks.js';
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
