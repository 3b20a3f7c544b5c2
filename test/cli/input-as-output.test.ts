// An input is never an output: every writer refuses, even with --force, to
// write over a file the run reads (the trace, a suppression file, the check
// config or baseline), however the path is spelled: the same string, `./`,
// `../dir/`, a symbolic link or a hard link. One line naming both, exit 2,
// and the input left byte for byte as it was.

import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

/** The sample trace (3.11 interpreter start-up, recorded by memreplay record), copied into a fresh directory. */
function workspace(): { dir: string; trace: string; bytes: Buffer } {
  const dir = tempDir();
  mkdirSync(join(dir, 'run'));
  const trace = join(dir, 'run', 't.csv');
  copyFileSync(join(FIXTURES, 'startup-3.11.csv.gz'), trace);
  return { dir, trace, bytes: readFileSync(trace) };
}

/** The one line a refusal prints: the output as given, the input as given. */
function refusal(output: string, input: string): string {
  return `memreplay: cannot write ${output}: it is the input ${input} (the same file); write to another path (--force never replaces an input)\n`;
}

function expectRefused(r: { code: number; stderr: string }, output: string, input: string): void {
  expect(r.stderr).toBe(refusal(output, input));
  expect(r.code).toBe(2);
  expect(hasStackTrace(r.stderr)).toBe(false);
}

/** The ways one file can be named from `run/` (the working directory of the run): each gives the path to write to. */
const SPELLINGS: [string, (w: { dir: string; trace: string }) => string][] = [
  ['the same path', () => 't.csv'],
  ['./ and ../dir/', () => '../run/./t.csv'],
  ['a symbolic link', ({ dir, trace }) => {
    symlinkSync(trace, join(dir, 'link.csv'));
    return '../link.csv';
  }],
  ['a hard link', ({ dir, trace }) => {
    linkSync(trace, join(dir, 'hard.csv'));
    return '../hard.csv';
  }],
];

/** Every writer, as a command line writing to `out` with trace `t.csv`. */
const WRITERS: [string, (out: string) => string[]][] = [
  ['analyze -o', (out) => ['analyze', 't.csv', '-o', out]],
  ['analyze --json -o', (out) => ['analyze', 't.csv', '--json', '-o', out]],
  ['leaks -o', (out) => ['leaks', 't.csv', '-o', out]],
  ['leaks --gen-suppressions', (out) => ['leaks', 't.csv', '--gen-suppressions', out]],
  ['diff -o', (out) => ['diff', 't.csv', 't.csv', '-o', out]],
  ['check --junit', (out) => ['check', 't.csv', '--allow-no-verdict', '--junit', out]],
  ['check --sarif', (out) => ['check', 't.csv', '--allow-no-verdict', '--sarif', out]],
  ['check --gen-suppressions', (out) => ['check', 't.csv', '--allow-no-verdict', '--gen-suppressions', out]],
  ['check --update-baseline', (out) => ['check', 't.csv', '--allow-no-verdict', '--update-baseline', out]],
];

describe('every writer refuses to write over its trace, even with --force', () => {
  for (const [writer, argsFor] of WRITERS) {
    for (const [spelling, outputOf] of SPELLINGS) {
      it(`${writer}, the trace by ${spelling}`, () => {
        const w = workspace();
        const out = outputOf(w);
        const r = memreplay([...argsFor(out), '--force', '-q'], undefined, join(w.dir, 'run'));
        expectRefused(r, out, 't.csv');
        expect(readFileSync(w.trace).equals(w.bytes)).toBe(true);
      });
    }
  }

  it('without --force the refusal is the same, not "pass --force" (which would not help)', () => {
    const w = workspace();
    const r = memreplay(['analyze', 't.csv', '-o', 't.csv'], undefined, join(w.dir, 'run'));
    expectRefused(r, 't.csv', 't.csv');
  });

  it('a trace found by expanding a directory or a glob is an input too', () => {
    const w = workspace();
    const work = join(w.dir, 'run');
    expectRefused(memreplay(['analyze', '.', '-o', 't.csv', '--force'], undefined, work), 't.csv', 't.csv');
    expectRefused(memreplay(['analyze', '*.csv', '-o', 't.csv', '--force'], undefined, work), 't.csv', 't.csv');
    expect(readFileSync(w.trace).equals(w.bytes)).toBe(true);
  });

  it('diff names the input it would overwrite, OLD or NEW', () => {
    const w = workspace();
    const other = join(w.dir, 'run', 'u.csv');
    copyFileSync(w.trace, other);
    expectRefused(memreplay(['diff', 't.csv', 'u.csv', '-o', 'u.csv', '--force'], undefined, join(w.dir, 'run')), 'u.csv', 'u.csv');
    expect(readFileSync(other).equals(w.bytes)).toBe(true);
  });
});

