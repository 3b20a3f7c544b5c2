// findLeaks on hand-written traces: sites, pools and arenas, growth verdicts,
// suppressions, groupings.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/run/leaks.js';
import { tempDir } from '../cli/helpers.js';
import { iterationsTrace, MAIN, TraceWriter } from '../analyzers/trace-writer.js';

function traceFile(text: string, name = 't.csv'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

describe('findLeaks', () => {
  it('finds a leak planted in an iteration loop at its file:line, with the evidence per mark', async () => {
    const r = await findLeaks(traceFile(iterationsTrace(10, true)));
    expect(r.growth.basis).toBe('marks');
    expect(r.growth.steadyIntervals).toBe(9);
    expect(r.growth.steadyLeakSites).toBe(1);
    const leak = r.sites[0]!;
    expect(leak.growth.class).toBe('steady_leak');
    expect(leak.location).toEqual({ file: 'app/server.py', line: 42, function: 'remember' });
    expect(leak.growth.slope).toBe(64);
    expect(leak.growth.liveBytes).toEqual([0, 64, 128, 192, 256, 320, 384, 448, 512, 576, 640]);
    expect(leak.blocks).toBe(10);
    expect(leak.sizeClasses).toEqual([{ sizeClass: 3, blockSize: 64, blocks: 10 }]);
    expect(leak.stack).toEqual([MAIN, 'handle (app/server.py:30)', 'remember (app/server.py:42)']);
  });

  it('calls the cache filled in the first iterations bounded and the loop leak-free without the leak', async () => {
    const r = await findLeaks(traceFile(iterationsTrace(10, false)));
    expect(r.growth.steadyLeakSites).toBe(0);
    const cache = r.sites.find((s) => s.key === 'warm (app/cache.py:10)')!;
    // Filled in iterations 1 and 2: it grew after the warm-up of one mark, then levelled off.
    expect(cache.growth.class).toBe('bounded');
    expect(r.growth.boundedSites).toBe(1);
    expect(cache.requestedBytes).toBe(1000);
    // The per-iteration temporaries were freed each time: transient, and not listed.
    expect(r.growth.transientSites).toBe(1);
    expect(r.sites.some((s) => s.key === 'handle (app/server.py:30)')).toBe(false);
  });

  it('counts the pools and arenas each site keeps alive, and those only it keeps alive', async () => {
    const w = new TraceWriter();
    // 16-byte blocks: one 16 KiB pool (3.11) holds 1,017 of them.
    for (let i = 0; i < 1100; i++) w.alloc(16, ['a.py:1']);
    w.alloc(16, ['b.py:2']);
    w.alloc(500, ['c.py:3']);
    w.alloc(1000, ['c.py:3']);
    const r = await findLeaks(traceFile(w.text()));
    const a = r.sites.find((s) => s.key === 'a.py:1')!;
    const b = r.sites.find((s) => s.key === 'b.py:2')!;
    const c = r.sites.find((s) => s.key === 'c.py:3')!;
    expect([a.pools, a.poolsAlone, a.arenas, a.arenasAlone]).toEqual([2, 1, 1, 0]);
    expect([b.pools, b.poolsAlone]).toEqual([1, 0]);
    expect([c.pools, c.poolsAlone, c.systemBlocks]).toEqual([1, 1, 1]);
    expect(c.sizeClasses).toEqual([{ sizeClass: 31, blockSize: 512, blocks: 1 }]);
    expect(c.allocatedBytes).toBe(512 + 1000);
    expect(a.first).toEqual({ event: 1, ts: 1000 });
    expect(a.last).toEqual({ event: 1100, ts: 1_100_000 });
  });

  it('groups blocks without a stack by domain and size class', async () => {
    const w = new TraceWriter();
    w.alloc(20);
    w.alloc(30);
    w.alloc(20, [], 'mem');
    w.alloc(600);
    w.alloc(10, [], 'raw');
    const r = await findLeaks(traceFile(w.text()));
    expect(r.sites.map((s) => [s.key, s.blocks])).toEqual([
      ['(no stack) obj C library (size 0 or > 512)', 1],
      ['(no stack) obj size class 1 (32-byte blocks)', 2],
      ['(no stack) mem size class 1 (32-byte blocks)', 1],
      ['(no stack) raw domain', 1],
    ]);
    expect(r.sites[1]!.noStack).toEqual({ domain: 'obj', sizeClass: 1 });
    expect(r.sites[0]!.noStack).toEqual({ domain: 'obj', sizeClass: null });
  });

  it('keeps blocks of a frame spelled like a no-stack key apart from the blocks without a stack', async () => {
    const w = new TraceWriter();
    w.alloc(20);
    w.alloc(20, ['(no stack) obj size class 1 (32-byte blocks)']);
    w.alloc(20, ['(no stack) obj size class 1 (32-byte blocks)']);
    const r = await findLeaks(traceFile(w.text()));
    expect(r.sites.map((s) => [s.key, s.blocks, s.noStack === null])).toEqual([
      ['(no stack) obj size class 1 (32-byte blocks)', 2, true],
      ['(no stack) obj size class 1 (32-byte blocks)', 1, false],
    ]);
  });

  it('reports the blocks live at a mark with --at, and growth up to it', async () => {
    const r = await findLeaks(traceFile(iterationsTrace(10, true)), { instant: { at: 'iteration 5' } });
    expect(r.at).toMatchObject({ mark: 'iteration 5', end: false });
    expect(r.growth.boundaries).toBe(5);
    expect(r.sites[0]!.requestedBytes).toBe(5 * 64);
    expect(r.sites[0]!.growth.class).toBe('steady_leak');
  });

  it('groups by function, file or the innermost frames of the traceback', async () => {
    const file = traceFile(iterationsTrace(6, true));
    const byFunction = await findLeaks(file, { sites: { by: 'function' } });
    expect(byFunction.sites.map((s) => s.key)).toContain('remember (app/server.py)');
    const byFile = await findLeaks(file, { sites: { by: 'filename' } });
    expect(byFile.sites.map((s) => s.key)).toEqual(['app/server.py', 'app/cache.py', 'lib/python3.11/json/decoder.py']);
    const byTraceback = await findLeaks(file, { sites: { by: 'traceback', depth: 2 } });
    expect(byTraceback.sites[0]!.key).toBe('handle (app/server.py:30); remember (app/server.py:42)');
  });

  it('leaves suppressed blocks out of sites and growth and counts them per rule', async () => {
    const r = await findLeaks(traceFile(iterationsTrace(10, true)), {
      growth: {
        suppressions: [
          { pattern: 'remember', file: 's.txt', line: 1 },
          { pattern: 'json/*', file: 's.txt', line: 2 },
          { pattern: 'nothing', file: 's.txt', line: 3 },
        ],
      },
    });
    expect(r.growth.steadyLeakSites).toBe(0);
    expect(r.totals.suppressedBlocks).toBe(30);
    expect(r.suppressions.map((s) => [s.pattern, s.blocks, s.bytes])).toEqual([
      ['remember', 10, 640],
      ['json/*', 20, 960],
      ['nothing', 0, 0],
    ]);
    expect(r.sites.map((s) => s.key)).toEqual(['warm (app/cache.py:10)']);
  });

  it('only counts the marks matching --marks as interval boundaries', async () => {
    const w = new TraceWriter();
    for (let i = 1; i <= 6; i++) {
      w.alloc(64, ['leak.py:1']);
      w.mark(`iteration ${i}`);
      w.mark('gc');
    }
    const all = await findLeaks(traceFile(w.text()));
    expect(all.growth.boundaries).toBe(12);
    const iterations = await findLeaks(traceFile(w.text()), { growth: { marks: 'iteration *' } });
    expect(iterations.growth.boundaries).toBe(6);
    expect(iterations.sites[0]!.growth.liveBytes).toEqual([0, 64, 128, 192, 256, 320, 384]);
  });
});
