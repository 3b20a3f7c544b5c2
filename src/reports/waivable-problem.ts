// A trace problem the user may waive: an incomplete trace (--allow-incomplete)
// or an inexact replay (--allow-inexact). Not waived, it fails the check;
// waived, every CI output still warns. One description serves the text,
// JUnit, SARIF and GitHub outputs, so they cannot disagree on which problems
// a trace has, whether each is allowed, or what to do about it.

import type { CheckReport, TraceCheck } from '../check/run-check.js';
import { ALLOW_INCOMPLETE_ADVICE, incompleteText } from './completeness-text.js';
import { ALLOW_INEXACT_ADVICE, inexactText } from './exactness-text.js';

export interface WaivableRule {
  /** The SARIF rule. */
  readonly id: 'memreplay/incomplete-trace' | 'memreplay/inexact-replay';
  /** What was measured, as SARIF's `metric` property names it. */
  readonly metric: 'completeness' | 'exactness';
  /** What the problem is called in a title ("memreplay: incomplete trace"). */
  readonly title: string;
  /** What a passing trace has, as a JUnit test case names it. */
  readonly expectation: string;
  /** The option that waives it. */
  readonly flag: '--allow-incomplete' | '--allow-inexact';
}

export interface WaivableProblem {
  /** What is wrong, in one line; may quote the trace (an end mark's label). */
  readonly problem: string;
  /** Waived by its flag: a warning, not a failure. */
  readonly allowed: boolean;
  readonly rule: WaivableRule;
  /** What to do when it is not allowed. */
  readonly advice: string;
}

export const INCOMPLETE_TRACE: WaivableRule = {
  id: 'memreplay/incomplete-trace',
  metric: 'completeness',
  title: 'incomplete trace',
  expectation: 'the trace holds the whole run',
  flag: '--allow-incomplete',
};

export const INEXACT_REPLAY: WaivableRule = {
  id: 'memreplay/inexact-replay',
  metric: 'exactness',
  title: 'inexact replay',
  expectation: 'the model follows the trace exactly',
  flag: '--allow-inexact',
};

/** The waivable problems of a checked trace, incomplete first. */
export function waivableProblems(t: TraceCheck, report: Pick<CheckReport, 'allowIncomplete' | 'allowInexact'>): WaivableProblem[] {
  const out: WaivableProblem[] = [];
  const incomplete = incompleteText(t.completeness);
  if (incomplete !== null) out.push({ problem: incomplete, allowed: report.allowIncomplete, rule: INCOMPLETE_TRACE, advice: ALLOW_INCOMPLETE_ADVICE });
  const inexact = inexactText(t.exactness);
  if (inexact !== null) out.push({ problem: inexact, allowed: report.allowInexact, rule: INEXACT_REPLAY, advice: ALLOW_INEXACT_ADVICE });
  return out;
}
