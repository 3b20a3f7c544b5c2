// fleet forget: a run's jobs, results and records leave the engine, and the
// same traces can be submitted afresh under that name.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseEngineUrl } from '../../src/fleet/engine-url.js';
import { HAVE_REDIS, startRedis, type RedisServer } from './redis-server.js';
import { memreplay } from './fleet-processes.js';

describe.skipIf(!HAVE_REDIS)('fleet forget', () => {
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

  test("removes the run's jobs and records, and leaves other runs alone", async () => {
    const traces = ['traces/startup-3.8.csv.gz', 'traces/startup-3.13.csv.gz'];
    await memreplay(['fleet', 'submit', ...traces, '--engine', redis.url, '--run', 'old', '-q']);
    await memreplay(['fleet', 'submit', traces[0]!, '--engine', redis.url, '--run', 'kept', '-q']);
    const before = await client.keys('*');
    expect(before.filter((k) => k.includes('old'))).not.toEqual([]);

    const forget = await memreplay(['fleet', 'forget', 'old', '--engine', redis.url]);
    expect(forget.code).toBe(0);
    expect(forget.stderr).toBe('run old: forgotten (2 jobs removed)\n');
    expect((await client.keys('*')).filter((k) => k.includes('old'))).toEqual([]);
    const gone = await memreplay(['fleet', 'status', 'old', '--engine', redis.url]);
    expect(gone.stderr).toBe(`memreplay: no run named old at engine ${redis.url} (submit it with memreplay fleet submit --run old)\n`);
    expect((await memreplay(['fleet', 'status', 'kept', '--engine', redis.url])).stdout).toBe('kept: 0 of 1 finished (0 done, 0 failed), 0 running, 1 waiting\n');

    const again = await memreplay(['fleet', 'submit', ...traces, '--engine', redis.url, '--run', 'old']);
    expect(again.stderr).toBe('run old: 2 jobs added, 0 already there; 2 in the run\n');
  });
});
