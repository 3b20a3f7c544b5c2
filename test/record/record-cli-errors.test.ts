// `memreplay record` refuses bad usage with one line and exit status 2,
// before running anything, and never overwrites without --force.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, tempDir } from '../cli/helpers.js';
import { findPython, memreplay, run, titleFor } from './helpers.js';

function oneLineError(r: { code: number | null; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(hasStackTrace(r.stderr)).toBe(false);
}

/** An old interpreter (pyenv keeps some) to be turned away, when one is installed. */
function oldPython(): string | null {
  for (const s of ['3.7', '3.6', '2.7']) {
    const p = findPython(s);
    if (p) return p;
  }
  return null;
}

describe('memreplay record: bad usage', () => {
  it('asks for the program when none is given', () => {
    const dir = tempDir();
    oneLineError(memreplay(['record', '-o', join(dir, 't.csv')]), /^memreplay: record: name the program to run: memreplay record -o OUT\.mrt -- script\.py/);
  });

  it('refuses a gzip\'d .mrt: the format is compressed already', () => {
    const dir = tempDir();
    oneLineError(memreplay(['record', '-o', join(dir, 't.mrt.gz'), '--', 'x.py']), /^memreplay: -o .*t\.mrt\.gz: a \.mrt trace is compressed already; name it \.mrt/);
  });

  it('asks for -o', () => {
    const r = memreplay(['record', '--', 'x.py']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Missing required argument: output/);
  });

  it('rejects --frames outside 1-256', () => {
    const dir = tempDir();
    oneLineError(memreplay(['record', '--frames', '0', '-o', join(dir, 't.csv'), '--', 'x.py']), /--frames "0": expected a whole number from 1 to 256 \(or --no-stacks\)/);
    oneLineError(memreplay(['record', '--frames', '300', '-o', join(dir, 't.csv'), '--', 'x.py']), /--frames "300": expected/);
  });

  it('rejects --native-frames outside 1-128, and without --native', () => {
    const dir = tempDir();
    oneLineError(memreplay(['record', '--native', '--native-frames', '0', '-o', join(dir, 't.csv'), '--', 'x.py']), /--native-frames "0": expected a whole number from 1 to 128$/m);
    oneLineError(memreplay(['record', '--native', '--native-frames', 'many', '-o', join(dir, 't.csv'), '--', 'x.py']), /--native-frames "many": expected/);
    oneLineError(memreplay(['record', '--native-frames', '8', '-o', join(dir, 't.csv'), '--', 'x.py']), /--native-frames needs --native/);
  });

  it('does not overwrite an existing trace or statistics file without --force', () => {
    const dir = tempDir();
    for (const existing of ['t.csv', 't.csv.stats.txt', 't.csv.final.stats.txt']) {
      const d = join(dir, existing.replace(/\W/g, '_'));
      mkdirSync(d);
      writeFileSync(join(d, existing), 'keep me');
      oneLineError(memreplay(['record', '-o', join(d, 't.csv'), '--', '-c', 'pass']), new RegExp(`${existing.replace(/\./g, '\\.')} exists; pass --force to overwrite it`));
      expect(readFileSync(join(d, existing), 'utf8')).toBe('keep me');
    }
  });

  it('names an interpreter that does not exist', () => {
    const dir = tempDir();
    oneLineError(
      memreplay(['record', '--python', join(dir, 'python9'), '-o', join(dir, 't.csv'), '--', '-c', 'pass']),
      /^memreplay: --python .*python9: no such interpreter \(not found\)\n$/,
    );
  });

  const old = oldPython();
  it.skipIf(!old)(old ? 'turns away a Python older than 3.8' : 'turns away a Python older than 3.8 (skipped: no Python 2.7, 3.6 or 3.7 installed here)', () => {
    const dir = tempDir();
    oneLineError(memreplay(['record', '--python', old!, '-o', join(dir, 't.csv'), '--', '-c', 'pass']), /is (C)?Python [23]\.\d+\.\d+; memreplay records CPython 3\.8, 3\.9, 3\.10, 3\.11, 3\.12, 3\.13\n$/);
    expect(existsSync(join(dir, 't.csv'))).toBe(false);
  });

  const python = findPython('3.11');
  it.skipIf(!python)(titleFor('3.11', 'names the C compiler when it is missing, and writes nothing'), () => {
    const dir = tempDir();
    const r = run(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli', 'memreplay.js'), 'record', '--python', python!, '-o', join(dir, 't.csv'), '--', '-c', 'pass'], {
      env: { CC: join(dir, 'no-cc'), MEMREPLAY_CACHE_DIR: join(dir, 'cache') },
    });
    oneLineError(r, /cannot build the recorder: the C compiler CC=.*no-cc is not found\n$/);
    expect(existsSync(join(dir, 't.csv'))).toBe(false);
  });

  it.skipIf(!python)(titleFor('3.11', 'shows the compiler\'s first error and keeps the full log when the build fails'), () => {
    const dir = tempDir();
    const cc = join(dir, 'broken-cc');
    writeFileSync(cc, '#!/bin/sh\necho "main.c:1:10: fatal error: Python.h: No such file or directory" >&2\nexit 1\n', { mode: 0o755 });
    const r = run(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli', 'memreplay.js'), 'record', '--python', python!, '-o', join(dir, 't.csv'), '--', '-c', 'pass'], {
      env: { CC: cc, MEMREPLAY_CACHE_DIR: join(dir, 'cache') },
    });
    oneLineError(r, /cannot build the recorder for .* with .*broken-cc: main\.c:1:10: fatal error: Python\.h: No such file or directory \(full log: .*build\.log\)\n$/);
    const log = /full log: (.*build\.log)\)/.exec(r.stderr)![1]!;
    expect(readFileSync(log, 'utf8')).toContain('fatal error: Python.h');
  });
});
