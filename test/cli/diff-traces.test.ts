// `memreplay diff` of two event traces: call sites of the live blocks (a
// planted leak comes first), the same numbers as `analyze`, and the errors.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

const HEADER = '# python: 3.11.7\nop,addr,size,old_addr,domain,frames,label\n';

/** A trace of `iterations` loops: each allocates at app.py:20 and frees it; `leak` also keeps one block from app.py:31. */
function loopTrace(iterations: number, leak: boolean): string {
  const rows: string[] = [];
  let addr = 0x10000;
  rows.push(`alloc,0x${(addr++).toString(16)}00,300,,obj,"main.py:5;lib/cache.py:12",`);
  for (let i = 0; i < iterations; i++) {
    const temp = `0x${(addr++).toString(16)}00`;
    rows.push(`alloc,${temp},64,,obj,"main.py:9;app.py:20",`);
    if (leak) rows.push(`alloc,0x${(addr++).toString(16)}00,96,,obj,"main.py:9;app.py:31",`);
    rows.push(`free,${temp},,,obj,,`);
    rows.push(`mark,,,,,,iteration ${i + 1}`);
  }
  rows.push(`alloc,0x${(addr++).toString(16)}00,40,,obj,,`); // no stack
  return HEADER + rows.join('\n') + '\n';
}

function traces(): { dir: string; base: string; leaky: string } {
  const dir = tempDir();
  const base = join(dir, 'base.csv');
  const leaky = join(dir, 'leaky.csv');
  writeFileSync(base, loopTrace(50, false));
  writeFileSync(leaky, loopTrace(50, true));
  return { dir, base, leaky };
}

