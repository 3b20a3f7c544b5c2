// One pymalloc state per interpreter (the trace's `interp` field): an
// isolated sub-interpreter of CPython 3.12+ has its own arenas, pools and
// blocks, so events of two interpreters replay exactly only in two models.

import { describe, expect, it } from 'vitest';
import { interpreterStats } from '../../src/analyzers/interpreter-stats.js';
import { verificationOf } from '../../src/analyzers/analyze.js';
import { walkLiveSites } from '../../src/analyzers/live-sites.js';
import { DEFAULT_SITE_GROUPING, SiteTable } from '../../src/analyzers/site-table.js';
import { StackTable } from '../../src/events/stack-table.js';
import { UsageError } from '../../src/errors.js';
import { ImportContext } from '../../src/import/import-context.js';
import { parseTraceBytes } from '../../src/import/index.js';
import { geometryFor } from '../../src/models/pymalloc/geometry.js';
import { Replayer, ReplayStop, type ReplayOptions } from '../../src/replay/replayer.js';

const OVERHEAD = geometryFor('3.12').poolOverhead;
const MAIN = 0x7f0000000000; // both arenas pool-aligned: the first pool at the base
const SUB = 0x7f0000400000;
const hex = (n: number): string => '0x' + n.toString(16);

/** Main and interpreter 1 allocate 16-byte blocks in turn: in one model their blocks would share a pool. */
const INTERLEAVED = [
  `arena_alloc,${hex(MAIN)},1048576,,,,`,
  `alloc,${hex(MAIN + OVERHEAD)},16,,obj,,`,
  `arena_alloc,${hex(SUB)},1048576,,,,1`,
  `alloc,${hex(SUB + OVERHEAD)},16,,obj,,1`,
  `alloc,${hex(MAIN + OVERHEAD + 16)},16,,mem,,0`,
  `alloc,${hex(SUB + OVERHEAD + 16)},16,,mem,,1`,
  'mark,,,,,stats,1',
  `free,${hex(SUB + OVERHEAD)},,,obj,,1`,
  `free,${hex(MAIN + OVERHEAD)},,,obj,,`,
  `alloc,${hex(SUB + OVERHEAD)},10,,obj,,1`, // LIFO reuse in interpreter 1's pool
];

function replay(lines: string[], header = 'op,addr,size,old_addr,domain,label,interp', options: ReplayOptions = {}): Replayer {
  const text = ['# python: 3.12.4', header, ...lines, ''].join('\n');
  const ctx = new ImportContext('t.csv');
  const r = new Replayer(ctx.addresses, options);
  try {
    parseTraceBytes(Buffer.from(text), { context: ctx } as never, r);
  } catch (e) {
    if (!(e instanceof ReplayStop)) throw e;
    return r;
  }
  r.finish();
  return r;
}

