// --by and --depth name the sites of analyze and report as they name those of
// leaks: one grouping everywhere, on workers too, with the same errors.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, memreplay, tempDir } from './helpers.js';

/** Two call sites in one function and file, reached from two callers; one block without a stack. */
function trace(dir: string, name = 'sites.csv'): string {
  const file = join(dir, name);
  const rows = [
    '# python: 3.11.7',
    'op,addr,size,old_addr,domain,frames,label',
    'alloc,0x10000,100,,obj,"main (main.py:1);load (app/io.py:10)",',
    'alloc,0x20000,200,,obj,"main (main.py:2);load (app/io.py:12)",',
    'alloc,0x30000,300,,obj,"main (main.py:3);parse (app/io.py:30)",',
    'alloc,0x40000,40,,mem,,',
  ];
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

interface Group {
  key: string;
  blocks: number;
  requestedBytes: number;
}

function groupsOf(args: string[]): Group[] {
  const r = memreplay(['analyze', ...args, '--json']);
  expect(r.stderr).toBe('');
  const doc = JSON.parse(r.stdout);
  expect(doc.schema).toBe('memreplay.analyze/3');
  return doc.traces[0].liveBlocks.groups.map((g: Group) => [g.key, g.blocks, g.requestedBytes]);
}

describe('--by and --depth in analyze and report', () => {
  it('analyze names sites by line (default), function, file or the innermost frames of the traceback', () => {
    const file = trace(tempDir());
    const noStack = ['(no stack) mem size class 2 (48-byte blocks)', 1, 40];
    expect(groupsOf([file])).toEqual([['parse (app/io.py:30)', 1, 300], ['load (app/io.py:12)', 1, 200], ['load (app/io.py:10)', 1, 100], noStack]);
    expect(groupsOf([file, '--by', 'function'])).toEqual([['load (app/io.py)', 2, 300], ['parse (app/io.py)', 1, 300], noStack]);
    expect(groupsOf([file, '--by', 'filename'])).toEqual([['app/io.py', 3, 600], noStack]);
    expect(groupsOf([file, '--by', 'traceback', '--depth', '2'])[0]).toEqual(['main (main.py:3); parse (app/io.py:30)', 1, 300]);
    const text = memreplay(['analyze', file, '--by', 'traceback', '--depth', '1']);
    expect(text.stdout).toMatch(/live blocks at the end of the trace \(event \d+[^)]*\) by traceback \(depth 1; 4 sites\):/);
  });

  it('analyze passes --by to its workers: the same groups with --jobs 2', () => {
    const dir = tempDir();
    const a = trace(dir, 'a.csv');
    const b = trace(dir, 'b.csv');
    const one = memreplay(['analyze', a, b, '--by', 'filename', '--json', '-j', '1']);
    const two = memreplay(['analyze', a, b, '--by', 'filename', '--json', '-j', '2']);
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout).traces[1].liveBlocks.groups[0].key).toBe('app/io.py');
  });

  it('report names the sites of every table by --by', () => {
    const dir = tempDir();
    const file = trace(dir);
    const r = memreplay(['report', file, '-o', dir, '--format', 'json', '--by', 'filename', '-q']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'sites.json'), 'utf8'));
    expect(doc.schema).toBe('memreplay.report/3');
    expect(doc.analyze.liveBlocks.groups[0].key).toBe('app/io.py');
    expect(doc.pinning.judged.sitesByArenasPinned[0].site).toBe('app/io.py');
    expect(doc.highWater.live_requested_bytes.live.groups[0].key).toBe('app/io.py');
    expect(doc.leaks.groupedBy).toBe('filename');
    expect(doc.leaks.sites[0]).toMatchObject({ key: 'app/io.py', blocks: 3, requestedBytes: 600 });
  });

  it('rejects --depth without --by traceback, or below 1, with exit 2 and one line', () => {
    const dir = tempDir();
    const file = trace(dir);
    for (const [cmd, extra] of [
      ['analyze', []],
      ['report', ['-o', dir]],
    ] as const) {
      const r = memreplay([cmd, file, ...extra, '--depth', '2']);
      expect([r.code, r.stderr]).toEqual([2, 'memreplay: --depth applies to --by traceback only\n']);
      const zero = memreplay([cmd, file, ...extra, '--by', 'traceback', '--depth', '0']);
      expect([zero.code, zero.stderr]).toEqual([2, 'memreplay: --depth "0": expected a whole number >= 1\n']);
      expect(hasStackTrace(zero.stderr)).toBe(false);
    }
  });
});

