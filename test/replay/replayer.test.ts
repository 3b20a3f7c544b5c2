// The replay semantics of trace-format.md, on small hand-written traces.

import { describe, expect, it } from 'vitest';
import { ImportContext } from '../../src/import/import-context.js';
import { parseTraceBytes } from '../../src/import/index.js';
import { Replayer, type ReplayOptions } from '../../src/replay/replayer.js';
import { OP_ALLOC, OP_FREE, OP_MARK } from '../../src/events/ops.js';
import { MAX_PENDING_ARENAS } from '../../src/replay/arena-feed.js';

const ARENA = '0x7f0000000000'; // 16 KiB aligned: 64 pools, first pool at the base
const P0 = 0x7f0000000000;

function replay(lines: string[], python = '3.11.7', options: ReplayOptions = {}): Replayer {
  const text = [`# python: ${python}`, 'op,addr,size,old_addr,domain,label', ...lines, ''].join('\n');
  const ctx = new ImportContext('t.csv');
  const r = new Replayer(ctx.addresses, options);
  parseTraceBytes(Buffer.from(text), { context: ctx } as never, r);
  r.finish();
  return r;
}

const hex = (n: number): string => '0x' + n.toString(16);

describe('the replayer', () => {
  it('given a faithful trace, predicts every address and keeps the live set', () => {
    const r = replay([
      `arena_alloc,${ARENA},1048576,,,`,
      `alloc,${hex(P0 + 48)},16,,obj,`,
      `alloc,${hex(P0 + 64)},10,,mem,`,
      `free,${hex(P0 + 48)},,,obj,`,
      `alloc,${hex(P0 + 48)},16,,obj,`, // LIFO reuse
    ]);
    expect(r.addressCheck.predicted).toBe(3);
    expect(r.addressCheck.mismatched).toBe(0);
    expect(r.anomalies.total).toBe(0);
    expect(r.liveBlockCount).toBe(2);
    expect(r.liveRequestedBytes).toBe(26);
    expect(r.model.blocksInUseTotal).toBe(2);
  });

  it('calls onEvent observers after every event, with the state as of that event', () => {
    const seen: string[] = [];
    const observer = {
      onEvent: (r: Replayer, op: number) => seen.push(`${r.events}:${op}:${r.liveBlockCount}`),
    };
    replay(
      [`arena_alloc,${ARENA},1048576,,,`, `alloc,${hex(P0 + 48)},16,,obj,`, 'mark,,,,,m', `free,${hex(P0 + 48)},,,obj,`],
      '3.11.7',
      { observers: [observer] },
    );
    expect(seen.slice(1)).toEqual([`2:${OP_ALLOC}:1`, `3:${OP_MARK}:1`, `4:${OP_FREE}:0`]);
  });

  it('counts a free of a never-seen address as untracked and a second free as a double free', () => {
    const r = replay([
      `alloc,${hex(P0 + 48)},16,,obj,`,
      `free,0x1234560,,,obj,`,
      `free,${hex(P0 + 48)},,,obj,`,
      `free,${hex(P0 + 48)},,,obj,`,
      'free,0x0,,,obj,', // free(NULL) is a no-op
    ]);
    expect(r.anomalies.counts.untracked_free).toBe(1);
    expect(r.anomalies.counts.double_free).toBe(1);
    expect(r.anomalies.examples.untracked_free[0]).toMatchObject({ line: 4, event: 2, address: '0x1234560' });
    expect(r.anomalies.examples.double_free[0]).toMatchObject({ line: 6, event: 4 });
    expect(r.nullPointerCalls).toBe(1);
    expect(r.liveBlockCount).toBe(0);
  });

  it('finds a C-library block that an arena was later placed over (a corrupt trace), on alloc and on free', () => {
    const cLibraryBlock = `alloc,${hex(P0 + 64)},600,,obj,`; // where the arena's second 16-byte block will be
    const start = [cLibraryBlock, `arena_alloc,${ARENA},1048576,,,`, `alloc,${hex(P0 + 48)},16,,obj,`];
    const reused = replay([...start, `alloc,${hex(P0 + 64)},16,,obj,`]);
    expect(reused.anomalies.counts.missing_free).toBe(1);
    expect(reused.system.liveBytes).toBe(0);
    expect(reused.liveBlockCount).toBe(2);
    expect(reused.addressCheck.mismatched).toBe(0);
    const freed = replay([...start, `free,${hex(P0 + 64)},,,obj,`]);
    expect(freed.anomalies.total).toBe(0);
    expect(freed.system.liveBytes).toBe(0);
    expect(freed.liveBlockCount).toBe(1);
  });

  it('treats an allocation at a still-live address as a missing free, freeing the old block first', () => {
    const r = replay([
      `arena_alloc,${ARENA},1048576,,,`,
      `alloc,${hex(P0 + 48)},16,,obj,`,
      `alloc,${hex(P0 + 48)},16,,obj,`, // CPython freed and reused it; the free record is missing
      'alloc,0x55000000,1000,,obj,',
      'alloc,0x55000000,2000,,obj,',
    ]);
    expect(r.anomalies.counts.missing_free).toBe(2);
    expect(r.addressCheck.mismatched).toBe(0); // the model reused the block, as CPython did
    expect(r.model.blocksInUseTotal).toBe(1);
    expect(r.system.liveBlocks).toBe(1);
    expect(r.system.liveBytes).toBe(2000);
  });

  it('replays realloc: in place within 3/4 of the class, moving otherwise, C-library blocks stay with the C library', () => {
    const r = replay([
      `arena_alloc,${ARENA},1048576,,,`,
      `alloc,${hex(P0 + 48)},100,,obj,`, // class 6 (112)
      `realloc,${hex(P0 + 48)},90,${hex(P0 + 48)},obj,`, // 4*90 > 336: stays
      `realloc,${hex(P0 + 16384 + 48)},40,${hex(P0 + 48)},obj,`, // moves to a class-2 pool
      'realloc,0x55000000,600,0x0,obj,', // realloc(NULL) = malloc, > 512: C library
      'realloc,0x55001000,100,0x55000000,obj,', // stays with the C library although small
      'realloc,0x55002000,10,0x1,obj,', // realloc of an unknown block
    ]);
    expect(r.addressCheck.predicted).toBe(3);
    // The untracked realloc is replayed as malloc(10): a pymalloc block, not the trace's address.
    expect(r.addressCheck.mismatched).toBe(1);
    expect(r.anomalies.counts.untracked_realloc).toBe(1);
    expect(r.model.blocksInUseTotal).toBe(2); // the moved block and the malloc(10)
    expect(r.system.liveBlocks).toBe(1); // 0x55001000
    expect(r.liveBlockCount).toBe(3);
  });

  it('checks a free size against the allocation', () => {
    const r = replay([`alloc,${hex(P0 + 48)},16,,obj,`, `free,${hex(P0 + 48)},24,,obj,`]);
    expect(r.anomalies.counts.free_size_mismatch).toBe(1);
    expect(r.anomalies.examples.free_size_mismatch[0]!.detail).toBe('freed with size 24, allocated with 16');
  });

  it('given a trace whose addresses differ from the model, still pairs every free with its allocation', () => {
    // The trace says the blocks are 32 bytes apart; the model packs 16-byte blocks 16 apart.
    const lines = [`arena_alloc,${ARENA},1048576,,,`];
    for (let i = 0; i < 50; i++) lines.push(`alloc,${hex(P0 + 48 + 32 * i)},16,,obj,`);
    for (let i = 0; i < 50; i += 2) lines.push(`free,${hex(P0 + 48 + 32 * i)},,,obj,`);
    const r = replay(lines);
    expect(r.anomalies.total).toBe(0);
    expect(r.addressCheck.mismatched).toBeGreaterThan(0);
    expect(r.liveBlockCount).toBe(25);
    expect(r.model.blocksInUseTotal).toBe(25);
    const again = replay([...lines, `free,${hex(P0 + 48)},,,obj,`]);
    expect(again.anomalies.counts.double_free).toBe(1);
  });

  it('takes arena bases from arena_alloc records and checks releases against arena_free', () => {
    const good = replay(
      [`arena_alloc,0x7f0000001000,262144,,,`, 'alloc,0x7f0000001030,16,,obj,', 'free,0x7f0000001030,,,obj,', 'arena_free,0x7f0000001000,262144,,,'],
      '3.8.18',
    );
    expect(good.arenas.releasesConfirmed).toBe(1);
    expect(good.arenas.exact).toBe(true);
    expect(good.addressCheck.mismatched).toBe(0);
    const missing = replay(['arena_alloc,0x7f0000001000,262144,,,', 'alloc,0x7f0000001030,16,,obj,', 'free,0x7f0000001030,,,obj,', 'mark,,,,,x'], '3.8.18');
    expect(missing.arenas.mismatches).toBe(1);
    expect(missing.arenas.examples[0]!.detail).toContain('the trace has no arena_free for it here');
  });

  it('counts an arena record whose size is not the arena size of the version as a mismatch with its line', () => {
    for (const [size, python, arena] of [
      ['0', '3.11.7', 1048576],
      ['262144', '3.11.7', 1048576],
      ['1048576', '3.8.18', 262144],
    ] as const) {
      const r = replay([`arena_alloc,${ARENA},${size},,,`, `alloc,${hex(P0 + 48)},16,,obj,`], python);
      expect(r.arenas.mismatches, `${size} on ${python}`).toBe(1);
      expect(r.arenas.examples).toEqual([
        { line: 3, detail: `trace allocates arena ${ARENA} of ${size} bytes, the model's arenas are ${arena} bytes` },
      ]);
      expect(r.arenas.exact).toBe(false);
      expect(r.addressCheck.mismatched).toBe(0); // the base is still used
    }
    // 3.8 releases an arena as soon as it is empty.
    const badFree = replay([`arena_alloc,${ARENA},262144,,,`, `alloc,${hex(P0 + 48)},16,,obj,`, `free,${hex(P0 + 48)},,,obj,`, `arena_free,${ARENA},4096,,,`], '3.8.18');
    expect(badFree.arenas.examples).toEqual([{ line: 6, detail: `trace releases arena ${ARENA} of 4096 bytes, the model's arenas are 262144 bytes` }]);
    expect(badFree.arenas.releasesConfirmed).toBe(1);
  });

  it('keeps at most MAX_PENDING_ARENAS announced arenas waiting; more count as mismatches at once', () => {
    const announced = Array.from({ length: 100 }, (_, i) => `arena_alloc,${hex(P0 + i * 0x100000)},1048576,,,`);
    const r = replay([...announced, `alloc,${hex(P0 + 48)},16,,obj,`]);
    // The first announced arena is the one the alloc used, at its base.
    expect(r.addressCheck.predicted).toBe(1);
    expect(r.arenas.arenasFromTrace).toBe(1);
    // 36 refused as they came, one more left unused by the call, 62 waiting at the end.
    expect(r.arenas.mismatches).toBe(100 - MAX_PENDING_ARENAS + 1);
    expect(r.arenas.unusedAnnounced).toBe(MAX_PENDING_ARENAS - 2);
    expect(r.arenas.examples[0]!.detail).toBe(`trace allocates arena ${hex(P0 + 64 * 0x100000)} while 64 arenas it allocated before are still unused`);
    expect(r.arenas.exact).toBe(false);
  });

  it('places arenas itself when the trace has no arena records', () => {
    const r = replay(['alloc,0x10000030,16,,obj,', 'alloc,0x10000040,16,,obj,']);
    expect(r.arenas.arenasPlaced).toBe(1);
    expect(r.arenas.traceHasArenas).toBe(false);
    expect(r.model.arenasCurrent).toBe(1);
    expect(r.addressCheck.mismatched).toBe(2);
    expect(r.anomalies.total).toBe(0);
  });

  it('records high-water marks with the event, line and last mark', () => {
    const r = replay([
      `arena_alloc,${ARENA},1048576,,,`,
      'mark,,,,,warm-up',
      `alloc,${hex(P0 + 48)},16,,obj,`,
      'alloc,0x55000000,4000,,raw,',
      'free,0x55000000,,,raw,',
      'mark,,,,,done',
    ]);
    const p = r.highWater.point('footprint_bytes');
    expect(p.value).toBe(1048576 + 4000);
    expect(p.event).toBe(4);
    expect(p.line).toBe(6);
    expect(p.mark).toBe('warm-up');
    expect(r.highWater.point('arenas').value).toBe(1);
  });
});

