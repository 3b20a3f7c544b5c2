// Finding real CPython interpreters for tests that compare with Python's own
// output: `pythonX.Y` on PATH first, then pyenv's installation of X.Y when
// pyenv is there. Tests skip (with the reason in their name) when none is
// found, so the suite still runs on a machine without them.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CPYTHON_VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;

const found = new Map<string, string | null>();

function versionOf(command: string): string | null {
  const r = spawnSync(command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** A command that runs CPython X.Y, or null. */
export function findPython(version: string): string | null {
  const known = found.get(version);
  if (known !== undefined) return known;
  let command: string | null = null;
  if (versionOf(`python${version}`) === version) {
    command = `python${version}`;
  } else {
    const prefix = spawnSync('pyenv', ['prefix', version], { encoding: 'utf8' });
    const candidate = prefix.status === 0 ? join(prefix.stdout.trim(), 'bin', `python${version}`) : null;
    if (candidate !== null && versionOf(candidate) === version) command = candidate;
  }
  found.set(version, command);
  return command;
}

/** `python3` on PATH, or null. */
export function findPython3(): string | null {
  return versionOf('python3') !== null ? 'python3' : null;
}

/** Run a Python script; throws with its stderr when it fails. */
export function runPython(python: string, args: string[], cwd?: string): string {
  const r = spawnSync(python, args, { encoding: 'utf8', cwd, env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.status !== 0) throw new Error(`${python} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

function executableOf(command: string): string | null {
  const r = spawnSync(command, ['-c', 'import os, sys; print(os.path.realpath(sys.executable))'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * The interpreters to compare with: CPython X.Y for each version found, and
 * `python3` too when it is another installation than those (on this machine
 * it is pyenv's 3.11, so it is not run twice).
 */
export function pythonsToCompareWith(): { label: string; version: string; command: string | null }[] {
  const list = CPYTHON_VERSIONS.map((version) => ({ label: `CPython ${version}`, version: version as string, command: findPython(version) }));
  const python3 = findPython3();
  if (python3 !== null) {
    const seen = new Set(list.map((p) => (p.command === null ? null : executableOf(p.command))));
    if (!seen.has(executableOf(python3))) list.push({ label: `python3 (${versionOf(python3)})`, version: versionOf(python3)!, command: python3 });
  }
  return list;
}
