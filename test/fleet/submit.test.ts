// fleet submit is idempotent: a trace submitted again to a run, by any
// spelling, is the same job and is listed once; the run keeps the order of
// first submission and gives each trace a report name of its own, as a local
// batch does; a run's options are set once.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseEngineUrl } from '../../src/fleet/engine-url.js';
import { runKeys } from '../../src/fleet/fleet-keys.js';
import { fleetJobId } from '../../src/fleet/submit.js';
import { uniqueReportNames } from '../../src/io/report-names.js';
import { REPORT_INDEX } from '../../src/run/report-batch.js';
import { HAVE_REDIS, startRedis, type RedisServer } from './redis-server.js';
import { memreplay } from './fleet-processes.js';

describe('fleetJobId', () => {
  test('depends on the run, the trace and the options, and has no colon', () => {
    const id = fleetJobId('nightly', '/data/a.csv', 'o1');
    expect(id).toMatch(/^nightly-[0-9a-f]{32}$/);
    expect(fleetJobId('nightly', '/data/a.csv', 'o1')).toBe(id);
    expect(new Set([id, fleetJobId('nightly2', '/data/a.csv', 'o1'), fleetJobId('nightly', '/data/b.csv', 'o1'), fleetJobId('nightly', '/data/a.csv', 'o2')]).size).toBe(4);
  });
});

describe.skipIf(!HAVE_REDIS)('fleet submit', () => {
  let redis: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(parseEngineUrl(redis.url).redis);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  const submit = (args: string[]) => memreplay(['fleet', 'submit', ...args, '--engine', redis.url, '--run', 'idem', '--reports', 'md']);

  test('adds a trace once, whatever its spelling, in the order of first submission', async () => {
    const first = await submit(['traces/startup-3.8.csv.gz']);
    expect(first.stderr).toBe('run idem: 1 job added, 0 already there; 1 in the run\n');
    const again = await submit(['./traces/startup-3.8.csv.gz', 'traces/../traces/startup-3.8.csv.gz', 'traces/startup-3.11.csv.gz']);
    expect(again.stderr).toBe('run idem: 1 job added, 1 already there; 2 in the run\n');
    const all = await submit(['traces', 'test/fixtures/cpython-traces/startup-3.11.csv.gz']);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('run idem: 5 jobs added, 2 already there; 7 in the run\n');
    const ids = await client.lrange(runKeys('idem').jobs, 0, -1);
    expect(ids).toHaveLength(7);
    expect(await client.llen('bull:memreplay-fleet:wait')).toBe(7);
    const data = await Promise.all(ids.map(async (id) => JSON.parse((await client.hget(`bull:memreplay-fleet:${id}`, 'data'))!) as { trace: string; name: string }));
    const traces = data.map((d) => d.trace);
    expect(traces).toEqual([
      'traces/startup-3.8.csv.gz',
      'traces/startup-3.11.csv.gz',
      'traces/churn-3.11.csv.gz',
      'traces/leak-3.11.csv.gz',
      'traces/reclaim-3.11.csv.gz',
      'traces/startup-3.13.csv.gz',
      'test/fixtures/cpython-traces/startup-3.11.csv.gz',
    ]);
    // The names a local batch over the same traces would give (the second startup-3.11 is startup-3.11-2).
    expect(data.map((d) => d.name)).toEqual(uniqueReportNames(traces, [REPORT_INDEX]));
  });

  test('refuses other options for a run that has some, naming what to do', async () => {
    const other = await memreplay(['fleet', 'submit', 'traces/startup-3.8.csv.gz', '--engine', redis.url, '--run', 'idem', '--max-arenas', '3']);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe('memreplay: run idem was submitted with other options (budgets, config, reports or trace options); submit these under another --run name\n');
  });

  test('refuses stdin, a bad run name and a missing engine in one line each', async () => {
    expect((await memreplay(['fleet', 'submit', '-', '--engine', redis.url, '--run', 'x'])).stderr).toBe('memreplay: fleet submit: a worker cannot read this stdin; give files or URLs\n');
    expect((await memreplay(['fleet', 'submit', 'traces', '--engine', redis.url, '--run', 'a:b'])).stderr).toMatch(/^memreplay: --run "a:b": a run name is 1-100 letters/);
    const none = await memreplay(['fleet', 'status', 'x']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('memreplay: give the engine: --engine redis://host:6379 (or set MEMREPLAY_ENGINE)\n');
  });
});
