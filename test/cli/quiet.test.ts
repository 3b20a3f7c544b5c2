// Every command that writes files takes --quiet/-q: it says "Wrote FILE" (or
// what it recorded) on stderr without it, and nothing with it; the files are
// written either way.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iterationsTrace } from '../analyzers/trace-writer.js';
import { findPython3 } from '../python-interpreters.js';
import { memreplay, tempDir } from './helpers.js';

// Small traces keep the dozen runs fast.
const TRACES = tempDir();
const TRACE = join(TRACES, 'leaky.csv');
const OTHER = join(TRACES, 'clean.csv');
writeFileSync(TRACE, iterationsTrace(10, true));
writeFileSync(OTHER, iterationsTrace(10, false));

/** Each command with the file it writes into `dir`. */
const COMMANDS: [string, (dir: string) => { args: string[]; file: string }][] = [
  ['analyze', (dir) => ({ args: ['analyze', TRACE, '-o', join(dir, 'a.txt')], file: join(dir, 'a.txt') })],
  ['leaks', (dir) => ({ args: ['leaks', TRACE, '-o', join(dir, 'l.txt')], file: join(dir, 'l.txt') })],
  ['leaks --gen-suppressions', (dir) => ({ args: ['leaks', TRACE, '--gen-suppressions', join(dir, 's.supp')], file: join(dir, 's.supp') })],
  ['check', (dir) => ({ args: ['check', TRACE, '--max-leak-sites', '1000', '--junit', join(dir, 'j.xml')], file: join(dir, 'j.xml') })],
  ['report', (dir) => ({ args: ['report', TRACE, '--format', 'json', '-o', dir], file: join(dir, 'leaky.json') })],
  ['diff', (dir) => ({ args: ['diff', TRACE, OTHER, '-o', join(dir, 'd.txt')], file: join(dir, 'd.txt') })],
];

describe('--quiet', () => {
  for (const [name, make] of COMMANDS) {
    it(`${name}: "Wrote FILE" without it, silence with -q`, () => {
      const loud = make(tempDir());
      const r = memreplay(loud.args, undefined, tempDir());
      expect(r.stderr).toContain(`Wrote ${loud.file}`);
      expect(existsSync(loud.file)).toBe(true);

      const quiet = make(tempDir());
      const q = memreplay([...quiet.args, '-q'], undefined, tempDir());
      expect(q.stderr).toBe('');
      expect(q.code).toBe(r.code);
      expect(existsSync(quiet.file)).toBe(true);
    });
  }

  const python3 = findPython3();
  it.skipIf(python3 === null)(`record: only warnings with -q${python3 === null ? ' (skipped: no python3 on PATH)' : ''}`, () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.py'), 'x = [str(i) for i in range(100)]\n');
    const loud = memreplay(['record', '--python', python3!, '--no-stacks', '-o', 'loud.csv', '--', 'app.py'], undefined, dir);
    expect(loud.code).toBe(0);
    expect(loud.stderr).toMatch(/^memreplay: recorded [\d,]+ events of CPython 3\.\d+\.\d+ in loud\.csv/m);
    const quiet = memreplay(['record', '--python', python3!, '--no-stacks', '-q', '-o', 'quiet.csv', '--', 'app.py'], undefined, dir);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(existsSync(join(dir, 'quiet.csv'))).toBe(true);
  });
});
