// Output paths that cannot be written: a regular file where a directory must
// be, or a directory where the file should go. One line naming the path and
// exit 2, for every command that writes files; never "internal error".

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

const STARTUP = join(FIXTURES, 'startup-3.11.csv.gz');

function layout(): { file: string; dir: string } {
  const root = tempDir();
  const file = join(root, 'exists.txt');
  writeFileSync(file, 'mine');
  const dir = join(root, 'adir');
  mkdirSync(dir);
  return { file, dir };
}

describe('writing below a regular file', () => {
  const { file } = layout();
  const commands: [string, string[]][] = [
    ['analyze -o', ['analyze', STARTUP, '-q', '-o', join(file, 'a.txt')]],
    ['leaks -o', ['leaks', STARTUP, '-q', '-o', join(file, 'deeper', 'l.txt')]],
    ['leaks --gen-suppressions', ['leaks', STARTUP, '-q', '--gen-suppressions', join(file, 's.txt')]],
    ['check --junit', ['check', STARTUP, '-q', '--allow-no-verdict', '--junit', join(file, 'j.xml')]],
    ['diff -o', ['diff', STARTUP, STARTUP, '-q', '-o', join(file, 'd.txt')]],
    // Checked before any interpreter is looked for: this runs without Python.
    ['record -o', ['record', '-o', join(file, 't.csv'), '--python', 'no-such-python', '--', '-c', 'pass']],
    ['record --stats-out', ['record', '-o', join(layout().dir, 't.csv'), '--stats-out', join(file, 's.txt'), '--python', 'no-such-python', '--', '-c', 'pass']],
  ];
  for (const [name, args] of commands) {
    it(`${name}: names the file in the way, exit 2`, () => {
      const r = memreplay(args);
      expect(r.stderr).toMatch(new RegExp(`^memreplay: cannot write .*: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a file, not a directory\\n$`));
      expect(r.code).toBe(2);
      expect(hasStackTrace(r.stderr)).toBe(false);
    });
  }
  it('leaves the file as it was', () => {
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });
});

describe('an output file that is a directory', () => {
  for (const force of [false, true]) {
    it(`analyze -o DIR${force ? ' --force' : ''}: says it is a directory, does not suggest --force`, () => {
      const { dir } = layout();
      const r = memreplay(['analyze', STARTUP, '-o', dir, ...(force ? ['--force'] : [])]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`memreplay: ${dir} is a directory; give a file name to write the report to\n`);
    });
    it(`record -o DIR${force ? ' --force' : ''}: says it is a directory`, () => {
      const { dir } = layout();
      const r = memreplay(['record', '-o', dir, '--python', 'no-such-python', ...(force ? ['--force'] : []), '--', '-c', 'pass']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`memreplay: ${dir} is a directory; give a file name to write to\n`);
    });
  }
});
