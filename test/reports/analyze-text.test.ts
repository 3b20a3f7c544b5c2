// The analyze summary reads as English: singular and plural counts, a plain
// sentence when nothing is live at the end, and live blocks grouped by what
// the groups really are.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/run/analyze.js';
import { formatAnalyzeText } from '../../src/reports/analyze-text.js';
import { count, nounFor, plural } from '../../src/text/units.js';
import { writeTrace } from '../analyzers/trace-text.js';
import { MAIN, TraceWriter } from '../analyzers/trace-writer.js';
import { tempDir } from '../cli/helpers.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cpython-traces');

describe('formatAnalyzeText', () => {
  it('says "no live blocks at the end of the trace" instead of an empty table', async () => {
    const text = formatAnalyzeText(await analyzeTrace(writeTrace(['alloc,0x10030,48,,obj,,,,,', 'free,0x10030,,,obj,,,,,'])));
    expect(text).toContain('\nno live blocks at the end of the trace (event 2)\n\nfragmentation at the end of the trace (event 2):\n');
    expect(text).toContain('\nat the end of the trace (event 2): 0 live blocks,');
    expect(text).toContain('no arena records: 1 arena placed by the model');
    expect(text).toMatch(/bytes from the C library .* 0 B {2}never reached\n/);
    expect(text).toContain('  1 arena = 1.00 MiB; 0 pools in use, 64 unused;');
  });

  it('says next to the model check when --python overrides the version the trace says', async () => {
    const trace = join(FIXTURES, 'startup-3.11.csv.gz');
    const overridden = await analyzeTrace(trace, { trace: { python: '3.8' } });
    expect(overridden.python.overridesTrace).toBe(true);
    const other = formatAnalyzeText(overridden);
    expect(other).toMatch(/\nmodel check: [^\n]*\n {2}the trace says python 3\.11\.\d+, but --python 3\.8 chose the model: mismatches may come from the version, not the trace\n/);
    const agreeing = await analyzeTrace(trace, { trace: { python: '3.11' } });
    expect('overridesTrace' in agreeing.python).toBe(false);
    expect(formatAnalyzeText(agreeing)).not.toContain('the trace says python');
    expect(formatAnalyzeText(await analyzeTrace(trace))).not.toContain('the trace says python');
  });

  it('counts one of a thing in the singular (startup-3.11: one arena released, one left)', async () => {
    const text = formatAnalyzeText(await analyzeTrace(join(FIXTURES, 'startup-3.11.csv.gz'), { instant: { atEnd: true } }));
    expect(text).toContain('arenas 2 from trace, 1 release confirmed, 0 mismatches');
    expect(text).toMatch(/^ {2}1 arena = 1\.00 MiB; 0 pools in use, 63 unused;/m);
    expect(text).not.toMatch(/\b1 (arenas|releases|blocks|pools|mismatches)\b/);
  });

  it('lists one live block as "1 block"', async () => {
    const text = formatAnalyzeText(await analyzeTrace(writeTrace(['alloc,0x10030,48,,obj,,,,,'])));
    expect(text).toContain('\nat the end of the trace (event 1): 1 live block, 48 B requested;');
    expect(text).toContain(
      'live blocks at the end of the trace (event 1) by domain and size class (the trace has no call stacks; 1 group):\n        48 B          1 block   (no stack) obj size class 2 (48-byte blocks)\n',
    );
  });

  it('groups the live blocks of a trace without stacks by domain and size class, and says so instead of "by lineno"', async () => {
    const text = formatAnalyzeText(await analyzeTrace(join(FIXTURES, 'startup-3.8.csv.gz')));
    expect(text).toMatch(/^live blocks at mark "stats" \(event [\d,]+\) by domain and size class \(the trace has no call stacks; top 20 of \d+ groups\):$/m);
    expect(text).not.toContain('by lineno');
  });

  it('names the --by grouping of a trace with stacks, and counts its sites', async () => {
    const w = new TraceWriter();
    w.alloc(100, [MAIN, 'load (app/io.py:10)']);
    w.alloc(200, [MAIN, 'load (app/io.py:12)']);
    w.alloc(40, [], 'mem');
    const file = join(tempDir(), 'stacks.csv');
    writeFileSync(file, w.text());
    expect(formatAnalyzeText(await analyzeTrace(file))).toMatch(/\nlive blocks at the end of the trace \(event 3, [\d.]+ s\) by lineno \(3 sites\):\n/);
    expect(formatAnalyzeText(await analyzeTrace(file, { sites: { top: 1, by: 'traceback', depth: 1 } }))).toMatch(
      /\nlive blocks at the end of the trace \(event 3, [\d.]+ s\) by traceback \(depth 1; top 1 of 3 sites\):\n/,
    );
  });

  it('count() picks the plural of our nouns', () => {
    expect([count(0, 'arena'), count(1, 'arena'), count(1234, 'block')]).toEqual(['0 arenas', '1 arena', '1,234 blocks']);
    expect([count(1, 'mismatch'), count(2, 'mismatch'), count(3, 'size class')]).toEqual(['1 mismatch', '2 mismatches', '3 size classes']);
    expect([plural('traceback'), plural('call site'), plural('group')]).toEqual(['tracebacks', 'call sites', 'groups']);
    expect([plural('anomaly'), plural('more metadata entry'), plural('day'), plural('pymalloc block address')]).toEqual([
      'anomalies',
      'more metadata entries',
      'days',
      'pymalloc block addresses',
    ]);
    expect([nounFor(1, 'block'), nounFor(0, 'block'), nounFor(2, 'mismatch')]).toEqual(['block', 'blocks', 'mismatches']);
  });
});

