// --engine: Redis URLs only, the password sent when the URL has one and
// never shown; against a real redis-server that requires a password, a
// missing or wrong one is one line and exit 2, the right one works.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseEngineUrl, shownUrl } from '../../src/fleet/engine-url.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAVE_REDIS, makeTlsFiles, OPENSSL, startRedis, type RedisServer, type TlsFiles } from './redis-server.js';
import { killWorker, memreplay, startWorker } from './fleet-processes.js';

describe('parseEngineUrl', () => {
  test('reads host, port, database, user and password; rediss:// asks for TLS', () => {
    expect(parseEngineUrl('redis://queue.internal').redis).toEqual({ host: 'queue.internal', port: 6379 });
    expect(parseEngineUrl('redis://memreplay:p%40ss@10.0.0.5:6380/2').redis).toEqual({ host: '10.0.0.5', port: 6380, db: 2, username: 'memreplay', password: 'p@ss' });
    expect(parseEngineUrl('rediss://:pw@redis.example.com:6390').redis).toEqual({ host: 'redis.example.com', port: 6390, password: 'pw', tls: { servername: 'redis.example.com' } });
  });

  test('never shows the password', () => {
    expect(parseEngineUrl('redis://u:hunter2@h:1').shown).toBe('redis://u:***@h:1');
    expect(shownUrl('rediss://:hunter2@h')).toBe('rediss://:***@h');
    expect(shownUrl('redis://h:6379')).toBe('redis://h:6379');
  });

  test('refuses what is not a Redis URL, in one line naming it', () => {
    expect(() => parseEngineUrl('http://h:6379')).toThrow('--engine http://h:6379: the engine is Redis; give a redis:// or rediss:// URL (http: is not one)');
    expect(() => parseEngineUrl('localhost:6379')).toThrow(/the engine is Redis/);
    expect(() => parseEngineUrl('not a url')).toThrow('--engine "not a url": not a URL; give redis://[user:password@]host[:port][/db] or rediss:// for TLS');
    expect(() => parseEngineUrl('redis://u:secret@h/queue')).toThrow('--engine redis://u:***@h/queue: the path is the database number (0-15), not "queue"');
  });

  test('a private CA for rediss:// comes from MEMREPLAY_ENGINE_CA, and a missing file is named', () => {
    expect(() => parseEngineUrl('rediss://h', { MEMREPLAY_ENGINE_CA: '/nonexistent/ca.pem' })).toThrow('MEMREPLAY_ENGINE_CA /nonexistent/ca.pem: cannot read it (ENOENT)');
  });
});

describe.skipIf(!HAVE_REDIS)('a Redis that requires a password', () => {
  const PASSWORD = 'fl33t pass/word';
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD });
  });
  afterAll(() => redis?.stop());

  test('refuses a submit without the password or with a wrong one, in one line that does not show it', async () => {
    const bare = `redis://127.0.0.1:${redis.port}`;
    const none = await memreplay(['fleet', 'submit', 'traces/startup-3.8.csv.gz', '--engine', bare, '--run', 'auth']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`memreplay: engine ${bare}: authentication failed (check the user and password in the URL)\n`);
    const wrong = await memreplay(['fleet', 'status', 'auth', '--engine', `redis://:wrong@127.0.0.1:${redis.port}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(`memreplay: engine redis://:***@127.0.0.1:${redis.port}: authentication failed (check the user and password in the URL)\n`);
  });

  test('works with the password in the URL', async () => {
    const submit = await memreplay(['fleet', 'submit', 'traces/startup-3.8.csv.gz', '--engine', redis.url, '--run', 'auth']);
    expect(submit.stderr).toBe('run auth: 1 job added, 0 already there; 1 in the run\n');
    const status = await memreplay(['fleet', 'status', 'auth', '--engine', redis.url]);
    expect(status.stdout).toBe('auth: 0 of 1 finished (0 done, 0 failed), 0 running, 1 waiting\n');
    // A worker connects with it too, and the run finishes.
    const worker = startWorker(redis.url, ['-q']);
    const report = await memreplay(['fleet', 'report', 'auth', '--engine', redis.url, '--wait', '--json', '-q']);
    expect(await killWorker(worker, 'SIGTERM')).toBe(0);
    expect(report.stderr).toBe('');
    expect(JSON.parse(report.stdout).traces).toHaveLength(1);
    expect(submit.stderr + status.stderr + worker.log()).not.toContain('fl33t');
  }, 60_000);
});

describe.skipIf(!HAVE_REDIS || !existsSync(OPENSSL))('a Redis that speaks only TLS (rediss://), with a password', () => {
  let redis: RedisServer;
  let tls: TlsFiles;
  const dir = mkdtempSync(join(tmpdir(), 'memreplay-tls-'));
  beforeAll(async () => {
    tls = makeTlsFiles(dir);
    redis = await startRedis({ password: 'tls-pw', tls });
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('verifies the server against MEMREPLAY_ENGINE_CA, and refuses it without, in one line', async () => {
    const trusted = await memreplay(['fleet', 'submit', 'traces/startup-3.8.csv.gz', '--engine', redis.url, '--run', 'tls'], undefined, { MEMREPLAY_ENGINE_CA: tls.ca });
    expect(trusted.stderr).toBe('run tls: 1 job added, 0 already there; 1 in the run\n');
    const untrusted = await memreplay(['fleet', 'status', 'tls', '--engine', redis.url]);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/^memreplay: engine rediss:\/\/:\*\*\*@localhost:\d+: TLS: .*certificate.* \(for a private CA, set MEMREPLAY_ENGINE_CA to its PEM file\)\n$/);
    const plain = await memreplay(['fleet', 'status', 'tls', '--engine', redis.url.replace('rediss:', 'redis:')]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/^memreplay: engine redis:\/\/:\*\*\*@localhost:\d+: cannot connect \(/);
  });
});