describe('sites blame the user code: import frames folded, the project preferred', () => {
  /** Blocks under importlib (frozen and, as older builds write it, from its source) and under json, called from a project. */
  function importTrace(dir: string, project: string): string {
    const file = join(dir, 'imports.csv');
    const boot = '_find_and_load (<frozen importlib._bootstrap>:1176);exec_module (<frozen importlib._bootstrap_external>:940)';
    const rows = [
      '# python: 3.11.7',
      'op,addr,size,old_addr,domain,frames,label',
      // compiling the imported module: the import line's
      `alloc,0x10000,100,,obj,"<module> (${project}/main.py:3);${boot};_call_with_frames_removed (<frozen importlib._bootstrap>:241)",`,
      `alloc,0x20000,200,,obj,"<module> (${project}/main.py:3);_find_and_load (/usr/lib/python3.8/importlib/_bootstrap.py:983);_compile_bytecode (/usr/lib/python3.8/importlib/_bootstrap_external.py:729)",`,
      // the imported module's own code
      `alloc,0x30000,300,,obj,"<module> (${project}/main.py:3);${boot};<module> (${project}/heavy.py:5)",`,
      // a library call from the project
      `alloc,0x40000,400,,obj,"<module> (${project}/main.py:3);${boot};<module> (${project}/heavy.py:7);loads (/usr/lib/python3.11/json/__init__.py:346)",`,
      // only importlib: nothing to fold into
      'alloc,0x50000,50,,obj,"_install (<frozen importlib._bootstrap>:1356)",',
    ];
    writeFileSync(file, rows.join('\n') + '\n');
    return file;
  }

  it('folds importlib into the import line or the imported code, and names a site by its project frame', () => {
    const dir = tempDir();
    const file = importTrace(dir, dir);
    expect(groupsOf([file, '--project-root', dir])).toEqual([
      [`<module> (${dir}/heavy.py:7)`, 1, 400],
      [`<module> (${dir}/main.py:3)`, 2, 300],
      [`<module> (${dir}/heavy.py:5)`, 1, 300],
      ['_install (<frozen importlib._bootstrap>:1356)', 1, 50],
    ]);
    // The project root defaults to the working directory.
    const r = memreplay(['analyze', file, '--json'], undefined, dir);
    expect(JSON.parse(r.stdout).traces[0].liveBlocks.groups.map((g: Group) => g.key)[0]).toBe(`<module> (${dir}/heavy.py:7)`);
  });

  it('--keep-import-frames keeps importlib in the sites; a project root elsewhere names sites by their innermost frame', () => {
    const dir = tempDir();
    const file = importTrace(dir, dir);
    const elsewhere = tempDir();
    expect(groupsOf([file, '--project-root', elsewhere, '--keep-import-frames'])).toEqual([
      ['loads (/usr/lib/python3.11/json/__init__.py:346)', 1, 400],
      [`<module> (${dir}/heavy.py:5)`, 1, 300],
      ['_compile_bytecode (/usr/lib/python3.8/importlib/_bootstrap_external.py:729)', 1, 200],
      ['_call_with_frames_removed (<frozen importlib._bootstrap>:241)', 1, 100],
      ['_install (<frozen importlib._bootstrap>:1356)', 1, 50],
    ]);
    expect(groupsOf([file, '--project-root', elsewhere, '--by', 'traceback', '--depth', '2'])).toEqual([
      [`<module> (${dir}/heavy.py:7); loads (/usr/lib/python3.11/json/__init__.py:346)`, 1, 400],
      [`<module> (${dir}/main.py:3)`, 2, 300],
      [`<module> (${dir}/main.py:3); <module> (${dir}/heavy.py:5)`, 1, 300],
      ['_install (<frozen importlib._bootstrap>:1356)', 1, 50],
    ]);
  });

  it('rejects a --project-root that is not a directory with exit 2 and one line', () => {
    const dir = tempDir();
    const r = memreplay(['leaks', importTrace(dir, dir), '--project-root', join(dir, 'nope')]);
    expect([r.code, r.stderr]).toEqual([2, `memreplay: --project-root ${JSON.stringify(join(dir, 'nope'))}: expected an existing directory\n`]);
  });
});

