// Which waivable problems a checked trace has, and whether each is allowed.

import { describe, expect, it } from 'vitest';
import type { TraceCheck } from '../../src/check/run-check.js';
import { INCOMPLETE_TRACE, INEXACT_REPLAY, waivableProblems } from '../../src/reports/waivable-problem.js';

// Only what waivableProblems reads: the trace's completeness and exactness.
function trace(incomplete: boolean, inexact: boolean): TraceCheck {
  return {
    completeness: incomplete ? { state: 'incomplete', reason: 'no end mark' } : { state: 'complete' },
    exactness: inexact ? { state: 'inexact', reason: '1 of 2 block addresses differ from the trace' } : { state: 'exact' },
  } as unknown as TraceCheck;
}

describe('waivableProblems', () => {
  it('has none for a complete trace replayed exactly', () => {
    expect(waivableProblems(trace(false, false), { allowIncomplete: true, allowInexact: true })).toEqual([]);
  });

  it('lists the incomplete trace first, each allowed by its own flag only', () => {
    const problems = waivableProblems(trace(true, true), { allowIncomplete: false, allowInexact: true });
    expect(problems.map((p) => [p.rule, p.allowed])).toEqual([
      [INCOMPLETE_TRACE, false],
      [INEXACT_REPLAY, true],
    ]);
    expect(problems.map((p) => p.problem)).toEqual(['incomplete trace: no end mark', 'inexact replay: 1 of 2 block addresses differ from the trace']);
    expect(problems[0]!.advice).toContain(INCOMPLETE_TRACE.flag);
    expect(problems[1]!.advice).toContain(INEXACT_REPLAY.flag);
  });
});
