// record --native against every CPython installed here: a C extension with
// a planted malloc leak reached from a Python loop and a planted PyMem leak,
// and its clean twin, compiled at test time (native-helpers.ts). The trace's
// rows are read directly (csv-parse): the leaked native blocks are there with
// the C function that called malloc and the Python line that led to it, a
// call made on behalf of a recorded Python allocator call is written once,
// and threads, a library dlopen'd after start-up (allocating with
// posix_memalign) and a fork are covered.

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, readTrace, SERIES, titleFor, traceMeta } from './helpers.js';
import { buildAlign, buildLeaky, liveBlocks, lineOf, NATIVE_EXT, siteOf, stacksOf, traceRows, type Row } from './native-helpers.js';

const MAIN = join(NATIVE_EXT, 'main.py');
const PUSH_LINE = lineOf(MAIN, 'PUSH');
const PYMEM_LINE = lineOf(MAIN, 'PYMEM');
const RAW_LINE = lineOf(MAIN, 'RAW');
const ALIGN_LINE = lineOf(MAIN, 'ALIGN');
const EXERCISE_LINE = lineOf(MAIN, 'EXERCISE');
/** main.py pushes 20 copies, then 6 from a thread; the ring keeps 4. */
const LEAKED_COPIES = 20 + 6 - 4;

interface Recorded {
  rows: Row[];
  stacks: Map<string, string[]>;
  meta: Record<string, string>;
  stdout: string;
}

function record(python: string, clean: boolean, extra: string[] = []): Recorded {
  const out = join(tempDir(), clean ? 'clean.csv' : 'leaky.csv');
  const r = memreplay(['record', '--native', ...extra, '--python', python, '-o', out, '--', MAIN, buildLeaky(python, clean), buildAlign()]);
  expect(r.stderr).toMatch(/native frames: [\d,]+ of [\d,]+ return address/);
  expect(r.code).toBe(0);
  const text = readTrace(out);
  const rows = traceRows(text);
  return { rows, stacks: stacksOf(rows), meta: traceMeta(text), stdout: r.stdout };
}

const site = (rec: Recorded, row: Row) => siteOf(rec.stacks.get(row['stack']!));
const mainLine = (line: number) => new RegExp(`main\\.py:${line}\\)$`);

/** Native records out of order: an address allocated while live, or freed
 * (or realloc'd away) when not live though the trace had seen it. A free of
 * an address never seen is a block from before the header. */
function outOfOrder(rows: Row[]): { outOfOrder: number; fromBeforeHeader: number; records: number } {
  const live = new Set<string>();
  const seen = new Set<string>();
  let bad = 0;
  let before = 0;
  let records = 0;
  const gone = (addr: string) => {
    if (live.delete(addr)) return;
    if (seen.has(addr)) bad++;
    else before++;
  };
  const born = (addr: string) => {
    if (live.has(addr)) bad++;
    live.add(addr);
    seen.add(addr);
  };
  for (const r of rows) {
    if (r['domain'] !== 'native') continue;
    records++;
    if (r['op'] === 'alloc' || r['op'] === 'calloc') born(r['addr']!);
    else if (r['op'] === 'free') gone(r['addr']!);
    else if (r['op'] === 'realloc') {
      gone(r['old_addr']!);
      born(r['addr']!);
    }
  }
  return { outOfOrder: bad, fromBeforeHeader: before, records };
}