describe('site names shortened in the middle of their path, to the terminal', () => {
  const TESTS = '/home/.pyenv/versions/3.11.7/lib/python3.11/test/test_asyncio/test_tasks.py';
  const LINES = [2450, 2459, 2462];
  function threeRows(dir: string): string {
    const file = join(dir, 'rows.csv');
    const rows = [
      '# python: 3.11.7',
      'op,addr,size,old_addr,domain,frames,label',
      ...LINES.map((line, i) => `alloc,0x${i + 1}0000,${100 * (3 - i)},,obj,"<module> (/home/.pyenv/versions/3.11.7/lib/python3.11/unittest/__main__.py:18);add_subclass_tests (${TESTS}:${line})",`),
    ];
    writeFileSync(file, rows.join('\n') + '\n');
    return file;
  }

  it('keeps the three rows of one function and file distinct, with their lines, in leaks, analyze and check at any COLUMNS', () => {
    const file = threeRows(tempDir());
    for (const columns of ['80', '120', '']) {
      const env = { COLUMNS: columns };
      const outputs = [
        memreplay(['leaks', file], undefined, undefined, env).stdout,
        memreplay(['analyze', file], undefined, undefined, env).stdout,
        memreplay(['check', file, '--max-site-leaked-bytes', '1'], undefined, undefined, env).stdout,
      ];
      for (const out of outputs) {
        for (const line of LINES) expect(out).toMatch(new RegExp(`add_subclass_tests \\(…?[^ ]*/test_tasks\\.py:${line}\\)`));
      }
      const table = outputs[0]!.split('\n').filter((l) => l.includes('add_subclass_tests'));
      expect(table).toHaveLength(3);
      // Within the terminal, unless the function, file name and line alone (41 characters after 61 of figures) are wider.
      if (columns !== '') for (const l of table) expect(l.length).toBeLessThanOrEqual(Math.max(Number(columns), 61 + 'add_subclass_tests (…/test_tasks.py:2450)'.length));
    }
    // COLUMNS=200 leaves room for the whole name.
    expect(memreplay(['leaks', file], undefined, undefined, { COLUMNS: '200' }).stdout).toContain(`add_subclass_tests (${TESTS}:2450)`);
  });

  it('with --by traceback keeps the innermost frame whole longest', () => {
    const file = threeRows(tempDir());
    // 200 columns leave 139 for the name: the outer frame loses its directories, the innermost none.
    const wide = memreplay(['leaks', file, '--by', 'traceback'], undefined, undefined, { COLUMNS: '200' }).stdout;
    for (const line of LINES) expect(wide).toContain(`  <module> (…/__main__.py:18); add_subclass_tests (${TESTS}:${line})\n`);
    // 120 leave 59: the outer frame goes before the innermost one gives way.
    const narrow = memreplay(['leaks', file, '--by', 'traceback'], undefined, undefined, { COLUMNS: '120' }).stdout;
    for (const line of LINES) expect(narrow).toContain(`  …; add_subclass_tests (…/test_asyncio/test_tasks.py:${line})\n`);
  });
});
