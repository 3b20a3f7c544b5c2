// Verdicts per test: markers before config defaults, a limit that is no size,
// steady-state leaks, a test the run stopped inside, and the report's counts.

import { describe, expect, it } from 'vitest';
import type { TestMeasure, TestSite } from '../../src/analyzers/per-test.js';
import { perTestReportOf, testVerdictOf } from '../../src/check/per-test-policy.js';

function measure(over: Partial<TestMeasure> = {}): TestMeasure {
  return {
    nodeid: 't.py::f',
    repetitions: 3,
    complete: true,
    retainedBytes: 2000,
    retainedBlocks: 10,
    suppressedBytes: 0,
    peakBytes: 50_000,
    peaks: { block_bytes: { atStart: 0, highest: 0 }, arenas: { atStart: 1, highest: 1 }, system_bytes: { atStart: 0, highest: 0 } },
    location: null,
    limits: {},
    leakSites: [],
    topSites: [],
    firstEvent: 1,
    ...over,
  };
}

const LEAK: TestSite = {
  key: 'handle (app/a.py:20)',
  location: { file: 'app/a.py', line: 20, function: 'handle' },
  bytes: 384,
  blocks: 3,
  growth: 'steady_leak',
  bytesPerRepetition: 128,
  rises: 3,
};

describe('per-test verdicts', () => {
  it('passes a test without limits that is no steady-state leak, whatever it keeps', () => {
    expect(testVerdictOf(measure({ retainedBytes: 10_000_000 }), {}).passed).toBe(true);
  });

  it('fails a steady-state leak at its line', () => {
    const v = testVerdictOf(measure({ leakSites: [LEAK] }), {});
    expect(v.failures.map((f) => f.kind)).toEqual(['steady_leak']);
    expect(v.failures[0]!.message).toContain('app/a.py:20');
  });

  it('takes a marker over the config default, and the default when there is no marker', () => {
    const marked = testVerdictOf(measure({ limits: { limit_leaks: '4KiB' } }), { limitLeaks: 1000 });
    expect(marked.limitLeaks).toEqual({ bytes: 4096, from: 'marker' });
    expect(marked.passed).toBe(true);
    const unmarked = testVerdictOf(measure(), { limitLeaks: 1000, limitMemory: 40_000 });
    expect(unmarked.failures.map((f) => f.kind)).toEqual(['limit_leaks', 'limit_memory']);
    expect(unmarked.limitMemory).toEqual({ bytes: 40_000, from: 'config' });
  });

  it('fails a marker whose limit is no size, and a test the run stopped inside', () => {
    const v = testVerdictOf(measure({ limits: { limit_memory: 'lots' }, complete: false }), {});
    expect(v.failures.map((f) => f.kind).sort()).toEqual(['bad_limit', 'incomplete']);
    expect(v.failures.find((f) => f.kind === 'bad_limit')!.message).toContain('"lots"');
  });

  it('counts failures, and says whether leaks could be judged at all', () => {
    const r = perTestReportOf('t.csv', [measure(), measure({ nodeid: 't.py::g', leakSites: [LEAK] })], {});
    expect(r).toMatchObject({ failed: 1, passed: false, repetitions: 3, leakVerdicts: true });
    expect(perTestReportOf('t.csv', [measure({ repetitions: 1 })], {}).leakVerdicts).toBe(false);
  });
});
