// The stats driver: the instant the replay stopped at and the `stats --json`
// document's fields (reports/json/stats-json.ts writes them).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACE_OPTIONS } from '../../src/options/trace-options.js';
import { runStats } from '../../src/run/stats.js';
import { formatNativeStats } from '../../src/reports/native-stats-text.js';

const TRACE = join(__dirname, '..', 'fixtures', 'cpython-traces', 'startup-3.12.csv.gz');

describe('runStats', () => {
  it('says the end was reached, and carries the verification only when asked', async () => {
    const end = await runStats(TRACE, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: false });
    const doc = end.document;
    expect(doc.python).toBe('3.12');
    expect(doc.at.end).toBe(true);
    expect('verification' in doc).toBe(false);
    const verified = await runStats(TRACE, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: true });
    expect(verified.document.verification).toEqual(verified.verification);
  });

  it('stops after the event asked for, which is then not the end', async () => {
    const early = await runStats(TRACE, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: false, atEvent: 10 });
    expect(early.document.at).toEqual({ event: 10, mark: null, end: false });
  });

  it('carries the native half of a trace recorded with --native, now and at its peaks, and prints it after CPython\'s text', async () => {
    const mixed = join(__dirname, '..', 'fixtures', 'native', 'mixed.csv');
    const { native } = (await runStats(mixed, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: false })).document;
    // 100 B then 64 B, 100 B moved to 200 B, 64 B freed; 64 KiB mapped, 4 KiB unmapped, 44 KiB moved to 128 KiB.
    expect(native).toMatchObject({ heapBlocks: 1, heapBytes: 200, mappings: 2, mmapBytes: 16384 + 131072 });
    expect(native!.highWater.native_heap_bytes).toMatchObject({ value: 264, event: 5, line: 11 });
    expect(native!.highWater.mmap_bytes).toMatchObject({ value: 16384 + 131072, event: 8, line: 14 });
    const text = formatNativeStats(native!);
    expect(text).toContain('# native heap bytes highwater mark =                  264 (at event 5, line 11)\n');
    expect(text).toContain('# mapped bytes current             =              147,456\n');
    // A trace without native records has no native half.
    expect('native' in (await runStats(TRACE, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: false })).document).toBe(false);
  });
});
