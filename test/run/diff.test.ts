// The diff driver: what each input is decides the comparison; inputs of two
// kinds, or options of the other kind, are usage errors naming them.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACE_SIDE_OPTIONS, runDiff, type DiffOptions } from '../../src/run/diff.js';
import { tempDir } from '../cli/helpers.js';
import { COPY_BYTES, COPY_FRAME, PUSH_LINE, ringTrace } from '../fixtures/native/ring-trace.js';

const SNAPSHOTS = join(__dirname, '..', 'fixtures', 'tracemalloc', '3.13');
const TRACE = join(__dirname, '..', 'fixtures', 'cpython-traces', 'startup-3.12.csv.gz');
const options = (over: Partial<DiffOptions> = {}): DiffOptions => ({ by: 'lineno', cumulative: false, side: DEFAULT_TRACE_SIDE_OPTIONS, names: { old: 'OLD', new: 'NEW' }, ...over });

describe('runDiff', () => {
  it('compares two snapshots as snapshots, and two event traces by replaying each', async () => {
    const snap = await runDiff(join(SNAPSHOTS, 'old.pickle'), join(SNAPSHOTS, 'new.pickle'), options());
    expect(snap.kind).toBe('snapshot');
    expect(snap.result.statistics.length).toBeGreaterThan(0);
    const trace = await runDiff(TRACE, TRACE, options());
    expect(trace.kind).toBe('trace');
    // One trace against itself: no site changed.
    expect(trace.result.statistics.every((s) => s.sizeDiff === 0 && s.countDiff === 0)).toBe(true);
  });

  it('refuses inputs of two kinds, naming them as given', async () => {
    await expect(runDiff(join(SNAPSHOTS, 'old.pickle'), TRACE, options())).rejects.toThrow(/^OLD is a snapshot and NEW is an event trace/);
  });

  it('refuses options of event traces for snapshots, and --cumulative by traceback', async () => {
    await expect(runDiff(join(SNAPSHOTS, 'old.pickle'), join(SNAPSHOTS, 'new.pickle'), options({ side: { ...DEFAULT_TRACE_SIDE_OPTIONS, depth: 3 } }))).rejects.toThrow(/^--depth applies to event traces/);
    await expect(runDiff(TRACE, TRACE, options({ by: 'traceback', cumulative: true }))).rejects.toThrow(/^--cumulative works with/);
  });
});

describe('runDiff of native traces', () => {
  it('names a native site by its C function and the Python line that led there, and gives its growth', async () => {
    const dir = tempDir();
    const clean = join(dir, 'clean.csv');
    const leaky = join(dir, 'leaky.csv');
    writeFileSync(clean, ringTrace(20, false));
    writeFileSync(leaky, ringTrace(20, true));
    const run = await runDiff(clean, leaky, options());
    if (run.kind !== 'trace') throw new Error('expected a trace diff');
    const top = run.result.statistics[0]!;
    expect(top.frames.at(-1)!.filename).toBe(`${COPY_FRAME} <- ${PUSH_LINE}`);
    // The leaky ring lost a copy per call after it wrapped: 16 of 64 bytes.
    expect([top.sizeDiff, top.countDiff]).toEqual([16 * COPY_BYTES, 16]);
  });
});

