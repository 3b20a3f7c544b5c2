// Real recordings that ended early are named incomplete, and a killed
// `memreplay record` takes its program with it: a normal run ends with the
// `end` mark; os._exit(), a segfault and a SIGKILL of memreplay record itself
// leave a trace without it, under the output's own name and nothing else.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../cli/helpers.js';
import { findPython, memreplay, readTrace, records, TEST_CACHE, titleFor, traceMeta } from './helpers.js';

const SERIES = '3.11';
const python = findPython(SERIES);
const t = (what: string) => titleFor(SERIES, what);

function completenessOf(trace: string): { state: string; reason: string } {
  const r = memreplay(['analyze', '--json', trace]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).traces[0].completeness;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process that is gone or a zombie waiting for its new parent to reap it. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text !== '') out.push(...text.split(' ').map(Number));
  }
  return out;
}

describe.skipIf(!python)('recordings that ended early', () => {
  it(t('a normal run ends with the end mark its header names: complete, and check passes it'), () => {
    const dir = tempDir();
    const out = join(dir, 'ok.csv');
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', 'x = [str(i) for i in range(1000)]']);
    expect(r.code).toBe(0);
    const text = readTrace(out);
    expect(traceMeta(text)['end_mark']).toBe('end');
    const lines = records(text);
    expect(lines.filter((l) => l.startsWith('mark,')).map((l) => l.split(',').pop())).toEqual(['"stats"', '"final"', '"end"']);
    expect(lines.at(-1)).toMatch(/^mark,.*,"end"$/);
    expect(completenessOf(out).state).toBe('complete');
    const check = memreplay(['check', out]);
    expect(check.code).toBe(0);
    expect(check.stdout).not.toMatch(/incomplete/);
  });

  it(t('os._exit(0): no end mark; incomplete in every command, check fails it unless --allow-incomplete'), () => {
    const dir = tempDir();
    const out = join(dir, 'osexit.csv');
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', 'import os\nx = [str(i) for i in range(1000)]\nos._exit(0)']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no end mark: the interpreter was not finalized');
    expect(readdirSync(dir)).toEqual(['osexit.csv']);
    const c = completenessOf(out);
    expect(c.state).toBe('incomplete');
    expect(c.reason).toMatch(/does not end with its "end" mark/);
    const check = memreplay(['check', out]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^FAIL .*osexit\.csv\n {2}incomplete trace: .*; pass --allow-incomplete/m);
    const json = memreplay(['check', '--json', out]);
    expect(JSON.parse(json.stdout).traces[0].completeness.state).toBe('incomplete');
    const allowed = memreplay(['check', '--allow-incomplete', out]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/warning: incomplete trace: .*\(allowed: --allow-incomplete\)/);
    const leaks = memreplay(['leaks', out]);
    expect(leaks.stdout.split('\n')[1]).toMatch(/^warning: incomplete trace: /);
    const stats = memreplay(['stats', '--verify', out]);
    expect(stats.code).toBe(0);
    expect(stats.stderr).toMatch(/EXACT up to where the trace stops; not verified: the rest of the run and its end state \(incomplete trace: /);
  });

  it(t('a segfault (ctypes.string_at(0)): status 139, the trace kept and incomplete'), () => {
    const dir = tempDir();
    const out = join(dir, 'segv.csv.gz');
    const r = memreplay(['record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', 'import ctypes\nx = [str(i) for i in range(1000)]\nctypes.string_at(0)']);
    expect(r.code).toBe(139);
    expect(r.stderr).toMatch(/killed by SIGSEGV; .*segv\.csv\.gz holds the trace .* an incomplete trace/);
    expect(readdirSync(dir)).toEqual(['segv.csv.gz']);
    expect(completenessOf(out).state).toBe('incomplete');
  });

  it(t('SIGKILL of memreplay record: the program dies with it, the trace stays under its name, incomplete, and nothing else is left'), async () => {
    const dir = tempDir();
    const out = join(dir, 'killed.csv');
    const code = 'import time\nwhile True:\n    x = [str(i) for i in range(10000)]\n    time.sleep(0.001)';
    const record = spawn(process.execPath, [CLI, 'record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', code], {
      stdio: 'ignore',
      env: { ...process.env, MEMREPLAY_DEBUG: '', MEMREPLAY_CACHE_DIR: TEST_CACHE },
    });
    const exited = new Promise((resolve) => record.on('exit', resolve));
    let launchers: number[] = [];
    try {
      // Until the program has written a few MiB (the launcher writes 1 MiB at a time).
      for (let i = 0; i < 300 && !(existsSync(out) && statSync(out).size > 3 << 20); i++) await sleep(100);
      launchers = childrenOf(record.pid!);
      expect(launchers.length).toBe(1);
      record.kill('SIGKILL');
      await exited;
      for (let i = 0; i < 50 && running(launchers[0]!); i++) await sleep(100);
      expect(running(launchers[0]!)).toBe(false);
      // Stopped: the trace no longer grows.
      const size = statSync(out).size;
      await sleep(300);
      expect(statSync(out).size).toBe(size);
    } finally {
      record.kill('SIGKILL');
      for (const pid of launchers) if (running(pid)) process.kill(pid, 'SIGKILL');
    }
    expect(readdirSync(dir)).toEqual(['killed.csv']);
    // Cut between writes: whole lines, so it replays (named incomplete), not a file that ends mid-record.
    expect(readFileSync(out).at(-1)).toBe(0x0a);
    expect(completenessOf(out).state).toBe('incomplete');
  });

  it(t('SIGINT sent to memreplay record alone reaches the program once: KeyboardInterrupt, status 130, a complete trace'), async () => {
    const dir = tempDir();
    const out = join(dir, 'int.csv');
    const code = 'import time\nprint("ready", flush=True)\nwhile True:\n    x = [str(i) for i in range(10000)]\n    time.sleep(0.001)';
    // Its own session: no terminal whose Ctrl-C would have reached the program too.
    const record = spawn(process.execPath, [CLI, 'record', '--python', python!, '--no-stacks', '-o', out, '--', '-c', code], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, MEMREPLAY_DEBUG: '', MEMREPLAY_CACHE_DIR: TEST_CACHE },
    });
    let stdout = '';
    let stderr = '';
    record.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    record.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => record.on('exit', (code) => resolve(code)));
    try {
      // Once the program runs its loop (a SIGINT during start-up ends the interpreter with status 1).
      for (let i = 0; i < 300 && !stdout.includes('ready'); i++) await sleep(100);
      record.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      record.kill('SIGKILL');
    }
    expect(stderr).toMatch(/^KeyboardInterrupt$/m);
    expect(completenessOf(out).state).toBe('complete');
  });
});
