// What each test keeps, from hand-written traces with the plugin's marks: the
// windows a block must be allocated in, wider fixtures left out, the growth
// over repetitions, the peak, and a test the run stopped inside.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PerTestObserver, type TestMeasure } from '../../src/analyzers/per-test.js';
import { ImportContext } from '../../src/import/import-context.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import { tempDir } from '../cli/helpers.js';
import { TraceWriter } from './trace-writer.js';

async function measures(w: TraceWriter): Promise<TestMeasure[]> {
  const file = join(tempDir(), 't.csv');
  writeFileSync(file, w.text());
  const ctx = new ImportContext('t.csv', false);
  const observer = new PerTestObserver(ctx);
  const { replayer } = await replayTrace(file, { context: ctx, observers: [observer] });
  return observer.results(replayer);
}

const TEST = 'tests/test_a.py::test_f';

/** One test: setup (with `inSetup`), `reps` calls (each with `perCall`), teardown, end. */
function oneTest(w: TraceWriter, reps: number, perCall: (k: number) => void, inSetup: () => void = () => {}): void {
  w.mark(`test:setup:begin ${TEST}`);
  inSetup();
  w.mark(`test:setup:end ${TEST}`);
  for (let k = 1; k <= reps; k++) {
    w.mark(`test:call#${k}:begin ${TEST}`);
    perCall(k);
    w.mark(`test:call#${k}:end ${TEST}`);
  }
  w.mark(`test:teardown:begin ${TEST}`);
  w.mark(`test:teardown:end ${TEST}`);
}

