// `memreplay check`: each trace's leak analysis against the budgets and the
// baseline, gathered into one report (memreplay.check/1) that every output
// (text, --json, --junit, --sarif, GitHub) is rendered from. checkedTraceOf
// judges one trace's leak analysis (run/check.ts reads the trace, in the
// `check` batch task on a worker); a trace that cannot be read fails alone
// with its error and the others go on.

import type { LeaksOptions, LeaksResult } from '../analyzers/leaks.js';
import type { Completeness, Exactness } from '../analyzers/analyze.js';
import { baselineFor, compareWithBaseline, instantMismatch, type Baseline, type BaselineOutcome } from './baseline.js';
import { evaluateBudgets, summaryOf, type BudgetName, type BudgetOutcome, type BudgetRules, type Budgets, type TraceSummary } from './budgets.js';

export const CHECK_SCHEMA = 'memreplay.check/1';

export interface CheckOptions {
  readonly leaks: LeaksOptions;
  /** The budgets in force (effectiveBudgets). */
  readonly budgets: Budgets;
  /** Where each budget came from. */
  readonly budgetSources: Partial<Record<BudgetName, 'flag' | 'config' | 'default'>>;
  /** A trace without a leak verdict passes with a warning (--allow-no-verdict) instead of failing. */
  readonly allowNoVerdict: boolean;
  /** A trace that is not complete (cut short: no end mark) passes with a warning (--allow-incomplete) instead of failing. */
  readonly allowIncomplete: boolean;
  /** A replay that is not exact (addresses, arenas or anomalies) passes with a warning (--allow-inexact) instead of failing. */
  readonly allowInexact: boolean;
  readonly tolerance: number;
  readonly baseline?: Baseline;
  readonly configFile: string | null;
  readonly suppressionFiles: readonly string[];
}

export interface TraceCheck {
  readonly file: string;
  readonly passed: boolean;
  /**
   * Whether the trace holds the whole run (src/replay/completeness.ts). An
   * incomplete one fails unless allowed: its figures describe a run cut short.
   */
  readonly completeness: Completeness;
  /**
   * Whether the model followed the trace exactly (src/replay/exactness.ts).
   * An inexact replay fails unless allowed: the budgets were judged on the
   * model's figures, which then may not be the program's.
   */
  readonly exactness: Exactness;
  /** The instant of the figures: the --at mark, or null for the end of the trace (also when the trace has no such mark). */
  readonly at: string | null;
  readonly summary: TraceSummary;
  readonly budgets: readonly BudgetOutcome[];
  /** null without --baseline; `outcomes` null when the baseline has no entry for this trace. */
  readonly baseline: { readonly file: string; readonly outcomes: readonly BaselineOutcome[] | null } | null;
  readonly leaks: LeaksResult;
}

export interface CheckReport {
  readonly schema: typeof CHECK_SCHEMA;
  readonly passed: boolean;
  readonly config: string | null;
  readonly budgets: Budgets;
  readonly budgetSources: CheckOptions['budgetSources'];
  readonly allowNoVerdict: boolean;
  readonly allowIncomplete: boolean;
  readonly allowInexact: boolean;
  readonly tolerance: number;
  readonly baseline: string | null;
  /** False when the baseline file does not record the instant of its figures (written by an earlier memreplay); null without one. */
  readonly baselineRecordsInstant: boolean | null;
  readonly suppressions: readonly string[];
  readonly traces: readonly TraceCheck[];
  /** Traces that could not be read, with the error. */
  readonly failures: readonly { readonly file: string; readonly error: string }[];
}

/** One trace against the budgets, before the baseline (plain data: it comes from a worker). */
export interface CheckedTrace {
  readonly leaks: LeaksResult;
  readonly summary: TraceSummary;
  readonly budgets: BudgetOutcome[];
}

/** The leak options a trace is read with for these budgets: a site budget lists every site over it. */
export function leakOptionsForBudgets(leaks: LeaksOptions, budgets: Budgets): LeaksOptions {
  return { ...leaks, listing: { ...leaks.listing, listSitesOver: budgets.siteLeakedBytes ?? leaks.listing.listSitesOver } };
}

/** A trace's leak analysis judged against the budgets. */
export function checkedTraceOf(result: LeaksResult, budgets: Budgets, rules: BudgetRules = {}): CheckedTrace {
  return { leaks: result, summary: summaryOf(result), budgets: evaluateBudgets(result, budgets, rules) };
}

export function traceCheckOf(file: string, checked: CheckedTrace, options: CheckOptions): TraceCheck {
  const at = checked.leaks.at.mark;
  let baseline: TraceCheck['baseline'] = null;
  if (options.baseline !== undefined) {
    const base = baselineFor(options.baseline, file);
    // Figures of two instants (mark "stats" and the end, most often) are not comparable: refuse, never compare quietly.
    if (base !== undefined && base.at !== undefined && base.at !== at) throw instantMismatch(options.baseline, file, base.at, at);
    baseline = { file: options.baseline.file, outcomes: base === undefined ? null : compareWithBaseline(checked.summary, base.summary, options.tolerance) };
  }
  const completeness = checked.leaks.completeness;
  const exactness = checked.leaks.exactness;
  const passed =
    checked.budgets.every((b) => b.passed) &&
    (baseline?.outcomes ?? []).every((b) => b.passed) &&
    (completeness.state !== 'incomplete' || options.allowIncomplete) &&
    (exactness.state !== 'inexact' || options.allowInexact);
  return { file, passed, completeness, exactness, at, summary: checked.summary, budgets: checked.budgets, baseline, leaks: checked.leaks };
}

export function reportOf(traces: readonly TraceCheck[], failures: CheckReport['failures'], options: CheckOptions): CheckReport {
  return {
    schema: CHECK_SCHEMA,
    passed: failures.length === 0 && traces.every((t) => t.passed),
    config: options.configFile,
    budgets: options.budgets,
    budgetSources: options.budgetSources,
    allowNoVerdict: options.allowNoVerdict,
    allowIncomplete: options.allowIncomplete,
    allowInexact: options.allowInexact,
    tolerance: options.tolerance,
    baseline: options.baseline?.file ?? null,
    baselineRecordsInstant: options.baseline?.recordsInstant ?? null,
    suppressions: options.suppressionFiles,
    traces,
    failures,
  };
}
