// The "Done when": a submit of the sample traces and the shared
// CPython traces, run by two workers against a real redis-server, gives a
// `fleet report --json` byte-identical to a local `check --json` over the
// same traces - with one worker SIGKILLed in the middle of a job, another
// joining, the killed job handed back and counted once, and the results still
// there once every worker has left. The report directory (per-trace reports
// and the index) is the one `report` writes.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HAVE_REDIS, startRedis, type RedisServer } from './redis-server.js';
import { killWorker, memreplay, ROOT, startWorker, until, type WorkerProcess } from './fleet-processes.js';

/** The shared traces beside the repository (CI's clone has ../shared), else the repository's copy of them. */
const SHARED = existsSync(join(ROOT, '..', 'shared', 'cpython-traces')) ? join('..', 'shared', 'cpython-traces') : join('test', 'fixtures', 'cpython-traces');

let redis: RedisServer;
const workers: WorkerProcess[] = [];
const out = mkdtempSync(join(tmpdir(), 'memreplay-fleet-report-'));

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(workers.map((w) => killWorker(w)));
  await redis?.stop();
  rmSync(out, { recursive: true, force: true });
});

async function status(run: string): Promise<{ total: number; done: number; failed: number; running: number; waiting: number }> {
  const r = await memreplay(['fleet', 'status', run, '--engine', redis.url, '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { total: number; done: number; failed: number; running: number; waiting: number };
}

function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

describe.skipIf(!HAVE_REDIS)('fleet report', () => {
  test(
    'equals check --json over the sample and shared traces, with a worker SIGKILLed mid-job and another joining',
    async () => {
      const traces = ['traces', SHARED];
      const local = memreplay(['check', ...traces, '--json', '--jobs', '1']);
      const submit = await memreplay(['fleet', 'submit', ...traces, '--engine', redis.url, '--run', 'done-when', '--reports', 'none']);
      expect(submit.stderr).toMatch(/^run done-when: \d+ jobs added, 0 already there; \d+ in the run\n$/);
      const total = (await status('done-when')).total;
      expect(total).toBeGreaterThanOrEqual(18);

      const roots = ['--trace-root', '.', '--trace-root', SHARED];
      const a = startWorker(redis.url, roots);
      const b = startWorker(redis.url, roots);
      workers.push(a, b);
      // Mid-run: some traces done, both workers holding one.
      await until(async () => {
        const s = await status('done-when');
        return s.done >= 2 && s.running === 2;
      }, 60_000, 'both workers busy after two traces');
      expect(await killWorker(a, 'SIGKILL')).toBe('SIGKILL');
      const c = startWorker(redis.url, roots);
      workers.push(c);

      const waited = await memreplay(['fleet', 'report', 'done-when', '--engine', redis.url, '--json', '--wait']);
      const mine = await local;
      expect(waited.stdout).toBe(mine.stdout);
      expect(waited.code).toBe(mine.code);
      expect(waited.stderr).toMatch(/done-when: \d+ of \d+ finished/);

      // The killed worker's job was handed back by another worker and analyzed once: every trace is reported done exactly once.
      expect(b.log() + c.log()).toMatch(/handed back job done-when-/);
      const doneLines = (a.log() + b.log() + c.log()).split('\n').filter((l) => l.startsWith('done '));
      expect(doneLines.length).toBe(total);
      expect(new Set(doneLines).size).toBe(total);

      // The results are the engine's: with every worker gone, the report is the same.
      expect(await killWorker(b, 'SIGTERM')).toBe(0);
      expect(await killWorker(c, 'SIGTERM')).toBe(0);
      expect(await status('done-when')).toEqual({ run: 'done-when', total, done: total, failed: 0, running: 0, waiting: 0 });
      const again = await memreplay(['fleet', 'report', 'done-when', '--engine', redis.url, '--json']);
      expect(again.stdout).toBe(mine.stdout);
    },
    180_000,
  );

  test('writes the directory report writes: each trace report and the index, byte for byte', async () => {
    const traces = ['traces/startup-3.8.csv.gz', 'traces/startup-3.13.csv.gz'];
    const w = startWorker(redis.url);
    workers.push(w);
    await memreplay(['fleet', 'submit', ...traces, '--engine', redis.url, '--run', 'md-reports', '--reports', 'md', '-q']);
    const fleetDir = join(out, 'fleet');
    const localDir = join(out, 'local');
    const [fleet, local] = await Promise.all([
      memreplay(['fleet', 'report', 'md-reports', '--engine', redis.url, '--wait', '-o', fleetDir, '--junit', join(out, 'fleet.xml'), '-q']),
      memreplay(['report', ...traces, '--format', 'md', '-o', localDir, '-q', '--jobs', '1']),
    ]);
    const check = await memreplay(['check', ...traces, '--junit', join(out, 'local.xml')]);
    expect(fleet.code).toBe(check.code);
    expect(fleet.stdout).toBe(check.stdout);
    expect(local.code).toBe(0);
    const fleetFiles = tree(fleetDir);
    expect([...fleetFiles.keys()].sort()).toEqual(['index.md', 'startup-3.13.md', 'startup-3.8.md']);
    expect(fleetFiles).toEqual(tree(localDir));
    expect(readFileSync(join(out, 'fleet.xml'), 'utf8')).toBe(readFileSync(join(out, 'local.xml'), 'utf8'));
    await killWorker(w, 'SIGTERM');
  }, 90_000);

  test('a trace whose report cannot be made keeps its check, and only its report is listed as failed', async () => {
    // A presigned URL that works once: the check reads it, the report's replays find it gone.
    let served = false;
    const server = createServer((req, res) => {
      if (served) return res.writeHead(404, 'Not Found').end();
      served = true;
      res.end(readFileSync(join(ROOT, 'traces', 'startup-3.11.csv.gz')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/once.csv.gz`;
    try {
      const traces = [`${url}?X-Amz-Signature=1`, 'traces/startup-3.8.csv.gz'];
      const w = startWorker(redis.url);
      workers.push(w);
      await memreplay(['fleet', 'submit', ...traces, '--engine', redis.url, '--run', 'report-fails', '--reports', 'md', '-q']);
      const dir = join(out, 'report-fails');
      const fleet = await memreplay(['fleet', 'report', 'report-fails', '--engine', redis.url, '--wait', '--json', '-o', dir, '-q']);
      await killWorker(w, 'SIGTERM');
      served = false;
      const local = await memreplay(['check', ...traces, '--json']);
      expect(fleet.stdout).toBe(local.stdout);
      expect(JSON.parse(fleet.stdout).traces).toHaveLength(2);
      // The report failed, so the exit code is report's 2, with the reason on stderr and in the index.
      expect(fleet.code).toBe(2);
      expect(fleet.stderr).toBe(`memreplay: cannot read trace ${url}: HTTP 404 Not Found\n`);
      expect([...tree(dir).keys()].sort()).toEqual(['index.md', 'startup-3.8.md']);
      expect(readFileSync(join(dir, 'index.md'), 'utf8')).toMatch(/## Failed\n\n- http.*once\.csv\.gz: cannot read trace .*once\.csv\.gz: HTTP 404 Not Found\n/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 90_000);

  test('an unfinished run without --wait is an error saying how many jobs remain; an unknown run says so', async () => {
    await memreplay(['fleet', 'submit', 'traces/startup-3.11.csv.gz', '--engine', redis.url, '--run', 'nobody-works', '-q']);
    const r = await memreplay(['fleet', 'report', 'nobody-works', '--engine', redis.url, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('memreplay: run nobody-works is not finished: 1 of 1 jobs remain (0 running, 1 waiting); pass --wait to wait for them\n');
    const unknown = await memreplay(['fleet', 'report', 'never-submitted', '--engine', redis.url]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`memreplay: no run named never-submitted at engine ${redis.url} (submit it with memreplay fleet submit --run never-submitted)\n`);
  });
});
