// `npm run bench:fleet`: the fleet's load test. Starts Debian's redis-server
// on a free loopback port (files in a temp directory, no persistence), writes
// N small traces, submits them as one run, runs W worker processes on this
// machine until the run is done, then reads the run back with `fleet report`.
// Prints jobs per second (overall and per worker) and the engine's cost: the
// Redis commands and the memory per 1,000 jobs, from INFO before and after.
//
//   npm run bench:fleet -- [--traces 10000] [--workers 4] [--concurrency 1] [--keep]
//
// Not part of `npm test`. The figures in docs/fleet.md ("Sizing") come from it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { benchArgs } from './bench-args.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const CLI = resolve(HERE, '..', 'cli', 'memreplay.js');
const REDIS_SERVER = '/usr/bin/redis-server';

const values = benchArgs(
  {
    traces: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
  'npm run bench:fleet -- [--traces 10000] [--workers 4] [--concurrency 1] [--keep]\n' +
    '  --traces       small traces submitted as one run\n' +
    '  --workers      fleet worker processes\n' +
    '  --concurrency  jobs each worker runs at once\n' +
    '  --keep         keep the traces and the Redis directory\n',
);
const TRACES = Number(values.traces);
const WORKERS = Number(values.workers);
const CONCURRENCY = Number(values.concurrency);

/** A small complete trace: a few dozen allocations and frees, the stats and final marks; `seed` varies sizes, so traces differ. */
function smallTrace(seed: number): string {
  const lines = ['# python: 3.11.7', 'op,addr,size'];
  for (let i = 0; i < 40; i++) lines.push(`alloc,0x${(0x10000 + i * 0x40).toString(16)},${8 + ((seed + i * 7) % 56)}`);
  for (let i = 0; i < 40; i += 2) lines.push(`free,0x${(0x10000 + i * 0x40).toString(16)},`);
  return lines.join('\n') + '\n';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** CPU seconds (user + system) of a process and its live descendants, from /proc (Linux): what the machine's load does not change. */
function cpuOfTree(pid: number): number {
  let seconds = 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the command name.
    seconds += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) seconds += cpuOfTree(Number(child));
  } catch {
    // gone: its time is its parent's now
  }
  return seconds;
}

function infoFloat(text: string, field: string): number {
  const m = new RegExp(`^${field}:([0-9.]+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

function info(text: string, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function redisCpu(client: Redis): Promise<number> {
  const text = await client.info('cpu');
  return infoFloat(text, 'used_cpu_user') + infoFloat(text, 'used_cpu_sys');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'memreplay-bench-fleet-'));
  const port = await freePort();
  const server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, fail) => {
    let said = '';
    server.stdout!.on('data', (d: Buffer) => {
      said += d.toString();
      if (said.includes('Ready to accept connections')) ready();
    });
    server.once('exit', (code) => fail(new Error(`redis-server exited (${code})`)));
  });
  server.stdout!.resume();
  const engine = `redis://127.0.0.1:${port}`;
  const workers: ChildProcess[] = [];
  try {
    const client = new Redis({ port, host: '127.0.0.1' });
    const tracesDir = join(dir, 'traces');
    mkdirSync(tracesDir);
    for (let i = 0; i < TRACES; i++) writeFileSync(join(tracesDir, `t${String(i).padStart(6, '0')}.csv`), smallTrace(i));
    await client.config('RESETSTAT');
    const memory0 = info(await client.info('memory'), 'used_memory');

    let t = performance.now();
    const submit = spawnSync(process.execPath, [CLI, 'fleet', 'submit', 'traces', '--engine', engine, '--run', 'bench', '--reports', 'none', '-q'], { cwd: dir, encoding: 'utf8' });
    if (submit.status !== 0) throw new Error(`submit failed: ${submit.stderr}`);
    const submitMs = performance.now() - t;
    const afterSubmit = await client.info('stats');
    const submitCommands = info(afterSubmit, 'total_commands_processed');
    const memorySubmitted = info(await client.info('memory'), 'used_memory');

    const redisCpu0 = await redisCpu(client);
    t = performance.now();
    for (let w = 0; w < WORKERS; w++) {
      workers.push(spawn(process.execPath, [CLI, 'fleet', 'worker', '--engine', engine, '--concurrency', String(CONCURRENCY), '-q'], { cwd: dir, stdio: 'ignore' }));
    }
    const completedKey = 'bull:memreplay-fleet:completed';
    const failedKey = 'bull:memreplay-fleet:failed';
    for (;;) {
      const [done, failed] = await Promise.all([client.zcard(completedKey), client.zcard(failedKey)]);
      if (done + failed >= TRACES) {
        if (failed > 0) process.stderr.write(`${failed} jobs failed\n`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const runMs = performance.now() - t;
    const workerCpu = workers.reduce((sum, w) => sum + cpuOfTree(w.pid!), 0);
    const redisCpuRun = (await redisCpu(client)) - redisCpu0;
    const afterRun = await client.info('stats');
    const runCommands = info(afterRun, 'total_commands_processed') - submitCommands;
    const memoryDone = info(await client.info('memory'), 'used_memory');
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    workers.length = 0;

    t = performance.now();
    const report = spawnSync(process.execPath, [CLI, 'fleet', 'report', 'bench', '--engine', engine, '--json', '-q'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
    const reportMs = performance.now() - t;
    const traced = (JSON.parse(report.stdout) as { traces: unknown[] }).traces.length;
    client.disconnect();

    const per1000 = (x: number): string => Math.round((x / TRACES) * 1000).toLocaleString('en-US');
    const jobsPerSecond = TRACES / (runMs / 1000);
    const lines = [
      `fleet load: ${TRACES.toLocaleString('en-US')} traces of 60 events, ${WORKERS} workers x ${CONCURRENCY}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)} at the end`,
      `submit:  ${(submitMs / 1000).toFixed(1)} s (${Math.round(TRACES / (submitMs / 1000))} jobs/s), ${per1000(submitCommands)} Redis commands per 1,000 jobs`,
      `run:     ${(runMs / 1000).toFixed(1)} s: ${jobsPerSecond.toFixed(1)} jobs/s, ${(jobsPerSecond / WORKERS).toFixed(1)} jobs/s per worker; ${per1000(runCommands)} Redis commands per 1,000 jobs`,
      `cpu:     workers ${workerCpu.toFixed(1)} s (${((workerCpu / TRACES) * 1000).toFixed(1)} ms per job: ${(TRACES / workerCpu).toFixed(0)} jobs/s per busy core); Redis ${redisCpuRun.toFixed(2)} s (${((redisCpuRun / TRACES) * 1000).toFixed(2)} s per 1,000 jobs)`,
      `memory:  ${(memoryDone - memory0) / 1e6 >= 0 ? ((memoryDone - memory0) / 1e6).toFixed(1) : '?'} MB for the run's jobs and results (${((memorySubmitted - memory0) / TRACES).toFixed(0)} B per job submitted, ${((memoryDone - memory0) / TRACES).toFixed(0)} B per job finished: ${per1000(memoryDone - memory0)} B per 1,000)`,
      `report:  ${(reportMs / 1000).toFixed(1)} s to read ${traced.toLocaleString('en-US')} results back (exit ${report.status})`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    server.kill('SIGKILL');
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dir}\n`);
  }
}

await main();