describe('diff of two event traces', () => {
  it('lists the planted leak first, at its file:line, with its bytes and blocks', () => {
    const { base, leaky } = traces();
    const r = memreplay(['diff', base, leaky, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schema).toBe('memreplay.trace-diff/3');
    expect(doc.old.instant).toMatchObject({ mark: null, end: true, event: doc.old.events });
    expect(doc.depth).toBeNull();
    expect(doc.at).toBeNull();
    const [first, ...rest] = doc.liveBlocks.statistics;
    expect(first).toEqual({ frames: [{ filename: 'app.py', lineno: 31 }], size: 50 * 96, sizeDiff: 50 * 96, count: 50, countDiff: 50 });
    // The cache and the stackless block are in both: no change.
    expect(rest.map((s: { sizeDiff: number }) => s.sizeDiff)).toEqual([0, 0]);
    expect(rest[1].frames).toEqual([{ filename: '(no stack) obj size class 2 (48-byte blocks)', lineno: 0, pseudo: true }]);
    expect(doc.liveBlocks.totals).toEqual({ size: 300 + 40 + 50 * 96, sizeDiff: 50 * 96, count: 52, countDiff: 50 });
    const metric = (name: string) => doc.metrics.find((m: { name: string }) => m.name === name);
    expect(metric('end.live_blocks')).toMatchObject({ old: 2, new: 52, diff: 50 });
    expect(metric('end.live_requested_bytes')).toMatchObject({ unit: 'bytes', old: 340, new: 340 + 4800, diff: 4800 });
    expect(metric('high_water.pools_in_use').diff).toBeGreaterThan(0);
  });

  it('the table, --by filename and --format tracemalloc say the same', () => {
    const { base, leaky } = traces();
    const text = memreplay(['diff', base, leaky]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/event traces compared at the end of the trace \(old event \d+; new event \d+\) \(live blocks by lineno\)/);
    expect(text.stdout).toMatch(/4\.69 KiB\s+\+4\.69 KiB\s+50\s+\+50\s+app\.py:31\n/);
    expect(text.stdout).toMatch(/live blocks\s+2\s+52\s+\+50/);
    const byFile = memreplay(['diff', base, leaky, '--by', 'filename', '--style', 'tracemalloc']);
    expect(byFile.stdout).toBe(
      'app.py:0: size=4800 B (+4800 B), count=50 (+50), average=96 B\n' +
        'lib/cache.py:0: size=300 B (+0 B), count=1 (+0), average=300 B\n' +
        '(no stack) obj size class 2 (48-byte blocks):0: size=40 B (+0 B), count=1 (+0), average=40 B\n',
    );
    const cumulative = memreplay(['diff', base, leaky, '--by', 'filename', '--cumulative', '--style', 'tracemalloc']);
    expect(cumulative.stdout.split('\n')[0]).toBe('main.py:0: size=5100 B (+4800 B), count=51 (+50), average=100 B'); // the cache's caller too
  });

  it('--depth keeps the innermost frames of each stack, as tracemalloc\'s traceback_limit', () => {
    const { base, leaky } = traces();
    const doc = JSON.parse(memreplay(['diff', base, leaky, '--by', 'traceback', '--depth', '1', '--json']).stdout);
    expect(doc.depth).toBe(1);
    expect(doc.liveBlocks.statistics[0]).toMatchObject({ frames: [{ filename: 'app.py', lineno: 31 }], sizeDiff: 50 * 96 });
    const full = JSON.parse(memreplay(['diff', base, leaky, '--by', 'traceback', '--json']).stdout);
    expect(full.liveBlocks.statistics[0].frames).toEqual([
      { filename: 'main.py', lineno: 9 },
      { filename: 'app.py', lineno: 31 },
    ]);
    // Cumulative counts only the frames kept: main.py is gone at depth 1.
    const cumulative = memreplay(['diff', base, leaky, '--by', 'filename', '--cumulative', '--depth', '1', '--style', 'tracemalloc']);
    expect(cumulative.stdout.split('\n')[0]).toBe('app.py:0: size=4800 B (+4800 B), count=50 (+50), average=96 B');
    expect(cumulative.stdout).not.toContain('main.py');
    const text = memreplay(['diff', base, leaky, '--depth', '2']);
    expect(text.stdout).toMatch(/live blocks by lineno, innermost 2 frames per stack/);
    const bad = memreplay(['diff', base, leaky, '--depth', '0']);
    expect([bad.code, bad.stderr]).toEqual([2, 'memreplay: --depth "0": expected a whole number >= 1\n']);
  });

  it('--at compares both traces at a mark; a trace can come from standard input', () => {
    const { base, leaky } = traces();
    const r = memreplay(['diff', base, '-', '--at', 'iteration 10', '--json'], readFileSync(leaky));
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.at).toBe('iteration 10');
    expect(doc.new.file).toBe('<stdin>');
    expect(doc.liveBlocks.statistics[0]).toMatchObject({ size: 960, count: 10, countDiff: 10 });
  });

  it('--at keeps each input\'s format and gzip, in the JSON and the header', () => {
    const { dir, base, leaky } = traces();
    const zipped = join(dir, 'leaky.csv.gz');
    writeFileSync(zipped, gzipSync(readFileSync(leaky)));
    const doc = JSON.parse(memreplay(['diff', base, zipped, '--at', 'iteration 10', '--json']).stdout);
    expect([doc.old.format, doc.old.gzip, doc.new.format, doc.new.gzip]).toEqual(['csv', false, 'csv', true]);
    const text = memreplay(['diff', base, zipped, '--at', 'iteration 10']).stdout;
    expect(text).toContain(`  old  ${base}  (csv; CPython 3.11 model; `);
    expect(text).toContain(`  new  ${zipped}  (csv, gzip; CPython 3.11 model; `);
  });

  it('reports the same high-water marks and fragmentation as analyze', () => {
    const older = join(FIXTURES, 'startup-3.11.csv.gz');
    const newer = join(FIXTURES, 'startup-3.13.csv.gz');
    // At the ends: the diff's high-water marks are those of the replay up to its instant, analyze's of the whole trace.
    const doc = JSON.parse(memreplay(['diff', older, newer, '--json', '--at-end']).stdout);
    const analyzed = JSON.parse(memreplay(['analyze', older, newer, '--json', '--at-end']).stdout);
    const metric = (name: string) => doc.metrics.find((m: { name: string }) => m.name === name);
    for (const [i, side] of [[0, 'old'], [1, 'new']] as const) {
      const a = analyzed.traces[i];
      expect(doc[side].python.version).toBe(a.python.version);
      expect(doc[side].fragmentation).toEqual(a.fragmentation);
      expect(doc[side].instant).toEqual(a.at);
      for (const m of ['arenas', 'pools_in_use', 'footprint_bytes', 'live_requested_bytes']) {
        expect(metric(`high_water.${m}`)[side]).toBe(a.highWater[m].value);
      }
      expect(metric('end.allocated_blocks')[side]).toBe(a.judged.allocatedBlocks);
      expect(metric('fragmentation.arena_peak.utilisation')[side]).toBe(a.fragmentation.arenaPeak.utilisation);
      expect(doc.liveBlocks.totals.count - (side === 'old' ? doc.liveBlocks.totals.countDiff : 0)).toBe(a.liveBlocks.totalBlocks);
    }
  });

  it('counts one event, one block, one anomaly and one frame in the singular', () => {
    const dir = tempDir();
    const one = join(dir, 'one.csv');
    const two = join(dir, 'two.csv');
    writeFileSync(one, HEADER + 'alloc,0x10000,16,,obj,"main.py:1;app.py:2",\n');
    writeFileSync(two, HEADER + 'alloc,0x10000,16,,obj,"main.py:1;app.py:2",\nfree,0x99000,,,obj,,\n');
    const r = memreplay(['diff', one, two, '--by', 'traceback', '--depth', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(live blocks by traceback, innermost 1 frame per stack)\n');
    expect(r.stdout).toContain(`  old  ${one}  (csv; CPython 3.11 model; 1 event)\n`);
    expect(r.stdout).toContain(`  new  ${two}  (csv; CPython 3.11 model; 2 events, 1 anomaly)\n`);
    expect(r.stdout).toContain('\nlive blocks at the end of the trace (old event 1; new event 2): 16 B (0 B) in 1 block (0)\n');
  });

  it('groups the blocks of traces without call stacks by domain and size class, and says so instead of the --by key', () => {
    // At the ends (--at-end); by default at each trace's stats mark (below).
    const r = memreplay(['diff', '--at-end', join(FIXTURES, 'startup-3.11.csv.gz'), join(FIXTURES, 'startup-3.12.csv.gz')]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^event traces compared at the end of the trace \(old event [\d,]+; new event [\d,]+\) \(live blocks by domain and size class: neither trace has call stacks\)$/);
    expect(r.stdout).toMatch(/\nlive blocks at the end of the trace \(old event [\d,]+; new event [\d,]+\): 78\.5 KiB/);
    expect(r.stdout).toContain(': 78.5 KiB (+78.5 KiB) in 1,558 blocks (+1,558)\nlargest changes by domain and size class (3 of 3):\n');
    expect(r.stdout).toMatch(/ +size +diff +blocks +diff {2}group\n/);
    expect(r.stdout).not.toContain('by lineno');
  });

  it('compares each trace at its stats mark by default, as leaks, check and the report judge it, else at its end; each side says which', () => {
    const startup = join(FIXTURES, 'startup-3.11.csv.gz');
    const r = memreplay(['diff', startup, startup]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^event traces compared at mark "stats" /);
    expect(r.stdout).toBe(memreplay(['diff', '--at', 'stats', startup, startup]).stdout);
    const doc = JSON.parse(memreplay(['diff', '--json', startup, startup]).stdout);
    expect([doc.at, doc.old.at, doc.new.at]).toEqual(['stats', 'stats', 'stats']);
    // A trace without a stats mark is compared at its end, and the text names both instants.
    const { base } = traces();
    const mixed = memreplay(['diff', base, startup]);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout.split('\n')[0]).toMatch(/^event traces compared old at the end of the trace \(event \d+\), new at mark "stats" \(event [\d,]+\) /);
    const mixedDoc = JSON.parse(memreplay(['diff', '--json', base, startup]).stdout);
    expect([mixedDoc.at, mixedDoc.old.at, mixedDoc.new.at]).toEqual([null, null, 'stats']);
    expect([mixedDoc.old.instant.end, mixedDoc.new.instant.mark]).toEqual([true, 'stats']);
    expect(memreplay(['diff', '--at', 'stats', '--at-end', startup, startup]).code).toBe(2);
  });

  it('writes the report with -o and keeps an existing file without --force', () => {
    const { dir, base, leaky } = traces();
    const out = join(dir, 'diff.json');
    expect(memreplay(['diff', base, leaky, '--json', '-o', out]).stderr).toBe(`Wrote ${out}\n`);
    const again = memreplay(['diff', base, leaky, '--json', '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--force/);
  });
});

describe('diff usage errors: one line, exit 2', () => {
  const { base, leaky } = traces();
  it.each([
    ['both inputs on standard input', ['diff', '-', '-'], /^memreplay: only one of OLD and NEW can be - \(standard input\)\n$/],
    ['--json with --style tracemalloc', ['diff', base, leaky, '--json', '--style', 'tracemalloc'], /^memreplay: --json and --style tracemalloc are two different outputs/],
    ['a label for an event trace', ['diff', base, leaky, '--old-label', 'x'], /base\.csv: --old-label applies only to JSONL snapshot files; this is an event trace$/m],
    ['a mark that is not there', ['diff', base, leaky, '--at', 'nope'], /no mark labelled "nope" in the trace/],
    ['a missing file', ['diff', base, join(tempDir(), 'missing.csv')], /cannot read trace .*missing\.csv: no such file/],
  ])('%s', (_what, args, message) => {
    const r = memreplay(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
