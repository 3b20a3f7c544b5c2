// `memreplay analyze` over many traces: globs, --jobs, results in argument
// order, a bad file failing alone, progress only on a terminal.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

const HEADER = 'op,addr,size,old_addr,domain,label\n';
const STARTUPS = ['3.10', '3.11', '3.12', '3.13'].map((v) => join(FIXTURES, `startup-${v}.csv.gz`));

function badTrace(): string {
  const file = join(tempDir(), 'bad.csv');
  writeFileSync(file, '# python: 3.11.7\n' + HEADER + 'alloc,0x10,16,,obj,\nallok,0x20,16,,obj,\n');
  return file;
}

describe('memreplay analyze with many traces', () => {
  it('--jobs 2 with a bad file among good ones: good results in order, one error line naming the bad file, exit 2', () => {
    const bad = badTrace();
    const r = memreplay(['analyze', STARTUPS[0]!, bad, STARTUPS[1]!, STARTUPS[2]!, '--jobs', '2', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.traces.map((t: { file: string }) => t.file)).toEqual([STARTUPS[0], STARTUPS[1], STARTUPS[2]]);
    expect(doc.traces.map((t: { python: { version: string } }) => t.python.version)).toEqual(['3.10', '3.11', '3.12']);
    expect(doc.failures).toEqual([{ file: bad, error: `${bad}:4: unknown op "allok": expected one of alloc, calloc, realloc, free, arena_alloc, arena_free, mark, mmap, munmap, mremap, stack` }]);
    expect(r.stderr).toBe(`memreplay: ${doc.failures[0].error}\n`);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('prints the same text and JSON with --jobs 1 and --jobs 2, a glob expanded in sorted order', () => {
    const glob = join(FIXTURES, 'startup-3.1*.csv.gz');
    const text1 = memreplay(['analyze', glob, '--jobs', '1']);
    const text2 = memreplay(['analyze', glob, '--jobs', '2']);
    expect(text1.code).toBe(0);
    expect(text2.stdout).toBe(text1.stdout);
    const files = [...text1.stdout.matchAll(/^== (\S*startup-3\.1\d\.csv\.gz) /gm)].map((m) => m[1]);
    expect(files).toEqual(STARTUPS);
    const json1 = memreplay(['analyze', glob, '-j', '1', '--json']);
    const json2 = memreplay(['analyze', glob, '-j', '2', '--json']);
    expect(json2.stdout).toBe(json1.stdout);
    expect(JSON.parse(json1.stdout).traces).toHaveLength(4);
  });

  it('reads - (stdin) in its place among files run on workers', () => {
    const bytes = readFileSync(STARTUPS[3]!);
    const r = memreplay(['analyze', STARTUPS[0]!, '-', STARTUPS[1]!, '--jobs', '2', '--json'], bytes);
    expect(r.code).toBe(0);
    const files = JSON.parse(r.stdout).traces.map((t: { file: string; python: { version: string } }) => `${t.file} ${t.python.version}`);
    expect(files).toEqual([`${STARTUPS[0]} 3.10`, '<stdin> 3.13', `${STARTUPS[1]} 3.11`]);
  });

  it('stops with exit 2 before any work when a glob matches nothing', () => {
    const r = memreplay(['analyze', STARTUPS[0]!, join(tempDir(), '*.csv.gz')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^memreplay: no file matches ".*\*\.csv\.gz"\n$/);
  });

  for (const jobs of ['0', 'two', '1.5']) {
    it(`rejects --jobs ${jobs} with exit 2`, () => {
      const r = memreplay(['analyze', STARTUPS[0]!, '--jobs', jobs]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`memreplay: --jobs "${jobs}": expected a whole number >= 1\n`);
    });
  }

  it('draws a progress line on a terminal, clears it at the end, and --quiet silences it', () => {
    // stderr is a pipe here: make the CLI believe it is a terminal.
    const asTerminal = (extra: string[]) =>
      spawnSync(process.execPath, ['--import', 'data:text/javascript,process.stderr.isTTY=true', CLI, 'analyze', ...STARTUPS, '-j', '2', ...extra], {
        encoding: 'utf8',
      });
    const shown = asTerminal([]);
    expect(shown.status).toBe(0);
    expect(shown.stderr).toMatch(/^\r\u001b\[Kanalyze: 0\/4 traces · 0 B of \d+ KiB \(0%\)/);
    expect(shown.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(asTerminal(['--quiet']).stderr).toBe('');
    // Not a terminal: nothing on stderr.
    expect(memreplay(['analyze', ...STARTUPS, '-j', '2']).stderr).toBe('');
  });

  it('--quiet drops the "Wrote" line of -o, not the file', () => {
    const out = join(tempDir(), 'summary.json');
    const r = memreplay(['analyze', STARTUPS[0]!, '-o', out, '--json', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).traces).toHaveLength(1);
  });
});
