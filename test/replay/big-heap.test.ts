// Replays of heaps with hundreds of arenas live, on both arena geometries
// (256 KiB in 3.8, 1 MiB in 3.11): past the 447 arena slots where the pool
// store's group allocation used to wrap (`1 << 32`) and every command exited
// 3, with arenas released and taken again. And the arena limit, met in a
// trace, is one line naming the file and line (exit 2), not a crash.
//
// The traces are made here the way the recorder makes them from CPython: a
// generating pymalloc model stands for the interpreter, its arena source
// writes `arena_alloc` before the call that needs the arena and `arena_free`
// after the call that released one (trace-format.md). Its arenas are placed
// at addresses chosen here, some not aligned to the pool size, so the replay
// must take every base from the trace. The replay must then predict every
// address and arena, and end with the generator's exact stats.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

import { TraceLimitError } from '../../src/errors.js';
import { AddressSpace } from '../../src/events/address-space.js';
import { EventBatch } from '../../src/events/event-batch.js';
import { OP_ALLOC, OP_ARENA_ALLOC, OP_ARENA_FREE, OP_FREE } from '../../src/events/ops.js';
import { geometryFor, type PythonVersion } from '../../src/models/pymalloc/geometry.js';
import { PymallocModel } from '../../src/models/pymalloc/pymalloc-model.js';
import { formatDebugMallocStats } from '../../src/models/pymalloc/stats-text.js';
import { countersStats, walkStats } from '../../src/models/pymalloc/stats.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import { Replayer } from '../../src/replay/replayer.js';

const FULL_VERSION: Record<string, string> = { '3.8': '3.8.18', '3.11': '3.11.7' };
/** Request sizes, in turn: classes 31, 29, 15 and 7 (few blocks per pool: few calls per arena). */
const SIZES = [512, 500, 256, 128, 512, 480];

type Emit = (op: number, addr: number, size: number) => void;

/** The stand-in for CPython: a model whose arena calls become trace records. */
function generator(version: PythonVersion, emit: Emit): PymallocModel {
  const g = geometryFor(version);
  let next = 2 ** 40;
  let n = 0;
  return new PymallocModel(g, {
    allocateArena: () => {
      // Every third arena 4 KiB past an arena boundary: in 3.11 not aligned
      // to its 16 KiB pools, so it has one pool less (as mmap may give).
      const base = next + (n++ % 3 === 0 ? 4096 : 0);
      next += 2 * g.arenaSize;
      emit(OP_ARENA_ALLOC, base, g.arenaSize);
      return base;
    },
    releaseArena: (base) => emit(OP_ARENA_FREE, base, g.arenaSize),
  });
}

/**
 * Drive the generator: allocate until `arenas` arenas are live, free the
 * older half of the blocks (their arenas go back), allocate as many again
 * (arena slots taken again, LIFO). Returns the live addresses.
 */
function bigHeap(gen: PymallocModel, emit: Emit, arenas: number): void {
  const live: number[] = [];
  const alloc = (): void => {
    const n = SIZES[live.length % SIZES.length]!;
    let addr = NaN;
    // The arena_alloc a call causes is written before the call's own record.
    addr = gen.malloc(n);
    emit(OP_ALLOC, addr, n);
    live.push(addr);
  };
  while (gen.arenasCurrent < arenas) alloc();
  const half = live.length >> 1;
  for (let i = 0; i < half; i++) {
    const addr = live[i]!;
    // The arena_free a free causes is written after the free's record.
    emit(OP_FREE, addr, NaN);
    gen.free(addr, gen.poolAt(addr));
  }
  live.splice(0, half);
  for (let i = 0; i < half; i++) alloc();
}

/** An emitter that fills batches and hands them to the replayer. */
function replayInto(replayer: Replayer): { emit: Emit; flush: () => void } {
  const batch = new EventBatch();
  let line = 0;
  const flush = (): void => {
    replayer.batch(batch);
    batch.length = 0;
  };
  return {
    emit: (op, addr, size) => {
      const i = batch.push(op, ++line);
      batch.addr[i] = addr;
      batch.size[i] = size;
      if (batch.full) flush();
    },
    flush,
  };
}

describe('replaying big heaps', () => {
  for (const version of ['3.8', '3.11'] as const) {
    test(`${version}: 600 arenas live (1,024 arena slots), half released and taken again: every address and arena exact, CPython's stats`, () => {
      const replayer = new Replayer(new AddressSpace());
      replayer.meta({ python: FULL_VERSION[version]!, arena_size: String(geometryFor(version).arenaSize) });
      const { emit, flush } = replayInto(replayer);
      const gen = generator(version, emit);
      bigHeap(gen, emit, 600);
      flush();
      replayer.finish();

      expect(replayer.model.arenaSlots).toBe(1024);
      expect(gen.arenaCounters.allocatedTotal).toBeGreaterThan(800);
      expect(replayer.addressCheck.mismatched).toBe(0);
      expect(replayer.addressCheck.predicted).toBe(replayer.counts[OP_ALLOC * 3]);
      expect(replayer.arenas.exact).toBe(true);
      expect(replayer.arenas.arenasFromTrace).toBe(gen.arenaCounters.allocatedTotal);
      expect(replayer.arenas.releasesConfirmed).toBe(gen.arenaCounters.allocatedTotal - gen.arenasCurrent);
      expect(replayer.anomalies.total).toBe(0);
      // Every live block is in the pool store, where the walk finds it.
      expect(replayer.pool.live).toBe(gen.blocksInUseTotal);
      let walked = 0;
      replayer.pool.forEachLive(() => void walked++);
      expect(walked).toBe(gen.blocksInUseTotal);
      const expected = formatDebugMallocStats(walkStats(gen));
      expect(formatDebugMallocStats(walkStats(replayer.model))).toBe(expected);
      expect(formatDebugMallocStats(countersStats(replayer.model))).toBe(expected);
    }, 60_000);
  }

  const dir = mkdtempSync(join(tmpdir(), 'memreplay-big-heap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const version of ['3.8', '3.11'] as const) {
    test(`${version}: a trace past the arena limit stops with one line naming the file, the line and the limit`, async () => {
      const g = geometryFor(version);
      const lines = [`# python: ${FULL_VERSION[version]}`, `# arena_size: ${g.arenaSize}`, 'op,addr,size,old_addr,domain,label'];
      const names = ['alloc', '', '', 'free', 'arena_alloc', 'arena_free'];
      let limitLine = 0;
      const emit: Emit = (op, addr, size) => {
        lines.push(`${names[op]},0x${addr.toString(16)},${op === OP_FREE ? '' : size},,${op <= OP_FREE ? 'obj' : ''},`);
        if (op === OP_ARENA_ALLOC && limitLine === 0 && gen.arenasCurrent === 16) limitLine = lines.length + 1;
      };
      const gen = generator(version, emit);
      while (gen.arenasCurrent < 17) {
        const addr = gen.malloc(512);
        emit(OP_ALLOC, addr, 512);
      }
      const path = join(dir, `past-limit-${version}.csv`);
      writeFileSync(path, lines.join('\n') + '\n');
      const replay = replayTrace(path, { arenaSlotLimit: 16 });
      await expect(replay).rejects.toThrow(TraceLimitError);
      const arena = version === '3.8' ? '256 KiB' : '1 MiB';
      await expect(replayTrace(path, { arenaSlotLimit: 16 })).rejects.toThrow(
        `${path}:${limitLine}: the heap needs more than 16 pymalloc arenas of ${arena} live at once; memreplay models at most that many (${16 * g.arenaSize / 2 ** 30} GiB of arenas)`,
      );
    });
  }
});