describe('the other files a run reads are inputs too', () => {
  it('leaks --gen-suppressions over the --suppressions file it applied', () => {
    const w = workspace();
    const supp = join(w.dir, 'run', 'mine.supp');
    writeFileSync(supp, 'leak:nothing/matches/this.py\n');
    const r = memreplay(['leaks', 't.csv', '--suppressions', 'mine.supp', '--gen-suppressions', 'mine.supp', '--force'], undefined, join(w.dir, 'run'));
    expectRefused(r, 'mine.supp', 'mine.supp');
    expect(readFileSync(supp, 'utf8')).toBe('leak:nothing/matches/this.py\n');
  });

  it('leaks --gen-suppressions over the .memreplay-suppressions it read by default', () => {
    const w = workspace();
    const supp = join(w.dir, 'run', '.memreplay-suppressions');
    writeFileSync(supp, 'leak:nothing/matches/this.py\n');
    const r = memreplay(['leaks', 't.csv', '--gen-suppressions', './.memreplay-suppressions', '--force'], undefined, join(w.dir, 'run'));
    expectRefused(r, './.memreplay-suppressions', '.memreplay-suppressions');
    expect(readFileSync(supp, 'utf8')).toBe('leak:nothing/matches/this.py\n');
  });

  it('check --junit over the config, --sarif over the baseline', () => {
    const w = workspace();
    const work = join(w.dir, 'run');
    const base = join(work, 'base.json');
    expect(memreplay(['check', 't.csv', '--allow-no-verdict', '--update-baseline', base, '-q'], undefined, work).code).toBe(0);
    const baseline = readFileSync(base, 'utf8');
    writeFileSync(join(work, 'memreplay.config.json'), '{"check": {"allowNoVerdict": true}}\n');
    expectRefused(memreplay(['check', 't.csv', '--junit', 'memreplay.config.json', '--force'], undefined, work), 'memreplay.config.json', join(work, 'memreplay.config.json'));
    expect(readFileSync(join(work, 'memreplay.config.json'), 'utf8')).toBe('{"check": {"allowNoVerdict": true}}\n');
    expectRefused(memreplay(['check', 't.csv', '--baseline', 'base.json', '--sarif', base, '--force'], undefined, work), base, 'base.json');
    expect(readFileSync(base, 'utf8')).toBe(baseline);
  });

  it('check --update-baseline may still replace the --baseline it compared with (that is what it is for)', () => {
    const w = workspace();
    const work = join(w.dir, 'run');
    expect(memreplay(['check', 't.csv', '--allow-no-verdict', '--update-baseline', 'base.json', '-q'], undefined, work).code).toBe(0);
    const r = memreplay(['check', 't.csv', '--allow-no-verdict', '--baseline', 'base.json', '--update-baseline', './base.json'], undefined, work);
    expect(r.stderr).toBe('Wrote ./base.json (replaced the baseline that was there)\n');
    expect(r.code).toBe(0);
  });
});

describe('report -o DIR never writes a report over one of its traces', () => {
  // A trace named t.json reports as t.json: in its own directory, the report would replace it.
  it('--format json into the trace\'s own directory, even with --force', () => {
    const w = workspace();
    const work = join(w.dir, 'run');
    const trace = join(work, 't.json');
    copyFileSync(w.trace, trace);
    const r = memreplay(['report', 't.json', '-o', '.', '--format', 'json', '--force'], undefined, work);
    expectRefused(r, 't.json', 't.json');
    expect(readFileSync(trace).equals(w.bytes)).toBe(true);
  });

  it('a report that would land on a hard link of a trace of the batch', () => {
    const w = workspace();
    const out = join(w.dir, 'out');
    mkdirSync(out);
    linkSync(w.trace, join(out, 't.json'));
    const other = join(w.dir, 'run', 'u.csv.gz');
    copyFileSync(w.trace, other);
    const r = memreplay(['report', w.trace, other, '-o', out, '--format', 'json', '--force']);
    expectRefused(r, join(out, 't.json'), w.trace);
    expect(readFileSync(w.trace).equals(w.bytes)).toBe(true);
    // Refused before any work: nothing was written.
    expect(existsSync(join(out, 'u.json'))).toBe(false);
    expect(existsSync(join(out, 'index.json'))).toBe(false);
  });
});

describe('record never writes over the program it runs or a file named on its command line', () => {
  // Checked before any interpreter is looked for: these run without Python.
  for (const [flag, args] of [
    ['-o', ['-o', '../run/app.py']],
    ['--stats-out', ['-o', 'new.csv', '--stats-out', 'data.txt']],
  ] as const) {
    it(`record ${flag}, even with --force`, () => {
      const w = workspace();
      const work = join(w.dir, 'run');
      writeFileSync(join(work, 'app.py'), 'print(1)\n');
      writeFileSync(join(work, 'data.txt'), 'input data\n');
      const r = memreplay(['record', ...args, '--force', '--python', 'no-such-python', '--', 'app.py', 'data.txt'], undefined, work);
      const output = args[args.length - 1]!;
      expectRefused(r, output, output === 'data.txt' ? 'data.txt' : 'app.py');
      expect(readFileSync(join(work, 'app.py'), 'utf8')).toBe('print(1)\n');
      expect(readFileSync(join(work, 'data.txt'), 'utf8')).toBe('input data\n');
    });
  }
});

describe('two outputs of one run are never one file', () => {
  it('check --junit and --sarif, leaks -o and --gen-suppressions: refused before any work, even with --force', () => {
    const w = workspace();
    const work = join(w.dir, 'run');
    const c = memreplay(['check', 't.csv', '--allow-no-verdict', '--junit', 'out.xml', '--sarif', './out.xml', '--force'], undefined, work);
    expect(c.stderr).toBe('memreplay: --junit out.xml and --sarif ./out.xml are the same file: give each output its own path\n');
    expect(c.code).toBe(2);
    const l = memreplay(['leaks', 't.csv', '-o', 'out.txt', '--gen-suppressions', '../run/out.txt', '--force'], undefined, work);
    expect(l.stderr).toBe('memreplay: -o out.txt and --gen-suppressions ../run/out.txt are the same file: give each output its own path\n');
    expect(l.code).toBe(2);
    expect(existsSync(join(work, 'out.xml')) || existsSync(join(work, 'out.txt'))).toBe(false);
  });
});
