// The fleet as a user runs it: the built CLI in child processes. Workers run
// with short locks, so that the job of a killed worker is handed back within
// a couple of seconds rather than thirty.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'memreplay.js');
/** Lock duration of the test workers, in ms. */
export const TEST_LOCK_MS = 3000;

const ENV = { ...process.env, MEMREPLAY_DEBUG: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', COLUMNS: '', MEMREPLAY_ENGINE: '' };

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a memreplay command to its end (asynchronously, so workers keep running beside it). */
export function memreplay(args: readonly string[], cwd: string = ROOT, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...ENV, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function memreplaySync(args: readonly string[], cwd: string = ROOT): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** What it printed on stderr so far (a line per job). */
  log(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

export function startWorker(engine: string, extra: readonly string[] = [], cwd: string = ROOT): WorkerProcess {
  const child = spawn(process.execPath, [CLI, 'fleet', 'worker', '--engine', engine, '--lock-ms', String(TEST_LOCK_MS), ...extra], { cwd, env: ENV });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, log: () => log, exited };
}

/** Stop a worker now and wait until it is gone. */
export async function killWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  return worker.exited;
}

/** Look every 100 ms until `ready` holds (or fail after `ms`). */
export async function until(ready: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
