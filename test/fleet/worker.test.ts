// Fleet workers against a real redis-server: a hostile job reads nothing and
// runs nothing (each is refused at once, and the worker goes on); a poison
// trace fails after the run's attempts and is listed with its error; a trace
// that cannot be read fails its job, not the run; SIGTERM lets the job in
// hand finish.

import { Queue } from 'bullmq';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, copyFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseEngineUrl } from '../../src/fleet/engine-url.js';
import { FLEET_QUEUE } from '../../src/fleet/fleet-keys.js';
import { HAVE_REDIS, startRedis, type RedisServer } from './redis-server.js';
import { killWorker, memreplay, ROOT, startWorker, until, type WorkerProcess } from './fleet-processes.js';

let redis: RedisServer;
let queue: Queue;
const workers: WorkerProcess[] = [];
const root = realpathSync(mkdtempSync(join(tmpdir(), 'memreplay-fleet-root-')));
const planted = join(tmpdir(), `memreplay-fleet-planted-${process.pid}`);

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue(FLEET_QUEUE, { connection: parseEngineUrl(redis.url).redis });
  mkdirSync(join(root, 'traces'));
  copyFileSync(join(ROOT, 'traces', 'startup-3.11.csv.gz'), join(root, 'traces', 'ok.csv.gz'));
  // A link inside the root to a file outside it.
  symlinkSync('/etc/passwd', join(root, 'traces', 'escape.csv'));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => killWorker(w)));
  await queue?.close();
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(planted, { force: true });
});

/** What a submitter writes, for `trace`, with any field replaced. */
function jobData(trace: string, change: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1,
    run: 'hostile',
    trace,
    cwd: join(root, 'traces'),
    name: 'x',
    check: { leaks: {}, budgets: {}, rules: {} },
    report: null,
    ...change,
  };
}

async function finished(id: string): Promise<{ state: string; reason: string; attempts: number }> {
  let state = '';
  await until(async () => {
    state = await queue.getJobState(id);
    return state === 'completed' || state === 'failed';
  }, 60_000, `job ${id}`);
  const job = (await queue.getJob(id))!;
  return { state, reason: job.failedReason ?? '', attempts: job.attemptsMade };
}

describe.skipIf(!HAVE_REDIS)('a fleet worker', () => {
  test('refuses every hostile job at once, reading and running nothing, and goes on with the next', async () => {
    const w = startWorker(redis.url, ['--trace-root', root]);
    workers.push(w);
    const hostile: [string, Record<string, unknown>, RegExp][] = [
      ['abs', jobData('/etc/passwd'), /^refused job: \/etc\/passwd is outside this worker's trace roots$/],
      ['dotdot', jobData('../../../../../../etc/passwd'), /is outside this worker's trace roots$/],
      ['link', jobData('escape.csv'), /^refused job: escape.csv is outside/],
      ['cwd', jobData('passwd', { cwd: '/etc' }), /^refused job: passwd is outside/],
      ['file-url', jobData('file:///etc/passwd'), /^refused job: file URLs are not read, only http and https$/],
      ['command', jobData('ok.csv.gz', { command: `touch ${planted}` }), /^refused job: unknown field "command"$/],
      ['proto', JSON.parse(`{"__proto__": {"shell": true}, "v": 1}`) as Record<string, unknown>, /^refused job: unknown field "__proto__"$/],
      ['name', jobData('ok.csv.gz', { name: '../../evil' }), /^refused job: the report name is not a plain file name$/],
      ['version', jobData('ok.csv.gz', { v: 2 }), /^refused job: version 2, this worker reads 1$/],
      ['options', jobData('ok.csv.gz', { check: 'rm -rf /' }), /^refused job: the check options are not those submit writes$/],
      ['not-object', 'hello' as unknown as Record<string, unknown>, /^refused job: its data is not an object$/],
    ];
    for (const [id, data] of hostile) await queue.add('trace', data, { jobId: `hostile-${id}`, attempts: 3 });
    for (const [id, , reason] of hostile) {
      const outcome = await finished(`hostile-${id}`);
      expect(outcome.state, id).toBe('failed');
      expect(outcome.reason, id).toMatch(reason);
      // Refused, not retried.
      expect(outcome.attempts, id).toBe(1);
    }
    expect(existsSync(planted)).toBe(false);
    // The worker is still there and runs a job that is what submit writes.
    const submit = await memreplay(['fleet', 'submit', 'ok.csv.gz', '--engine', redis.url, '--run', 'after-hostile', '--reports', 'none', '-q'], join(root, 'traces'));
    expect(submit.code).toBe(0);
    const report = await memreplay(['fleet', 'report', 'after-hostile', '--engine', redis.url, '--wait', '--json', '-q']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).traces.map((t: { file: string }) => t.file)).toEqual(['ok.csv.gz']);
    expect(await killWorker(w, 'SIGTERM')).toBe(0);
  }, 90_000);

  describe('with traces that fail', () => {
    let server: Server;
    let requests = 0;
    let base: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        requests++;
        res.writeHead(500, 'Internal Server Error').end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('a poison trace fails after the run\'s attempts, a missing one at once; both are listed and the run goes on', async () => {
      const w = startWorker(redis.url);
      workers.push(w);
      const traces = ['traces/startup-3.8.csv.gz', `${base}/poison.csv.gz?sig=s3cr3t`, 'traces/missing.csv.gz'];
      await memreplay(['fleet', 'submit', ...traces, '--engine', redis.url, '--run', 'poison', '--reports', 'none', '--attempts', '3', '-q']);
      const report = await memreplay(['fleet', 'report', 'poison', '--engine', redis.url, '--wait', '--json', '-q']);
      const local = await memreplay(['check', ...traces.filter((t) => !t.startsWith('http')), '--json']);
      expect(report.code).toBe(2);
      expect(local.code).toBe(2);
      const doc = JSON.parse(report.stdout) as { traces: { file: string }[]; failures: { file: string; error: string }[] };
      expect(doc.traces.map((t) => t.file)).toEqual(['traces/startup-3.8.csv.gz']);
      expect(doc.failures).toEqual([
        { file: `${base}/poison.csv.gz`, error: `cannot read trace ${base}/poison.csv.gz: HTTP 500 Internal Server Error` },
        ...(JSON.parse(local.stdout) as { failures: unknown[] }).failures,
      ]);
      // Bounded: exactly the three attempts reached the server.
      expect(requests).toBe(3);
      expect(report.stderr).toContain(`memreplay: cannot read trace ${base}/poison.csv.gz: HTTP 500`);
      expect(report.stderr).not.toContain('s3cr3t');
      await killWorker(w, 'SIGTERM');
    }, 90_000);
  });

  test('SIGTERM lets the job in hand finish, then the worker exits 0', async () => {
    await memreplay(['fleet', 'submit', 'traces/leak-3.11.csv.gz', '--engine', redis.url, '--run', 'sigterm', '--reports', 'none', '-q']);
    const w = startWorker(redis.url);
    workers.push(w);
    await until(async () => (await queue.getActiveCount()) === 1, 60_000, 'the job to start');
    expect(await killWorker(w, 'SIGTERM')).toBe(0);
    expect(w.log()).toContain('stopping: finishing the jobs in hand');
    expect(w.log()).toContain('done traces/leak-3.11.csv.gz');
    const status = await memreplay(['fleet', 'status', 'sigterm', '--engine', redis.url]);
    expect(status.stdout).toBe('sigterm: 1 of 1 finished (1 done, 0 failed), 0 running, 0 waiting\n');
  }, 90_000);
});
