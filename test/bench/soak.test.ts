// The soak (npm run bench -- --soak) at a tiny size, so its code path cannot
// rot between the rare full-size runs: the trace it generates must replay
// exactly and have the shape the soak promises (a long-lived population,
// bursts freed together, arenas released and taken again, call sites), and
// every command must run in its own process and be measured.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSoak, runSoakCommand, SOAK_COMMANDS, soakShape, type SoakTrace } from '../../bench/soak.js';
import { meanBlockBytes, SyntheticTrace } from '../../bench/synthetic-trace.js';
import { memreplay, ROOT } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'memreplay-soak-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench soak', () => {
  it('generates a trace with a big heap for its size, runs every command on it and measures each', async () => {
    const lines: string[] = [];
    const heapBytes = 2 * 2 ** 20;
    const { trace, rows } = await runSoak({
      events: 30_000,
      heapBytes,
      commands: SOAK_COMMANDS,
      seed: 3,
      repo: ROOT,
      traceDir: dir,
      log: (l) => lines.push(l),
    });
    const s = trace.stats;
    expect(s.peakLiveBlockBytes).toBeGreaterThanOrEqual(heapBytes);
    expect(rows.map((r) => r.command)).toEqual([...SOAK_COMMANDS]);
    for (const r of rows) {
      expect(r.ok, `${r.command}: exit ${r.exit} ${r.error}`).toBe(true);
      expect(r.peakRssBytes).toBeGreaterThan(20 * 2 ** 20);
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.eventsPerSecond).toBeCloseTo(trace.events / r.seconds);
    }

    // Exact replay, every record counted, the call sites seen.
    const a = memreplay(['analyze', trace.path]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/anomalies: none/);
    const model = /model check: ([\d,]+) of ([\d,]+) pymalloc addresses predicted; arenas (\d+) from trace, (\d+) releases confirmed, 0 mismatches/.exec(a.stdout);
    expect(model).not.toBeNull();
    expect(model![1]).toBe(model![2]);
    expect(Number(model![3])).toBe(s.arenaAlloc);
    expect(Number(model![4])).toBe(s.arenaFree);
    expect(a.stdout).toMatch(/stacks 32/);
    expect(a.stdout).toMatch(/service\/cache\.py:\d+/);

    // A second soak with the same parameters reuses the trace.
    const again = await runSoak({ events: 30_000, heapBytes, commands: [], seed: 3, repo: ROOT, traceDir: dir, log: (l) => lines.push(l) });
    expect(again.trace.path).toBe(trace.path);
    expect(lines.some((l) => l.startsWith('cached trace: '))).toBe(true);
  });

  it('frees its bursts together, so arenas are released and taken again', () => {
    // A heap of a few arenas has none that only a burst's blocks fill; 10 MiB has.
    const gen = new SyntheticTrace(300_000, 2, soakShape(300_000, 10 * 2 ** 20));
    while (gen.nextChunk() !== null);
    const s = gen.stats;
    expect(s.massFrees).toBeGreaterThan(1);
    expect(s.arenaFree).toBeGreaterThan(0);
    expect(s.arenaAlloc).toBeGreaterThan(s.peakArenas); // released arenas were taken again
    expect(s.peakLiveBlockBytes).toBeGreaterThanOrEqual(10 * 2 ** 20);
    expect(s.free).toBeGreaterThan(0.4 * s.alloc); // most blocks die
  });

  it('reports a command that fails on the trace with its exit code and first error line', () => {
    const path = join(dir, 'broken.csv');
    writeFileSync(path, 'op,addr,size\nalloc,0x10,notasize\n');
    const trace = { path, events: 1 } as SoakTrace;
    const row = runSoakCommand('leaks', trace, ROOT, dir);
    expect(row.ok).toBe(false);
    expect(row.exit).toBe(2);
    expect(row.error).toMatch(/broken\.csv:2/);
  });

  it('scales the workload to the heap: most blocks of 64-160 bytes, the long-lived population 90 % of the peak', () => {
    const mean = meanBlockBytes('soak');
    expect(mean).toBeGreaterThan(64);
    expect(mean).toBeLessThan(160);
    const shape = soakShape(100_000_000, 2 * 2 ** 30);
    expect(shape.baseLive * mean).toBeGreaterThan(0.85 * 2 * 2 ** 30);
    expect((shape.baseLive + shape.cohortMin + shape.cohortSpan) * mean).toBeGreaterThan(1.1 * 2 * 2 ** 30);
    expect(shape.markEvery).toBe(500_000);
  });

  it('leaves the bench traces (generator v1) byte for byte as they were', () => {
    const gen = new SyntheticTrace(300_000, 7);
    const h = createHash('sha256');
    for (let c = gen.nextChunk(); c !== null; c = gen.nextChunk()) h.update(c);
    // The digest of v1's output before the soak's shapes were added.
    expect(h.digest('hex')).toBe('4bc92250bd488a49121d046c475be4bc9c6a3c88e6eefbe393653429e1101452');
  });
});
