// The Replayer as its analyzers see it: the ReplayView observers receive is
// the replayer itself (nothing wrapped per event), and what exists only once
// the model is set up says so instead of being undefined.

import { describe, expect, it } from 'vitest';
import { ImportContext } from '../../src/import/import-context.js';
import { parseTraceBytes } from '../../src/import/index.js';
import { Replayer } from '../../src/replay/replayer.js';
import type { ReplayObserver, ReplayView } from '../../src/replay/replay-view.js';

const P0 = 0x7f0000000000;
const hex = (n: number): string => '0x' + n.toString(16);

function replayWith(observer: ReplayObserver, lines: string[]): Replayer {
  const text = ['# python: 3.11.7', 'op,addr,size,old_addr,domain,label', ...lines, ''].join('\n');
  const ctx = new ImportContext('t.csv');
  const r = new Replayer(ctx.addresses, { observers: [observer] });
  parseTraceBytes(Buffer.from(text), { context: ctx } as never, r);
  r.finish();
  return r;
}

describe('the replay view', () => {
  it('is the replayer itself at every event, mark and arena peak, with its state as of that instant', () => {
    const seen = new Set<ReplayView>();
    const liveAtEvent: number[] = [];
    const markModels: unknown[] = [];
    const r = replayWith(
      {
        onEvent: (view) => {
          seen.add(view);
          liveAtEvent.push(view.liveBlockCount);
        },
        onMark: (view) => {
          seen.add(view);
          markModels.push(view.model);
        },
        onArenaPeak: (view) => void seen.add(view),
      },
      [
        `arena_alloc,${hex(P0)},1048576,,,`,
        `alloc,${hex(P0 + 48)},16,,obj,`,
        `alloc,${hex(P0 + 64)},16,,obj,`,
        'mark,,,,,middle',
        `free,${hex(P0 + 48)},,,obj,`,
      ],
    );
    expect([...seen]).toEqual([r]);
    expect(liveAtEvent).toEqual([0, 1, 2, 2, 1]);
    expect(markModels).toEqual([r.interpreters[0]!.model]);
  });

  it('answers that nothing started, and names what is missing when asked for the model, before any record', () => {
    const r = new Replayer(new ImportContext('t.csv').addresses);
    expect(r.started).toBe(false);
    expect(r.describeHeld()).toBe('');
    expect(() => r.model).toThrow(/no pymalloc model yet/);
    expect(() => r.geometry).toThrow(/no pymalloc model yet/);
    r.start('3.12');
    expect(r.started).toBe(true);
    expect(r.geometry.version).toBe('3.12');
    expect(r.model.arenasCurrent).toBe(0);
  });
});
