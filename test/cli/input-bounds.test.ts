// Small files that used to cost gigabytes (issue 10): each is generated here,
// run through the CLI with a 512 MiB heap, and must end with a clear one-line
// error (exit 2) or a normal result, in bounded memory and without a stack
// trace. Peak memory is read from the child itself (peak-rss.cjs), so a
// regression shows as a failure even where the old code squeezed into 512 MiB
// by collecting garbage harder.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { hasStackTrace, memreplay, tempDir } from './helpers.js';

const dir = tempDir();
const PEAK_RSS = join(dir, 'peak-rss');

/** Run the CLI with a 512 MiB heap; its peak RSS in MiB with the result. */
function run(args: string[]): { code: number; stderr: string; stdout: string; peakMiB: number } {
  const r = memreplay(args, undefined, dir, {
    NODE_OPTIONS: `--max-old-space-size=512 --require ${join(__dirname, 'peak-rss.cjs')}`,
    MEMREPLAY_TEST_PEAK_RSS: PEAK_RSS,
  });
  expect(hasStackTrace(r.stderr)).toBe(false);
  return { ...r, peakMiB: Number(readFileSync(PEAK_RSS, 'utf8')) / (1024 * 1024) };
}

function file(name: string, bytes: Uint8Array | string): string {
  writeFileSync(join(dir, name), bytes);
  return name;
}

/** A gzip file of `times` copies of `line`, as concatenated gzip members (each compresses a line once). */
function gzipRepeated(header: string, line: string, times: number): Buffer {
  const member = gzipSync(Buffer.from(line));
  return Buffer.concat([gzipSync(Buffer.from(header)), ...Array<Buffer>(times).fill(member)]);
}

