// Recording under the test suite: find the interpreters installed here, run
// `memreplay record` as a user would (a child process), read what it wrote.
//
// Interpreters are found portably: `python3.X` on PATH, else pyenv's install
// of 3.X when pyenv is there. Tests for a version that is absent are skipped
// and say so in their name. Launchers are built once per interpreter into a
// cache under the system's temporary directory and reused by later runs.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CLI, ROOT } from '../cli/helpers.js';

export { ROOT };
export const SERIES = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;
export const WORKLOADS = join(ROOT, 'test', 'record', 'workloads');
export const TEST_CACHE = join(tmpdir(), 'memreplay-test-launchers');

function executableOf(command: string): string | null {
  const r = spawnSync(command, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 30_000 });
  const path = r.status === 0 ? r.stdout.trim() : '';
  return path && existsSync(path) ? path : null;
}

const found = new Map<string, string | null>();

/** sys.executable of an installed CPython X.Y, or null. */
export function findPython(series: string): string | null {
  if (found.has(series)) return found.get(series)!;
  let path = executableOf(`python${series}`);
  if (path === null) {
    const prefix = spawnSync('pyenv', ['prefix', series], { encoding: 'utf8', timeout: 30_000 });
    if (prefix.status === 0) {
      const candidate = join(prefix.stdout.trim().split('\n')[0]!, 'bin', `python${series}`);
      if (existsSync(candidate)) path = executableOf(candidate);
    }
  }
  found.set(series, path);
  return path;
}

/** A test title that says why it is skipped when the interpreter is absent. */
export function titleFor(series: string, what: string): string {
  return findPython(series) ? what : `${what} (skipped: CPython ${series} is not installed here)`;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Run {
  const r: SpawnSyncReturns<string> = spawnSync(command, args, {
    encoding: 'utf8',
    cwd: options.cwd,
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
    env: { ...process.env, MEMREPLAY_DEBUG: '', MEMREPLAY_CACHE_DIR: TEST_CACHE, PYTHONHASHSEED: '0', ...options.env },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** `memreplay ARGS` with the test launcher cache. */
export function memreplay(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Run {
  return run(process.execPath, [CLI, ...args], options);
}

/** The trace's text, gunzipped when needed. */
export function readTrace(path: string): string {
  const bytes = readFileSync(path);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** `# key: value` lines of a trace. */
export function traceMeta(text: string): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const m = /^#\s*([^:]+):\s*(.*)$/.exec(line);
    if (m) meta[m[1]!.trim()] = m[2]!.trim();
  }
  return meta;
}

/** The records after the header, split into fields (no record we write quotes a comma except frames/labels). */
export function records(text: string): string[] {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.startsWith('op,'));
  return lines.slice(header + 1).filter((l) => l !== '');
}
