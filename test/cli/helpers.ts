// Run the built CLI as a user would: a child process, stdout/stderr/exit code.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'memreplay.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'cpython-traces');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function memreplay(args: string[], input?: string | Buffer, cwd?: string, env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input,
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // No COLUMNS from the shell running the tests: text output follows it (site names).
    env: { ...process.env, MEMREPLAY_DEBUG: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', COLUMNS: '', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'memreplay-test-'));
}

/** True when stderr looks like a JavaScript stack trace. */
export function hasStackTrace(stderr: string): boolean {
  return /^\s+at .+[:(]\d+/m.test(stderr) || /Error:.*\n\s+at /.test(stderr);
}