describe('pickles that used to expand shared structure (diff)', () => {
  test('35 bytes: a dict key 28 tuples deep (was 1.1 GB and exit 3)', () => {
    const name = file('nested.pickle', Buffer.from([0x80, 2, 0x7d, 0x4e, ...Array(28).fill(0x85), 0x4e, 0x73, 0x2e]));
    const r = run(['diff', name, name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: nested.pickle: not a tracemalloc snapshot: the pickle holds a dict, not a tracemalloc.Snapshot\n');
    expect(r.peakMiB).toBeLessThan(200);
  });

  test('253 bytes: a dict key that is a memo-shared tuple tree of 2^30 leaves (was 3 GB)', () => {
    const parts = [0x80, 2, 0x7d, 0x4e, 0x85, 0x71, 0, 0x30];
    for (let k = 0; k < 30; k++) parts.push(0x68, k, 0x68, k, 0x86, 0x71, k + 1, 0x30);
    parts.push(0x68, 30, 0x4e, 0x73, 0x2e);
    const name = file('tree.pickle', Buffer.from(parts));
    const r = run(['diff', name, name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: tree.pickle: not a tracemalloc snapshot: the pickle holds a dict, not a tracemalloc.Snapshot\n');
    expect(r.peakMiB).toBeLessThan(200);
  });

  test('a protocol 6 pickle says its protocol is not supported, not "not a trace"', () => {
    const name = file('p6.pickle', Buffer.from([0x80, 6, 0x4e, 0x2e]));
    const r = run(['diff', name, name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: p6.pickle: byte 0: pickle protocol 6 is not supported (0-5 are, all that CPython 3.8-3.13 writes)\n');
  });
});

describe('traces whose text used to be kept whole (analyze)', () => {
  test('400 quoted 1 MiB mark labels (392 KB of gzip; was a V8 heap-out-of-memory abort)', () => {
    const name = file('labels.csv.gz', gzipRepeated('op,label\nmark,start\n', `mark,"${'x'.repeat((1 << 20) - 8)}"\n`, 400));
    const r = run(['analyze', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: labels.csv.gz:3: mark label of 1048568 characters: expected at most 4096 (a label names a phase of the program)\n');
    expect(r.peakMiB).toBeLessThan(200);
  });

  test('more distinct long thread names than the table holds (330 k of 1 KB names were 412 MB)', () => {
    // Past the 65 536 threads the table keeps, of 300 characters: the first is refused (the table's bound
    // on names it no longer remembers is tested in test/events/thread-table.test.ts).
    const header = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label\n';
    const lines = Array.from({ length: 70_000 }, (_, i) => `alloc,0x${(0x10000 + 16 * i).toString(16)},16,,,,${'n'.repeat(300)}${i},,,\n`);
    const name = file('threads.csv.gz', gzipSync(header + lines.join(''), { level: 1 }));
    const r = run(['analyze', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: threads.csv.gz:2: thread name of 301 characters: expected at most 256\n');
    expect(r.peakMiB).toBeLessThan(200);
  });

  test('millions of distinct frames stop at the stack table\'s 256 MiB bound (3 M frames in 15 MB of gzip were 4.4 GB)', () => {
    // Deep stacks of distinct short frames reach the bound in a few thousand lines: 256 frames a line.
    const header = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label\n';
    const lines = Array.from({ length: 8000 }, (_, i) => {
      const frames = Array.from({ length: 256 }, (_, j) => `f${i}_${j} (a.py:${j})`).join(';');
      return `alloc,0x${(0x10000 + 16 * i).toString(16)},16,,,,,,"${frames}",\n`;
    });
    const name = file('frames.csv.gz', gzipSync(header + lines.join(''), { level: 1 }));
    const r = run(['analyze', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: frames\.csv\.gz:\d+: more than 256 MiB of distinct stacks and frame text \(\d+ frames, \d+ stacks\): memreplay keeps at most that much\n$/);
    expect(r.peakMiB).toBeLessThan(500);
  });

  test('distinct deep stacks of long frames by traceback: sites keyed by frame ids, not 256 KiB of text each (was 610 MB)', () => {
    // 1600 distinct orders of the same 256 frames of 1000 characters: the stack table holds 256 KiB of
    // frames and 1600 stacks of ids, but the text of a site by traceback is 256 KiB a site.
    const frames = Array.from({ length: 256 }, (_, j) => `${'m'.repeat(985)}${j}.py:${j} (f${j})`);
    const members = [gzipSync('op,addr,size,old_addr,domain,ts,thread,stack,frames,label\n')];
    for (let i = 0; i < 1600; i++) {
      const stack = Array.from({ length: 256 }, (_, j) => frames[(j * 7 + i) % 256]!);
      const k = i >> 8; // a rotation, then frames 0 and k swapped: 1600 distinct stacks
      [stack[0], stack[k]] = [stack[k]!, stack[0]!];
      members.push(gzipSync(`alloc,0x${(0x10000 + 32 * i).toString(16)},16,,,,,,"${stack.join(';')}",\n`, { level: 1 }));
    }
    const name = file('deep-stacks.csv.gz', Buffer.concat(members));
    for (const command of ['analyze', 'leaks']) {
      const r = run([command, '--by', 'traceback', name]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(command === 'analyze' ? /by traceback \(top 20 of 1,600 sites\)/ : /in 1,600 sites by traceback/);
      expect(r.peakMiB).toBeLessThan(250);
    }
  }, 60_000);

  test('10 M "# key: value" comment lines (was 1.2 GB)', () => {
    const name = file('comments.csv.gz', gzipRepeated('', Array.from({ length: 1000 }, (_, i) => `# key${i}: ${'v'.repeat(1000)}\n`).join(''), 10_000));
    const r = run(['analyze', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: comments\.csv\.gz:10\d\d: more than 1024 Ki characters of # key: value metadata: expected a few short lines/);
    expect(r.peakMiB).toBeLessThan(200);
  });

  test('a JSONL meta value nested 5000 deep (was exit 3, "Maximum call stack size exceeded")', () => {
    const name = file('deep.jsonl', `{"op":"meta","x":${'['.repeat(5000)}${']'.repeat(5000)}}\n{"op":"mark","label":"a"}\n`);
    const r = run(['analyze', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: deep.jsonl:1: meta value "x" nests arrays or objects more than 64 deep: expected plain values or shallow JSON\n');
  });
});