describe('per-test measures', () => {
  it('counts blocks allocated in the phases and live at test:end, by site; not those between phases or freed', async () => {
    const w = new TraceWriter();
    w.alloc(100, ['before (app/a.py:1)']);
    oneTest(w, 1, () => {
      w.alloc(64, ['f (app/a.py:10)']);
      w.free(w.alloc(32, ['g (app/a.py:11)']));
    });
    // pytest's report, between the teardown and the end: not the test's.
    w.alloc(200, ['makereport (pytest/runner.py:5)']);
    w.mark(`test:end ${TEST}`);
    const [m] = await measures(w);
    expect(m).toMatchObject({ nodeid: TEST, repetitions: 1, complete: true, retainedBytes: 64, retainedBlocks: 1 });
    expect(m!.topSites.map((s) => [s.location?.file, s.location?.line, s.bytes])).toEqual([['app/a.py', 10, 64]]);
  });

  it('leaves what a wider fixture allocates to the fixture', async () => {
    const w = new TraceWriter();
    oneTest(
      w,
      1,
      () => {},
      () => {
        w.mark('fixture:setup:begin:session db');
        w.alloc(4000, ['db (conftest.py:3)']);
        w.mark('fixture:setup:end:session db');
        w.alloc(48, ['request (pytest/fixtures.py:9)']);
      },
    );
    w.mark(`test:end ${TEST}`);
    const [m] = await measures(w);
    expect(m!.retainedBytes).toBe(48);
  });

  it('calls a site that grows after every repetition a steady-state leak, and a cache filled once not', async () => {
    const w = new TraceWriter();
    oneTest(w, 4, (k) => {
      w.alloc(128, ['handle (app/a.py:20)']);
      if (k === 1) w.alloc(512, ['cache (app/a.py:30)']);
    });
    w.mark(`test:end ${TEST}`);
    const [m] = await measures(w);
    expect(m!.leakSites.map((s) => s.location?.line)).toEqual([20]);
    expect(m!.leakSites[0]!.bytesPerRepetition).toBeCloseTo(128, 9);
    // Filled in the first repetition, then flat: the rule's bounded cache.
    expect(m!.topSites.find((s) => s.location?.line === 30)!.growth).toBe('bounded');
    expect(m!.retainedBytes).toBe(4 * 128 + 512);
  });

  it('reads a test:repeat mark without changing what the test keeps (a test run once has no growth verdict)', async () => {
    const w = new TraceWriter();
    w.mark(`test:repeat=1 ${TEST}`);
    oneTest(w, 1, () => w.alloc(128, ['handle (app/a.py:20)']));
    w.mark(`test:end ${TEST}`);
    const [m] = await measures(w);
    expect(m).toMatchObject({ repetitions: 1, retainedBytes: 128, leakSites: [] });
    expect(m!.topSites[0]!.growth).toBeNull();
  });

  it('keeps the peak above what was live when the test began, and its limits', async () => {
    const w = new TraceWriter();
    w.alloc(10_000, ['before (app/a.py:1)']);
    w.mark(`test:limit_leaks=4KiB ${TEST}`);
    oneTest(w, 1, () => {
      const a = w.alloc(300, ['f (app/a.py:10)']);
      const b = w.alloc(200, ['f (app/a.py:10)']);
      w.free(a);
      w.free(b);
      w.alloc(100, ['f (app/a.py:10)']);
    });
    w.mark(`test:end ${TEST}`);
    const [m] = await measures(w);
    expect(m!.peakBytes).toBe(500);
    expect(m!.limits).toEqual({ limit_leaks: '4KiB' });
  });

  it('ends a test the run stopped inside as incomplete', async () => {
    const w = new TraceWriter();
    w.mark(`test:setup:begin ${TEST}`);
    w.mark(`test:setup:end ${TEST}`);
    w.mark(`test:call#1:begin ${TEST}`);
    w.alloc(64, ['f (app/a.py:10)']);
    const [m] = await measures(w);
    expect(m).toMatchObject({ complete: false, retainedBytes: 64 });
  });

  it('leaves what a wider fixture allocates in its teardown (inside the last test\'s teardown) to the fixture', async () => {
    const w = new TraceWriter();
    w.mark(`test:setup:begin ${TEST}`);
    w.mark(`test:setup:end ${TEST}`);
    w.mark(`test:call#1:begin ${TEST}`);
    w.mark(`test:call#1:end ${TEST}`);
    w.mark(`test:teardown:begin ${TEST}`);
    w.alloc(40, ['finalize (tests/conftest.py:9)']);
    w.mark('fixture:teardown:begin:module tree');
    w.alloc(3000, ['tree (tests/test_a.py:5)']);
    w.mark('fixture:teardown:end:module tree');
    w.alloc(24, ['finalize (tests/conftest.py:10)']);
    w.mark(`test:teardown:end ${TEST}`);
    w.mark(`test:end ${TEST}`);
    const [m] = await measures(w);
    expect(m!.retainedBytes).toBe(64);
  });

  it('reads where the test function is from its test:at mark', async () => {
    const w = new TraceWriter();
    w.mark(`test:at=tests/test_a.py:7 ${TEST}`);
    oneTest(w, 1, () => {});
    w.mark(`test:end ${TEST}`);
    w.mark('test:setup:begin tests/test_a.py::test_g');
    w.mark('test:end tests/test_a.py::test_g');
    const [m, g] = await measures(w);
    expect(m!.location).toEqual({ file: 'tests/test_a.py', line: 7 });
    expect(g!.location).toBeNull();
  });

  it('follows the arenas, the bytes in pymalloc blocks and the C-library bytes: their values at the test\'s start and their highest while it ran', async () => {
    const w = new TraceWriter();
    w.alloc(2000, ['before (app/a.py:1)']);
    oneTest(w, 1, () => {
      // 20,000 blocks of 64 bytes: more than one arena of any version.
      const held: number[] = [];
      for (let i = 0; i < 20_000; i++) held.push(w.alloc(64, ['f (app/a.py:10)']));
      const big = w.alloc(100_000, ['g (app/a.py:11)']);
      for (const a of held) w.free(a);
      w.free(big);
    });
    w.mark(`test:end ${TEST}`);
    const [m] = await measures(w);
    expect(m!.peaks.system_bytes).toEqual({ atStart: 2000, highest: 102_000 });
    expect(m!.peaks.block_bytes).toEqual({ atStart: 0, highest: 20_000 * 64 });
    expect(m!.peaks.arenas.atStart).toBe(0);
    expect(m!.peaks.arenas.highest).toBeGreaterThan(1);
  });
});
