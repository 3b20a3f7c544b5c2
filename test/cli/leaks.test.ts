import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iterationsTrace } from '../analyzers/trace-writer.js';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

function leakyTrace(leak = true): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, leak ? 'leaky.csv' : 'clean.csv');
  writeFileSync(file, iterationsTrace(10, leak));
  return { dir, file };
}

describe('memreplay leaks', () => {
  it('names the steady-state leak with its slope, evidence, pools and stack', () => {
    const { file } = leakyTrace();
    const r = memreplay(['leaks', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Every site seen is counted once: 4 (3 live at the end), the one transient freed.
    expect(r.stdout).toContain(
      'growth: 10 marks; warm-up 1 mark, 9 intervals after it; 4 sites seen (3 of them live at the end of the trace): 1 steady-state leak site, 1 bounded, 1 retained once, 1 transient',
    );
    expect(r.stdout).toContain('in 3 sites by lineno');
    expect(r.stdout).toContain('steady-state leaks (1):\n  remember (app/server.py:42)\n    +64 B per mark; 640 B in 10 blocks live at the end of the trace; rose in 9 of 9 intervals after the warm-up');
    expect(r.stdout).toContain('live bytes per sample, from the start of the trace (| ends the warm-up): 0 B  | 64 B  128 B');
    expect(r.stdout).toContain('size classes: 64 B x 10; pools 1/1, arenas 1/0');
    // The cache filled in the first two iterations: shown as bounded, with its evidence, not failed.
    expect(r.stdout).toContain(
      'bounded (1): grew after the warm-up, then levelled off (caches); not leaks:\n  warm (app/cache.py:10)\n' +
        '    +27 B per mark; 1000 B live at the end of the trace; live bytes per sample: 0 B  | 500 B  1000 B  1000 B',
    );
    expect(r.stdout).toMatch(/retained once {2}lib\/python3\.11\/json\/decoder\.py:30/);
  });

  it('--lenient says how many bad records it skipped, with the first ones, in text and --json', () => {
    const { file } = leakyTrace();
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(2, 0, 'alloc,zz,1,,obj,1,1,,,');
    writeFileSync(file, lines.join('\n'));
    const r = memreplay(['leaks', file, '--lenient']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^== .*\nwarning: skipped 1 bad record \(--lenient\); the figures below leave them out\n {2}line 3: /);
    const doc = JSON.parse(memreplay(['leaks', file, '--lenient', '--json']).stdout);
    expect(doc.skippedRecords).toMatchObject({ count: 1, examples: [{ line: 3 }] });
    expect(JSON.parse(memreplay(['leaks', leakyTrace().file, '--json']).stdout).skippedRecords).toEqual({ count: 0, examples: [] });
  });

  it('--json prints the memreplay.leaks/1 document', () => {
    const { file } = leakyTrace();
    const doc = JSON.parse(memreplay(['leaks', file, '--json', '--by', 'function']).stdout);
    expect(doc.schema).toBe('memreplay.leaks/1');
    expect(doc.groupedBy).toBe('function');
    expect(doc.hasStacks).toBe(true);
    expect(doc.sites[0]).toMatchObject({ key: 'remember (app/server.py)', growth: { class: 'steady_leak', slope: 64 } });
  });

  it('--gen-suppressions writes entries that then suppress the findings', () => {
    const { dir, file } = leakyTrace();
    const supp = join(dir, 'generated.supp');
    const gen = memreplay(['leaks', file, '--gen-suppressions', supp]);
    expect(gen.code).toBe(0);
    expect(gen.stderr).toBe(`Wrote ${supp}\n`);
    const text = readFileSync(supp, 'utf8');
    expect(text).toContain('# steady-state leak, 640 bytes live in 10 blocks: remember (app/server.py:42)\nleak:app/server.py:42\n');
    const again = JSON.parse(memreplay(['leaks', file, '--json', '--suppressions', supp]).stdout);
    expect(again.sites).toEqual([]);
    expect(again.totals.suppressedBlocks).toBe(40);
    // Not overwritten without --force.
    const twice = memreplay(['leaks', file, '--gen-suppressions', supp]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe(`memreplay: ${supp} exists; pass --force to overwrite it\n`);
  });

  it('--gen-suppressions writes paths that work on another machine and patch release, which the matcher accepts', () => {
    const dir = tempDir();
    const project = join(dir, 'proj');
    mkdirSync(project);
    const file = join(dir, 'paths.csv');
    const frames = [
      '/home/.pyenv/versions/3.10.13/lib/python3.10/email/utils.py:162',
      'attr (/srv/venv/lib/python3.10/site-packages/attr/_make.py:7)',
      `main (${project}/app/jobs.py:30)`,
      'C:\\Python310\\Lib\\json\\decoder.py:353',
      '/opt/elsewhere/tool.py:5',
    ];
    const rows = ['# python: 3.10.13', 'op,addr,size,old_addr,domain,frames,label', ...frames.map((f, i) => `alloc,0x${(i + 1).toString(16)}0000,${100 * (5 - i)},,obj,"${f}",`)];
    writeFileSync(file, rows.join('\n') + '\n');
    const r = memreplay(['leaks', file, '--project-root', project, '--gen-suppressions', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('leak:'))).toEqual([
      'leak:email/utils.py:162',
      'leak:attr/_make.py:7',
      'leak:app/jobs.py:30',
      'leak:json/decoder.py:353',
      'leak:/opt/elsewhere/tool.py:5',
    ]);
    const supp = join(dir, 'portable.supp');
    writeFileSync(supp, r.stdout);
    const again = JSON.parse(memreplay(['leaks', file, '--json', '--suppressions', supp]).stdout);
    expect(again.sites).toEqual([]);
    expect(again.totals.suppressedBlocks).toBe(5);
  });

  it('--gen-suppressions - prints the entries instead of the report', () => {
    const { file } = leakyTrace();
    const r = memreplay(['leaks', file, '--gen-suppressions', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('# memreplay: suppressions for 3 sites of')).toBe(true);
  });

  it('reads .memreplay-suppressions in the working directory', () => {
    const { dir, file } = leakyTrace();
    writeFileSync(join(dir, '.memreplay-suppressions'), '# accepted\nleak:remember\n');
    const r = memreplay(['leaks', file, '--json'], undefined, dir);
    const doc = JSON.parse(r.stdout);
    expect(doc.growth.steadyLeakSites).toBe(0);
    expect(doc.suppressions).toEqual([{ pattern: 'remember', file: '.memreplay-suppressions', line: 2, blocks: 10, bytes: 640 }]);
  });

  it('fails with exit 2 and file:line for a bad suppression line', () => {
    const { dir, file } = leakyTrace();
    const supp = join(dir, 'bad.supp');
    writeFileSync(supp, 'leak:ok\nfun:x\n');
    const r = memreplay(['leaks', file, '--suppressions', supp]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`memreplay: ${supp}:2: expected "leak:PATTERN" (a comment starts with #), got "fun:x"\n`);
  });

  it('rejects a bad --warmup or --depth with exit 2, no stack trace', () => {
    const { file } = leakyTrace();
    const w = memreplay(['leaks', file, '--warmup', 'lots']);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('--warmup "lots": expected a whole number of intervals or a percentage below 100%');
    const d = memreplay(['leaks', file, '--depth', '2']);
    expect(d.code).toBe(2);
    expect(d.stderr).toBe('memreplay: --depth applies to --by traceback only\n');
    expect(hasStackTrace(w.stderr + d.stderr)).toBe(false);
  });

  it('on a real CPython trace without stacks, groups by domain and size class and uses event windows', () => {
    // The end (--at-end): by default leaks judges the trace's stats mark, as check and the report do (below).
    const r = memreplay(['leaks', join(FIXTURES, 'startup-3.12.csv.gz'), '--json', '--at-end']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.growth.basis).toBe('windows');
    // CPython's own stats at the final mark (the last record): 1,558 blocks in use, none left with the C library.
    expect(doc.totals.liveBlocks).toBe(1_558);
    expect(doc.sites.every((s: { noStack: unknown }) => s.noStack !== null)).toBe(true);
    expect(doc.hasStacks).toBe(false);
    // The text names the groups for what they are, not by the --by it could not apply.
    const text = memreplay(['leaks', join(FIXTURES, 'startup-3.12.csv.gz'), '--at-end']).stdout;
    expect(text).toContain('1,558 blocks, 78.5 KiB requested, in 3 groups by domain and size class (the trace has no call stacks)\n');
    expect(text).toMatch(/\nother live groups by bytes \(top 3\):\n +live +blocks +pools +arenas +growth +group\n/);
    expect(text).not.toMatch(/by lineno|live sites|\d sites? by/);
    const atStats = memreplay(['leaks', join(FIXTURES, 'startup-3.12.csv.gz'), '--at', 'stats']).stdout;
    expect(atStats).toContain('in 54 groups by domain and size class (no call stacks up to this mark)\n');
    // No --at: the stats mark, the same figures (the replay reads on to the end only to see whether the trace is complete).
    const byDefault = memreplay(['leaks', join(FIXTURES, 'startup-3.12.csv.gz')]).stdout;
    expect(byDefault).toBe(atStats);
    expect(memreplay(['leaks', '--at', 'stats', '--at-end', join(FIXTURES, 'startup-3.12.csv.gz')]).code).toBe(2);
  });
});