describe('the replayer with several interpreters', () => {
  it('replays each interpreter in its own pymalloc state: every address predicted, every arena from the trace', () => {
    const r = replay(INTERLEAVED);
    expect(r.interpreters.map((s) => s.id)).toEqual([0, 1]);
    expect(r.addressCheck.predicted).toBe(5);
    expect(r.addressCheck.mismatched).toBe(0);
    expect(r.anomalies.total).toBe(0);
    const v = verificationOf(r);
    expect(v.arenas).toMatchObject({ fromTrace: 2, placedByModel: 0, mismatches: 0 });
    expect(v.exact).toBe(true);
    // After the replay, model is the main interpreter's.
    expect(r.model).toBe(r.interpreter(0)!.model);
    expect(r.interpreter(0)!.model.blocksInUseTotal).toBe(1);
    expect(r.interpreter(1)!.model.blocksInUseTotal).toBe(2);
    expect(r.liveBlockCount).toBe(3);
  });

  it('is not exact when the same events go to one model (the interp column dropped)', () => {
    const r = replay(
      INTERLEAVED.map((l) => l.replace(/,[0-9]*$/, '')),
      'op,addr,size,old_addr,domain,label',
    );
    expect(r.interpreters).toHaveLength(1);
    expect(verificationOf(r).exact).toBe(false);
    expect(r.addressCheck.mismatched).toBeGreaterThan(0);
  });

  it('gives each interpreter its own statistics, and sums the high-water marks over all of them', () => {
    const r = replay(INTERLEAVED);
    const main = interpreterStats(r, 0);
    const sub = interpreterStats(r, 1);
    expect(main.stats.arenasCurrent).toBe(1);
    expect(sub.stats.arenasCurrent).toBe(1);
    expect(main.allocatedBlocks).toBe(1);
    expect(sub.allocatedBlocks).toBeNull();
    expect(r.highWater.point('arenas').value).toBe(2);
    expect(r.highWater.point('pools_in_use').value).toBe(2);
    expect(r.highWater.point('block_bytes').value).toBe(64);
    expect(() => interpreterStats(r, 7)).toThrow(UsageError);
    expect(() => interpreterStats(r, 7)).toThrow('--interp 7: the trace has no event of that interpreter up to this instant; it has interpreters 0, 1');
  });

  it('shows an observer the state of the interpreter that took the mark, and the main one once stopped there', () => {
    const seen: number[] = [];
    const r = replay(INTERLEAVED, undefined, {
      observers: [{ onMark: (rr) => seen.push(rr.model === rr.interpreter(1)!.model ? 1 : 0, rr.model.blocksInUseTotal) }],
      stopAtMark: 'stats',
    });
    expect(seen).toEqual([1, 2]);
    expect(r.stopped).toBe(true);
    expect(r.model).toBe(r.interpreter(0)!.model);
    expect(interpreterStats(r, 1).stats.arenasCurrent).toBe(1);
  });

  it('walks the live blocks of every interpreter, each pool read in its own model', () => {
    const r = replay(INTERLEAVED);
    const seen: string[] = [];
    r.forEachLiveBlock((pool, size, _stack, _domain, _event, _ts, model) => {
      seen.push(`${r.interpreters.findIndex((s) => s.model === model)}:${size}:${model.poolSizeClass(pool)}`);
    });
    expect(seen.sort()).toEqual(['0:16:0', '1:10:0', '1:16:0']);
    // The 16-byte obj blocks (no stack: one site) lie in pool slot 0 of two
    // models: two pools and two arenas, which a single model would count once.
    const walk = walkLiveSites(r, new SiteTable(new StackTable(), r.geometry, DEFAULT_SITE_GROUPING));
    expect(walk.totalBlocks).toBe(3);
    const obj = walk.sites.find((s) => s.blocks === 2)!;
    expect(obj).toMatchObject({ pools: 2, arenas: 2 });
  });

  it('frees a diverged block of one interpreter freed by an event of another in its own model', () => {
    // Interpreter 1's block is not where its model puts it (so it is kept by
    // trace address); the main interpreter then frees that address.
    const r = replay([
      `arena_alloc,${hex(MAIN)},1048576,,,,`,
      `alloc,${hex(MAIN + OVERHEAD)},16,,obj,,`,
      `arena_alloc,${hex(SUB)},1048576,,,,1`,
      `alloc,${hex(SUB + OVERHEAD + 48)},16,,obj,,1`,
      `free,${hex(SUB + OVERHEAD + 48)},,,obj,,`,
      `alloc,${hex(SUB + OVERHEAD)},16,,obj,,1`,
    ]);
    expect(r.addressCheck.mismatched).toBe(1);
    expect(r.anomalies.total).toBe(0);
    expect(r.interpreter(1)!.model.blocksInUseTotal).toBe(1);
    expect(r.interpreter(0)!.model.blocksInUseTotal).toBe(1);
    expect(r.liveBlockCount).toBe(2);
    // The block freed in interpreter 1's model is handed out there again, where the trace says.
    expect(r.addressCheck.predicted).toBe(2);
  });

  it('keeps the arenas a model places itself apart per interpreter when the trace has no arena records', () => {
    const r = replay(['alloc,0x10,16,,obj,,', 'alloc,0x20,16,,obj,,3']);
    const [a, b] = r.interpreters.map((s) => s.model.arenaBase(0));
    expect(a).not.toBe(b);
    expect(Math.abs(a! - b!)).toBeGreaterThanOrEqual(1048576);
  });
});