describe('the native half in analyze', () => {
  const MIXED = join(__dirname, '..', 'fixtures', 'native', 'mixed.csv');

  it('gives the footprint by domain, the native peaks with when they were reached, and the native sites', async () => {
    const r = await analyzeTrace(MIXED);
    const n = r.native!;
    expect(n.calls).toEqual({ alloc: 1, calloc: 1, realloc: 1, free: 1 });
    expect(n.mappingOps).toEqual({ mmap: 1, munmap: 1, mremap: 1 });
    // 100 B then 64 B, 100 B moved to 200 B, 64 B freed: 200 B left; 64 KiB mapped, 4 KiB unmapped, 44 KiB moved to 128 KiB.
    expect(n.footprint).toMatchObject({ nativeHeapBytes: 200, nativeHeapBlocks: 1, mmapBytes: 16384 + 131072, mappings: 2 });
    expect(n.footprint.totalBytes).toBe(n.footprint.pymallocArenaBytes + n.footprint.pythonCLibraryBytes + 200 + 16384 + 131072);
    expect(r.judged.footprintBytes).toBe(n.footprint.totalBytes);
    expect(n.highWater.native_heap_bytes).toMatchObject({ value: 264, event: 5 });
    expect(n.highWater.mmap_bytes).toMatchObject({ value: 16384 + 131072, event: 8 });
    expect(r.liveBlocks.nativeGroups!.map((g) => g.key)).toEqual(['copy_item (ring.c:12) [_ring.cpython-311-x86_64-linux-gnu.so+0x11a0] <- push (ring.py:12)']);
    const text = formatAnalyzeText(r);
    expect(text).toContain('\nnative half: alloc 1, calloc 1, realloc 1, free 1; mmap 1, munmap 1, mremap 1\n');
    expect(text).toMatch(/native heap 200 B \(1 block\) \+ mappings 144 KiB \(2\) = /);
    // The native peaks are rows of the high-water table, with their line and time.
    const table = text.slice(text.indexOf('high-water marks:\n'), text.indexOf('\n\n', text.indexOf('high-water marks:\n')));
    expect(table).toMatch(/\n {2}bytes of native blocks \(C code calling the C library directly\) +264 B {2}at event 5 \(line 11, ts 40\)/);
    expect(table).toMatch(/\n {2}bytes of anonymous mappings C code made directly +144 KiB {2}at event 8 \(line 14, ts 70\)/);
  });

  it('says nothing of a native half for a trace without one', async () => {
    const r = await analyzeTrace(join(FIXTURES, 'startup-3.11.csv.gz'));
    expect('native' in r).toBe(false);
    expect('nativeGroups' in r.liveBlocks).toBe(false);
    // (Not 'native' alone: the file's path, in the heading, may hold the word.)
    expect(formatAnalyzeText(r)).not.toMatch(/native (half|heap|blocks|sites)|anonymous mappings/);
  });
});