describe('record --native: a run killed before its end', () => {
  const series = [...SERIES].reverse().find((v) => findPython(v) !== null) ?? '3.13';
  const python = findPython(series);
  it.skipIf(!python)(titleFor(series, `CPython ${series}: still names its native frames (the module map is written as it grows)`), () => {
    const out = join(tempDir(), 'killed.csv');
    const r = memreplay(['record', '--native', '--python', python!, '-o', out, '--', join(NATIVE_EXT, 'killed.py'), buildLeaky(python!, false)]);
    expect(r.signal ?? r.code).toBe(137);
    const rows = traceRows(readTrace(out));
    const stacks = stacksOf(rows);
    const copies = rows.filter((x) => x['domain'] === 'native' && /^leaky_copy \(.*\) \[_leaky\./.test(siteOf(stacks.get(x['stack']!)).native ?? ''));
    expect(copies.length).toBeGreaterThanOrEqual(5);
    const unnamed = [...stacks.values()].flat().filter((f) => f.startsWith('?? [??+'));
    expect(unnamed).toEqual([]);
  });
});

describe('record --native: a library unloaded and another loaded in its place', () => {
  const series = [...SERIES].reverse().find((v) => findPython(v) !== null) ?? '3.13';
  const python = findPython(series);
  it.skipIf(!python)(titleFor(series, `CPython ${series}: each block is named with its own library, not the one unloaded from the same addresses`), () => {
    const dir = tempDir();
    const [a, b] = [join(dir, 'libalign.so'), join(dir, 'libalign-b.so')];
    copyFileSync(buildAlign(), a);
    copyFileSync(buildAlign(), b);
    const out = join(dir, 'reload.csv');
    const r = memreplay(['record', '--native', '--python', python!, '-o', out, '--', join(NATIVE_EXT, 'reload.py'), a, b]);
    expect(r.code).toBe(0);
    const rows = traceRows(readTrace(out));
    const stacks = stacksOf(rows);
    const named = (size: string) => rows.filter((x) => x['domain'] === 'native' && x['size'] === size).map((x) => siteOf(stacks.get(x['stack']!)).native);
    expect(named('4441')).toEqual([expect.stringMatching(/^align_block \(.*\) \[libalign\.so\+0x/)]);
    expect(named('4442')).toEqual([expect.stringMatching(/^align_block \(.*\) \[libalign-b\.so\+0x/)]);
  });
});

describe('record --native on every installed CPython', () => {
  for (const series of SERIES) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: the planted malloc and PyMem leaks at their C function and Python line; the clean twin has none`), () => {
      const leaky = record(python!, false);
      expect(leaky.meta['native']).toBe('true');
      expect(leaky.meta['native_frames']).toBe('16');
      expect(leaky.stdout).toMatch(/^aligned 0\nchild \d+\n$/);

      // The planted malloc leak: every copy pushed after the ring wrapped.
      const copies = liveBlocks(leaky.rows, 'native').filter((r) => /^leaky_copy /.test(site(leaky, r).native ?? ''));
      expect(copies).toHaveLength(LEAKED_COPIES);
      for (const c of copies) {
        expect(c['size']).toBe('88');
        const s = site(leaky, c);
        expect(s.native).toMatch(/^leaky_copy \(.*leaky\.c:\d+\) \[_leaky\.[^\]]*\.so\+0x[0-9a-f]+\]$/);
        expect(s.python).toMatch(new RegExp(`^feed \\(.*main\\.py:${PUSH_LINE}\\)$`));
      }
      // The Python line that called feed() is in the stack too, oldest first.
      const frames = leaky.stacks.get(copies[0]!['stack']!)!;
      expect(frames.findIndex((f) => /^<module> \(.*main\.py:\d+\)$/.test(f))).toBeLessThan(frames.findIndex((f) => /^leaky_copy /.test(f)));

      // The planted PyMem leak: a MEM block, written once (pymalloc passes
      // 4242 bytes on to the C library: that malloc is part of the MEM call).
      const pymem = liveBlocks(leaky.rows, 'mem').filter((r) => r['size'] === '4242');
      expect(pymem.map((r) => site(leaky, r).python)).toEqual([expect.stringMatching(mainLine(PYMEM_LINE))]);
      const fromPymemLine = leaky.rows.filter((r) => r['size'] === '4242' && mainLine(PYMEM_LINE).test(site(leaky, r).python ?? ''));
      expect(fromPymemLine.map((r) => r['domain'])).toEqual(['mem']);

      // Without --raw, PyMem_RawMalloc is not a recorded Python call: its malloc is native.
      const raw = leaky.rows.filter((r) => r['size'] === '3333' && mainLine(RAW_LINE).test(site(leaky, r).python ?? ''));
      expect(raw.map((r) => `${r['op']} ${r['domain']}`)).toEqual(['alloc native']);

      // A thread of C's own: its block comes from another thread, without Python frames.
      const mainThread = copies[0]!['thread'];
      const cThread = leaky.rows.filter((r) => r['size'] === '2222' && r['domain'] === 'native' && /^thread_main /.test(site(leaky, r).native ?? ''));
      expect(cThread).toHaveLength(1);
      expect(cThread[0]!['thread']).not.toBe(mainThread);
      // The Python thread's copies carry its own thread id.
      expect(new Set(copies.map((c) => c['thread'])).size).toBe(2);

      // libalign, dlopen'd after start-up, allocating with posix_memalign
      // (and dlclose'd before the end: its frames are still named).
      const aligned = leaky.rows.filter((r) => r['size'] === '5555' && r['domain'] === 'native');
      expect(aligned).toHaveLength(1);
      expect(BigInt(aligned[0]!['addr']!) % 64n).toBe(0n);
      expect(site(leaky, aligned[0]!).native).toMatch(/^align_block \(.*align\.c:\d+\) \[libalign\.so\+0x[0-9a-f]+\]$/);
      expect(site(leaky, aligned[0]!).python).toMatch(mainLine(ALIGN_LINE));

      // Every other interposed function, as the contract writes it.
      const fromExercise = leaky.rows.filter((r) => r['domain'] === 'native' && /^exercise /.test(site(leaky, r).native ?? ''));
      const shapes = fromExercise.map((r) => `${r['op']} ${r['size']}`);
      expect(shapes).toEqual(['calloc 777', 'alloc 555', 'realloc 1777', 'alloc 999', 'alloc 1111', 'alloc 2560', 'alloc 3000', 'alloc 3001', 'mmap 65536', 'mremap 131072']);
      for (const r of fromExercise) expect(site(leaky, r).python).toMatch(mainLine(EXERCISE_LINE));
      const byShape = (shape: string) => fromExercise[shapes.indexOf(shape)]!;
      expect(byShape('realloc 1777')['old_addr']).toBe(byShape('alloc 555')['addr']);
      // realloc(p, 0) frees p: a free, and nothing allocated
      const grown = byShape('realloc 1777')['addr'];
      const after = leaky.rows.slice(leaky.rows.indexOf(byShape('realloc 1777')) + 1);
      expect(after.find((r) => r['addr'] === grown)?.['op']).toBe('free');
      expect(byShape('mremap 131072')['old_addr']).toBe(byShape('mmap 65536')['addr']);
      const unmap = after.find((r) => r['op'] === 'munmap' && r['addr'] === byShape('mremap 131072')['addr']);
      expect(unmap?.['size']).toBe('131072');
      // The file mapping is not written (its munmap is: whether a range was anonymous is the replay's to know).
      expect(leaky.rows.some((r) => r['op'] === 'mmap' && r['size'] === '20480')).toBe(false);

      // The forked child is not recorded: no record from its thread.
      const child = /child (\d+)/.exec(leaky.stdout)![1];
      expect(leaky.rows.some((r) => r['thread'] === child)).toBe(false);

      const clean = record(python!, true);
      expect(liveBlocks(clean.rows, 'native').filter((r) => /^leaky_copy /.test(site(clean, r).native ?? ''))).toEqual([]);
      expect(liveBlocks(clean.rows, 'mem').filter((r) => r['size'] === '4242')).toEqual([]);
      // ... while the twin made the same calls.
      expect(clean.rows.filter((r) => r['op'] === 'alloc' && /^leaky_copy /.test(site(clean, r).native ?? ''))).toHaveLength(26);
    });

    it.skipIf(!python)(titleFor(series, `CPython ${series}: threads calling the C library at once, without the GIL, are written in the order of their calls`), () => {
      const out = join(tempDir(), 'threads.csv');
      const r = memreplay(['record', '--native', '--python', python!, '-o', out, '--', join(NATIVE_EXT, 'threads.py')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('ok\n');
      const rows = traceRows(readTrace(out));
      const order = outOfOrder(rows);
      expect(order.records).toBeGreaterThan(2000);
      expect(order.outOfOrder).toBe(0);
      expect(order.fromBeforeHeader).toBeLessThan(20);
      expect(new Set(rows.filter((x) => x['domain'] === 'native').map((x) => x['thread'])).size).toBeGreaterThanOrEqual(5);
    });

    it.skipIf(!python)(titleFor(series, `CPython ${series}: with --raw, a PyMem_RawMalloc is written once, in the RAW domain`), () => {
      const rec = record(python!, false, ['--raw', '--native-frames', '4']);
      expect(rec.meta['native_frames']).toBe('4');
      const raw = rec.rows.filter((r) => r['size'] === '3333' && mainLine(RAW_LINE).test(site(rec, r).python ?? ''));
      expect(raw.map((r) => `${r['op']} ${r['domain']}`)).toEqual(['alloc raw']);
      // 4 native frames: still the C function and the Python line.
      const copy = rec.rows.find((r) => r['domain'] === 'native' && /^leaky_copy /.test(site(rec, r).native ?? ''))!;
      const frames = rec.stacks.get(copy['stack']!)!;
      expect(frames.filter((f) => / \[[^\]]+\+0x[0-9a-f]+\]$/.test(f)).length).toBeLessThanOrEqual(4);
      expect(site(rec, copy).python).toMatch(mainLine(PUSH_LINE));
    });
  }
});
