import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

const VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];

describe('memreplay stats', () => {
  for (const v of VERSIONS) {
    it(`prints CPython ${v}'s own stats text at the stats mark, byte for byte`, () => {
      const r = memreplay(['stats', join(FIXTURES, `startup-${v}.csv.gz`), '--at', 'stats']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(pymallocPartOf(readFileSync(join(FIXTURES, `startup-${v}.stats.txt`), 'utf8')));
    });
  }

  it('prints the stats at the end of the trace by default (the final mark is the last record)', () => {
    const r = memreplay(['stats', join(FIXTURES, 'startup-3.12.csv.gz')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(FIXTURES, 'startup-3.12.final.stats.txt'), 'utf8'));
  });

  it('--verify reports every address predicted, matching arenas, and exits 0', () => {
    const r = memreplay(['stats', join(FIXTURES, 'startup-3.8.csv.gz'), '--verify']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/23,673 of 23,673 pymalloc block addresses predicted exactly/);
    expect(r.stderr).toMatch(/arenas 17 taken from the trace, 11 releases matched, 0 mismatches/);
    expect(r.stderr).toMatch(/EXACT/);
  });

  it('--interp N prints that interpreter\'s pymalloc state (the main one by default), --json names it', () => {
    const dir = tempDir();
    const file = join(dir, 'two-interpreters.csv');
    // Interpreter 1 has one arena and two blocks, the main one an arena and one block.
    writeFileSync(
      file,
      [
        '# python: 3.12.4',
        'op,addr,size,old_addr,domain,label,interp',
        'arena_alloc,0x7f0000000000,1048576,,,,',
        'alloc,0x7f0000000030,16,,obj,,',
        'arena_alloc,0x7f0000400000,1048576,,,,1',
        'alloc,0x7f0000400030,16,,obj,,1',
        'alloc,0x7f0000400040,16,,obj,,1',
        '',
      ].join('\n'),
    );
    const main = memreplay(['stats', file, '--json', '--verify']);
    expect(main.code).toBe(0);
    const mainDoc = JSON.parse(main.stdout);
    expect(mainDoc).toMatchObject({ interp: 0, allocatedBlocks: 1, verification: { exact: true } });
    const sub = JSON.parse(memreplay(['stats', file, '--json', '--interp', '1']).stdout);
    expect(sub).toMatchObject({ interp: 1, allocatedBlocks: null });
    expect(sub.stats.arenasCurrent).toBe(1);
    expect(sub.stats.bytesInAllocatedBlocks).toBe(32);
    expect(mainDoc.stats.bytesInAllocatedBlocks).toBe(16);
    const text = memreplay(['stats', file, '--interp', '1']);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toBe(memreplay(['stats', file]).stdout);
    const missing = memreplay(['stats', file, '--interp', '5']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--interp 5: the trace has no event of that interpreter up to this instant; it has interpreters 0, 1');
    expect(hasStackTrace(missing.stderr)).toBe(false);
    // analyze names the states and says the high-water marks are summed over them.
    const analyzed = JSON.parse(memreplay(['analyze', file, '--json']).stdout).traces[0];
    expect(analyzed.interpreters).toEqual([
      { interp: 0, arenas: 1, blocksInUse: 1 },
      { interp: 1, arenas: 1, blocksInUse: 2 },
    ]);
    expect(analyzed.highWater.arenas.value).toBe(2);
    expect(memreplay(['analyze', file]).stdout).toContain(
      'pymalloc states at the end of the trace (event 5): 2 (main 1 arena, 1 block; interp 1 1 arena, 2 blocks); high-water marks are summed over them, fragmentation is the main one\'s',
    );
    const bad = memreplay(['stats', file, '--interp', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--interp "x": expected a whole number >= 0');
  });

  it('--lenient counts one skipped record in the singular', () => {
    const dir = tempDir();
    const file = join(dir, 'one-bad.csv');
    writeFileSync(file, '# python: 3.11.7\nop,addr,size,old_addr,domain,label\nalloc,0x10000,16,,obj,\nallok,0x20000,16,,obj,\n');
    const r = memreplay(['stats', file, '--lenient']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`memreplay: ${file}: skipped 1 bad record (--lenient)\n`);
  });

  it('--verify counts one arena release in the singular', () => {
    // CPython 3.11's start-up gives back one of its two arenas at finalization.
    const r = memreplay(['stats', join(FIXTURES, 'startup-3.11.csv.gz'), '--verify']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(': arenas 2 taken from the trace, 1 release matched, 0 mismatches\n');
  });

  it('--verify exits 1 and names the line when the trace disagrees with the model', () => {
    const dir = tempDir();
    const file = join(dir, 'wrong.csv');
    writeFileSync(
      file,
      [
        '# python: 3.11.7',
        'op,addr,size,old_addr,domain,label',
        'arena_alloc,0x7f0000000000,1048576,,,',
        'alloc,0x7f0000000030,16,,obj,',
        'alloc,0x7f0000000050,16,,obj,', // the model puts the second 16-byte block at +0x40
        '',
      ].join('\n'),
    );
    const r = memreplay(['stats', file, '--verify']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 of 2 pymalloc block addresses predicted exactly, 1 differ');
    expect(r.stderr).toContain('wrong.csv:5: trace 0x7f0000000050, model 0x7f0000000040');
    expect(r.stderr).toContain('NOT EXACT');
  });

  it('--at-event N gives the same stats as the mark that is event N', () => {
    const file = join(FIXTURES, 'startup-3.10.csv.gz');
    const atMark = JSON.parse(memreplay(['stats', file, '--at', 'stats', '--json']).stdout);
    expect(atMark.schema).toBe('memreplay.stats/1');
    const atEvent = memreplay(['stats', file, '--at-event', String(atMark.at.event)]);
    expect(atEvent.code).toBe(0);
    expect(atEvent.stdout).toBe(pymallocPartOf(readFileSync(join(FIXTURES, 'startup-3.10.stats.txt'), 'utf8')));
    expect(atMark.allocatedBlocks).toBe(15_087);
    expect(atMark.stats.arenasCurrent).toBe(2);
  });

  it('--at-event past the end of the trace says how many events it has (singular for one)', () => {
    const dir = tempDir();
    const one = join(dir, 'one.csv');
    writeFileSync(one, 'op,addr,size,old_addr,domain,label\nmark,,,,,only\n');
    const r = memreplay(['stats', one, '--at-event', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--at-event 2 is past the end of the trace (1 event)');
    const big = memreplay(['stats', join(FIXTURES, 'startup-3.10.csv.gz'), '--at-event', '99999999']);
    expect(big.stderr).toMatch(/--at-event 99999999 is past the end of the trace \(\d{1,3}(,\d{3})+ events\)/);
  });

  it('reads a trace from stdin with -', () => {
    const r = memreplay(['stats', '-', '--at', 'stats'], readFileSync(join(FIXTURES, 'startup-3.9.csv.gz')));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(pymallocPartOf(readFileSync(join(FIXTURES, 'startup-3.9.stats.txt'), 'utf8')));
  });

  it('fails with exit 2 and a one-line message naming the marks the trace has when the mark does not exist', () => {
    const r = memreplay(['stats', join(FIXTURES, 'startup-3.11.csv.gz'), '--at', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: .*startup-3\.11\.csv\.gz: no mark labelled "nope" in the trace; it has 2 marks: "stats", "final"\n$/);
  });

  it('lists many marks by label shape, a few then how many more', () => {
    const labels = ['iteration 1', 'iteration 2', 'warm', 'a', 'b', 'c', 'd', 'e'];
    const trace = 'op,addr,size,label\n' + labels.map((l) => `mark,,,${l}\n`).join('');
    const r = memreplay(['stats', '-', '--at', 'iteration'], trace);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: <stdin>: no mark labelled "iteration" in the trace; it has 8 marks: "iteration *" x2, "warm", "a", "b" and 3 more\n');
  });

  it('rejects an unknown --python version with exit 2', () => {
    const r = memreplay(['stats', join(FIXTURES, 'startup-3.11.csv.gz'), '--python', '3.7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--python "3.7": expected one of 3.8, 3.9, 3.10, 3.11, 3.12, 3.13');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
