// The batch pool: outcomes in input order whatever order tasks finish in, a
// failing input fails alone, in-process and worker runs agree, and worker
// trouble surfaces as clear errors.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchOutcome } from '../../src/batch/outcome.js';
import { runBatch, type BatchProgress } from '../../src/batch/pool.js';
import { registerTask } from '../../src/batch/task-registry.js';
import { UsageError } from '../../src/errors.js';
// The commands' tasks (analyze among them) are registered by the drivers' folder.
import '../../src/run/tasks.js';

registerTask('test-echo', new URL('./fixtures/echo-task.js', import.meta.url));
registerTask('test-broken', new URL('./fixtures/broken-task.js', import.meta.url));

interface Echo {
  name: string;
  threadId: number;
  options: unknown;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'cpython-traces');

/** Records the order tasks start and finish in. */
function recorder(): BatchProgress & { finished: number[]; started: number[]; progressed: Set<number> } {
  const r = {
    finished: [] as number[],
    started: [] as number[],
    progressed: new Set<number>(),
    start: () => undefined,
    taskStarted: (i: number) => void r.started.push(i),
    taskProgress: (i: number) => void r.progressed.add(i),
    taskDone: (i: number) => void r.finished.push(i),
    finish: () => undefined,
  };
  return r;
}

const names = (outcomes: BatchOutcome<unknown>[]): string[] => outcomes.map((o) => (o.ok ? (o.result as Echo).name : `!${o.input}`));