describe('the replayer and the native contract', () => {
  const NATIVE = 0x560000000000;

  it('keeps native blocks out of the pymalloc model, whatever their size, and counts them apart', () => {
    const r = replay([
      `arena_alloc,${ARENA},1048576,,,`,
      `alloc,${hex(P0 + 48)},16,,obj,`,
      `alloc,${hex(NATIVE)},16,,native,`,
      `calloc,${hex(NATIVE + 0x100)},4000,,native,`,
      `realloc,${hex(NATIVE + 0x2000)},32,${hex(NATIVE)},native,`,
    ]);
    expect(r.model.blocksInUseTotal).toBe(1);
    expect(r.addressCheck.mismatched).toBe(0);
    expect(r.system.nativeLiveBlocks).toBe(2);
    expect(r.system.nativeLiveBytes).toBe(4032);
    // Native blocks are not Python's: not in sys.getallocatedblocks().
    expect(r.allocatedBlocks).toBe(1);
    expect(r.highWater.nativePoint('native_heap_bytes').value).toBe(4032);
    expect(r.highWater.point('footprint_bytes').value).toBe(1048576 + 4032);
    expect(r.anomalies.total).toBe(0);
  });

  it('counts a native untracked and double free in the native domain', () => {
    const r = replay([`alloc,${hex(NATIVE)},64,,native,`, `free,${hex(NATIVE)},,,native,`, `free,${hex(NATIVE)},,,native,`, `free,${hex(NATIVE + 64)},,,native,`, `free,0x10,,,raw,`]);
    expect(r.anomalies.countOf('double_free', 3)).toBe(1);
    expect(r.anomalies.countOf('untracked_free', 3)).toBe(1);
    expect(r.anomalies.countOf('untracked_free', 2)).toBe(1);
    expect(r.system.nativeLiveBytes).toBe(0);
  });

  it('adds mappings to the footprint, splits them on munmap, moves them on mremap, with the peak and when it was reached', () => {
    const M = 0x7f1000000000;
    const r = replay([
      `mmap,${hex(M)},65536,,,`,
      `munmap,${hex(M + 0x4000)},4096,,native,`,
      `mremap,${hex(M + 0x100000)},131072,${hex(M + 0x5000)},,`,
      `mark,,,,,after`,
      `munmap,${hex(M)},16384,,,`,
      `munmap,${hex(M + 0x900000)},4096,,,`,
    ]);
    expect(r.mappings.bytes).toBe(131072);
    expect(r.mappings.count).toBe(1);
    const peak = r.highWater.nativePoint('mmap_bytes');
    expect(peak.value).toBe(16384 + 131072);
    expect(peak.event).toBe(3);
    expect(r.highWater.point('footprint_bytes').value).toBe(16384 + 131072);
    // The last munmap covers nothing mapped.
    expect(r.anomalies.countOf('untracked_free', 3)).toBe(1);
    expect(r.anomalies.total).toBe(1);
  });

  it('replays the hand-written native fixture with no anomaly', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const text = readFileSync(join(__dirname, '..', 'fixtures', 'native', 'mixed.csv'));
    const ctx = new ImportContext('mixed.csv');
    const r = new Replayer(ctx.addresses);
    parseTraceBytes(text, { context: ctx } as never, r);
    r.finish();
    expect(r.anomalies.total).toBe(0);
    expect(r.system.nativeLiveBytes).toBe(200);
    expect(r.mappings.bytes).toBe(16384 + 131072);
  });
});
