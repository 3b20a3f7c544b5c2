// Expanding trace arguments: argument order kept, each argument's matches
// sorted, duplicates dropped, `-` kept, a glob or directory that yields
// nothing an error naming it.

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/batch/expand-inputs.js';
import { UsageError } from '../../src/errors.js';

let dir: string;
const expand = (...args: string[]): Promise<string[]> => expandInputs(args, { cwd: dir });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'memreplay-expand-'));
  for (const f of ['b.csv', 'a.csv', 'c.csv.gz', 'B.csv', 'notes.txt', '.hidden.csv', 'x[1].csv', 'run-10.jsonl', 'run-9.jsonl']) {
    writeFileSync(join(dir, f), '');
  }
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'z.csv'), '');
  writeFileSync(join(dir, 'sub', 'a.jsonl.gz'), '');
  mkdirSync(join(dir, 'sub', 'deeper'));
  writeFileSync(join(dir, 'sub', 'deeper', 'y.csv'), '');
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'empty', 'README.md'), '');
  symlinkSync(join(dir, 'a.csv'), join(dir, 'sub', 'link.csv'));
});

describe('expandInputs', () => {
  it('sorts a glob\'s matches as plain strings (capitals first, no natural sort)', async () => {
    expect(await expand('*.csv')).toEqual(['B.csv', 'a.csv', 'b.csv', 'x[1].csv']);
    expect(await expand('run-*.jsonl')).toEqual(['run-10.jsonl', 'run-9.jsonl']);
  });

  it('keeps the arguments in the order given, sorting only within each', async () => {
    expect(await expand('sub/*.csv', '*.gz', 'b.csv', 'a.csv')).toEqual(['sub/link.csv', 'sub/z.csv', 'c.csv.gz', 'b.csv', 'a.csv']);
  });

  it('drops a file named twice, by any spelling, keeping its first place', async () => {
    expect(await expand('b.csv', '*.csv', './a.csv', join(dir, 'b.csv'), 'sub/../a.csv')).toEqual(['b.csv', 'B.csv', 'a.csv', 'x[1].csv']);
  });

  it('keeps - (stdin) where it is, once', async () => {
    expect(await expand('a.csv', '-', 'b.csv', '-')).toEqual(['a.csv', '-', 'b.csv']);
  });

  it('takes an existing file literally even when its name looks like a glob', async () => {
    expect(await expand('x[1].csv')).toEqual(['x[1].csv']);
  });

  it('matches hidden files only when the pattern names them', async () => {
    expect(await expand('.*.csv')).toEqual(['.hidden.csv']);
  });

  it('follows ** into subdirectories and {a,b} alternatives', async () => {
    expect(await expand('sub/**/*.csv')).toEqual(['sub/deeper/y.csv', 'sub/link.csv', 'sub/z.csv']);
    expect(await expand('{b,a}.csv')).toEqual(['a.csv', 'b.csv']);
  });

  it('takes the trace files directly in a directory, sorted', async () => {
    expect(await expand('sub')).toEqual(['sub/a.jsonl.gz', 'sub/link.csv', 'sub/z.csv']);
    expect(await expand('.')).toEqual(['B.csv', 'a.csv', 'b.csv', 'c.csv.gz', 'run-10.jsonl', 'run-9.jsonl', 'x[1].csv']);
  });

  it('keeps a plain path that does not exist, so it fails later on its own', async () => {
    expect(await expand('missing.csv', 'a.csv')).toEqual(['missing.csv', 'a.csv']);
  });

  it('rejects a glob that matches nothing, naming it', async () => {
    const run = expand('a.csv', 'traces/*.csv');
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow('no file matches "traces/*.csv"');
  });

  it('names every argument that yields nothing, a directory without traces included', async () => {
    await expect(expand('*.nope', 'empty', '*.csv')).rejects.toThrow(
      'no file matches "*.nope"; "empty" is a directory with no trace files (*.csv, *.jsonl, *.csv.gz, *.jsonl.gz)',
    );
  });

  it('does not count directories as glob matches', async () => {
    await expect(expand('su*')).rejects.toThrow('no file matches "su*"');
  });

  it('keeps absolute paths absolute', async () => {
    expect(await expand(join(dir, 'sub', '*.csv'))).toEqual([join(dir, 'sub', 'link.csv'), join(dir, 'sub', 'z.csv')]);
  });
});