describe('runBatch', () => {
  it('returns outcomes in input order when later inputs finish first', async () => {
    // a and b wait for a file the main thread writes once it has seen c done:
    // they cannot be seen finishing before c, whatever the timing. (c writing
    // the file itself would race: a's "done" may reach the main thread first.)
    const flag = join(mkdtempSync(join(tmpdir(), 'memreplay-pool-')), 'c-done');
    const inputs = [`a:await=${flag}`, `b:await=${flag}`, 'c', 'd'];
    const progress = recorder();
    const taskDone = progress.taskDone;
    progress.taskDone = (i, outcome) => {
      taskDone(i, outcome);
      if (i === 2) writeFileSync(flag, '');
    };
    const inOrder: number[] = [];
    const outcomes = await runBatch<object, Echo>({
      task: 'test-echo',
      inputs,
      options: { top: 3 },
      jobs: 3,
      progress,
      onOutcome: (_o, i) => inOrder.push(i),
    });
    expect(names(outcomes)).toEqual(['a', 'b', 'c', 'd']);
    // The point of the test: they did finish out of order.
    expect(progress.finished.indexOf(0)).toBeGreaterThan(progress.finished.indexOf(2));
    expect(progress.finished.indexOf(1)).toBeGreaterThan(progress.finished.indexOf(2));
    expect(inOrder).toEqual([0, 1, 2, 3]);
    expect([...progress.progressed].sort()).toEqual([0, 1, 2, 3]);
    for (const o of outcomes) {
      expect(o.ok && (o.result as Echo).threadId).not.toBe(0); // ran on a worker thread
      expect(o.ok && (o.result as Echo).options).toEqual({ top: 3 });
    }
  });

  it('gives workers the biggest files first, and still returns outcomes in input order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memreplay-pool-'));
    const inputs = [10, 3000, 0, 200, 3000].map((n, i) => {
      const file = join(dir, `f${i}`);
      writeFileSync(file, Buffer.alloc(n));
      return file;
    });
    const progress = recorder();
    const outcomes = await runBatch<object, Echo>({ task: 'test-echo', inputs: [...inputs, join(dir, 'missing')], options: {}, jobs: 2, progress });
    expect(progress.started).toEqual([1, 4, 3, 0, 2, 5]);
    expect(outcomes.map((o) => o.input)).toEqual([...inputs, join(dir, 'missing')]);
  });

  it('runs in this thread with jobs=1, in input order', async () => {
    const progress = recorder();
    const outcomes = await runBatch<object, Echo>({ task: 'test-echo', inputs: ['a:sleep=20', 'b', 'c'], options: {}, jobs: 1, progress });
    expect(names(outcomes)).toEqual(['a', 'b', 'c']);
    expect(progress.finished).toEqual([0, 1, 2]);
    for (const o of outcomes) expect(o.ok && (o.result as Echo).threadId).toBe(0);
  });

  it('runs a single input in this thread even with more jobs (a worker would only cost a start-up)', async () => {
    const [o] = await runBatch<object, Echo>({ task: 'test-echo', inputs: ['solo'], options: {}, jobs: 4 });
    expect(o!.ok && (o!.result as Echo).threadId).toBe(0);
  });

  for (const jobs of [1, 2]) {
    it(`with jobs=${jobs}, a failing input fails alone with its message and the rest go on`, async () => {
      const outcomes = await runBatch<object, Echo>({ task: 'test-echo', inputs: ['a', 'bad:fail', 'c', 'oops:bug', 'e'], options: {}, jobs });
      expect(names(outcomes)).toEqual(['a', '!bad:fail', 'c', '!oops:bug', 'e']);
      expect(outcomes[1]).toEqual({ input: 'bad:fail', ok: false, error: { message: 'bad: this input is bad', internal: false } });
      const bug = outcomes[3]!;
      expect(bug.ok).toBe(false);
      if (bug.ok) return;
      expect(bug.error.internal).toBe(true);
      expect(bug.error.message).toBe('internal error while processing oops:bug: x is not a function');
      expect(bug.error.stack).toMatch(/TypeError/);
    });
  }

  it('gives the same results for jobs=1 and jobs=2 on real traces, a missing file failing alone', async () => {
    const inputs = [
      join(FIXTURES, 'startup-3.8.csv.gz'),
      join(FIXTURES, 'no-such-trace.csv'),
      join(FIXTURES, 'startup-3.12.csv.gz'),
      join(FIXTURES, 'startup-3.13.csv.gz'),
    ];
    const options = { sites: { top: 5 }, trace: { lenient: false } };
    const one = await runBatch({ task: 'analyze', inputs, options, jobs: 1 });
    const two = await runBatch({ task: 'analyze', inputs, options, jobs: 2 });
    expect(two).toEqual(one);
    expect(one.map((o) => o.ok)).toEqual([true, false, true, true]);
    expect(!one[1]!.ok && one[1]!.error).toEqual({ message: `cannot read trace ${inputs[1]}: no such file`, internal: false });
    expect(one[2]!.ok && (one[2]!.result as { python: { version: string } }).python.version).toBe('3.12');
  });

  it('fails a task whose worker dies as an internal error naming the input, and replaces the worker', async () => {
    const outcomes = await runBatch<object, Echo>({
      task: 'test-echo',
      inputs: ['a:sleep=50', 'dies:crash', 'c', 'd', 'e'],
      options: {},
      jobs: 2,
    });
    expect(names(outcomes)).toEqual(['a', '!dies:crash', 'c', 'd', 'e']);
    const dead = outcomes[1]!;
    expect(!dead.ok && dead.error).toMatchObject({
      internal: true,
      message: 'internal error while processing dies:crash: the worker thread stopped (exit code 7)',
    });
  });

  it('fails a task whose worker ran out of heap as out of memory, not a bug, under node --max-old-space-size', () => {
    // In a process of its own: the workers get its heap limit (not the flag, which they refuse).
    const script = `
      import { registerTask } from './dist/src/batch/task-registry.js';
      import { runBatch } from './dist/src/batch/pool.js';
      registerTask('test-echo', new URL('./test/batch/fixtures/echo-task.js', import.meta.url));
      const outcomes = await runBatch({ task: 'test-echo', inputs: ['a', 'big:hog', 'c'], options: {}, jobs: 2 });
      process.stdout.write(JSON.stringify(outcomes.map((o) => (o.ok ? o.result.name : o.error))));
    `;
    const root = join(__dirname, '..', '..');
    const r = spawnSync(process.execPath, ['--max-old-space-size=64', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [a, big, c] = JSON.parse(r.stdout) as [string, { message: string; internal: boolean }, string];
    expect([a, c]).toEqual(['a', 'c']);
    expect(big.internal).toBe(false);
    expect(big.message).toMatch(/^out of memory: big:hog: Worker terminated due to reaching memory limit: JS heap out of memory; free memory or raise the process limits/);
  });

  it('fails a task whose result cannot leave the worker as an internal error', async () => {
    const outcomes = await runBatch<object, Echo>({ task: 'test-echo', inputs: ['a', 'f:uncloneable'], options: {}, jobs: 2 });
    expect(outcomes[0]!.ok).toBe(true);
    const f = outcomes[1]!;
    expect(!f.ok && f.error.internal).toBe(true);
    expect(!f.ok && f.error.message).toMatch(/^internal error while processing f:uncloneable: its result cannot be sent from the worker/);
  });

  it('stops with a clear error when workers cannot load the task module', async () => {
    await expect(runBatch({ task: 'test-broken', inputs: ['a', 'b'], options: {}, jobs: 2 })).rejects.toThrow(
      /^cannot start a worker for the test-broken task: this module is broken on purpose/,
    );
    await expect(runBatch({ task: 'test-broken', inputs: ['a'], options: {}, jobs: 1 })).rejects.toThrow(/broken on purpose/);
  });

  it('names the registered tasks when asked for an unknown one', async () => {
    const run = runBatch({ task: 'nope', inputs: ['a'], options: {} });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(/no batch task named "nope"; registered: analyze, /);
  });

  it('rejects a jobs count that is not a whole number >= 1', async () => {
    await expect(runBatch({ task: 'test-echo', inputs: ['a'], options: {}, jobs: 0 })).rejects.toThrow(/jobs must be/);
  });

  it('lets a throwing onOutcome stop the batch with its error', async () => {
    const run = runBatch({
      task: 'test-echo',
      inputs: ['a', 'b', 'c:sleep=200'],
      options: {},
      jobs: 2,
      onOutcome: () => {
        throw new Error('consumer failed');
      },
    });
    await expect(run).rejects.toThrow('consumer failed');
  });

  it('returns nothing for no inputs', async () => {
    expect(await runBatch({ task: 'test-echo', inputs: [], options: {} })).toEqual([]);
  });
});
