// The terminal report of `memreplay check`: a pure function of the report.

import { instantText } from './instant-text.js';
import { waivableProblems } from './waivable-problem.js';
import { BUDGET_DESCRIPTIONS, BUDGET_NAMES, BUDGET_UNITS, type BudgetName } from '../check/budgets.js';
import type { BudgetOutcome } from '../check/budgets.js';
import type { CheckReport, TraceCheck } from '../check/run-check.js';
import { freedAfterSamplesText, noVerdictAdvice, slopeText } from './growth-text.js';
import { suppressedLines } from './leaks-text.js';
import { skippedExampleTexts, skippedRecordsText } from './skipped-records-text.js';
import { nameBudget, terminalSiteName } from './site-name.js';
import { bytes, count, percent, terminalSafe, thousands } from '../text/units.js';

/** Skipped bad records shown per trace; the count is always exact. */
export const MAX_SKIPPED_SHOWN = 3;

/** Sites named per broken budget before "and N more". */
const MAX_SITES_SHOWN = 10;

export function formatBudgetValue(name: BudgetName, v: number): string {
  switch (BUDGET_UNITS[name]) {
    case 'bytes':
      return bytes(Math.round(v));
    case 'count':
      return thousands(Math.floor(v));
    case 'ratio':
      return percent(v);
  }
}

export interface CheckTextOptions {
  /** Columns of the terminal: site names are shortened to fit (default: 100 characters for a name). */
  width?: number;
}

export function formatCheckText(report: CheckReport, options: CheckTextOptions = {}): string {
  const out: string[] = [];
  const budgets = BUDGET_NAMES.filter((b) => report.budgets[b] !== undefined).map(
    (b) => `${BUDGET_DESCRIPTIONS[b]} <= ${formatBudgetValue(b, report.budgets[b]!)} (${report.budgetSources[b] ?? 'flag'})`,
  );
  out.push(`memreplay check: ${count(report.traces.length + report.failures.length, 'trace')}`);
  out.push(`budgets: ${budgets.join('; ')}`);
  if (report.config !== null) out.push(`config: ${terminalSafe(report.config)}`);
  if (report.baseline !== null) {
    out.push(`baseline: ${terminalSafe(report.baseline)} (tolerance ${percent(report.tolerance)})`);
    if (report.baselineRecordsInstant === false) {
      out.push('  note: the baseline does not say which instant (--at) its figures are from (an earlier memreplay wrote it): they are compared as if from this run\'s; --update-baseline records it');
    }
  }
  if (report.suppressions.length > 0) out.push(`suppressions: ${report.suppressions.map((s) => terminalSafe(s, 80)).join(', ')}`);
  out.push('');
  for (const t of report.traces) out.push(...traceLines(t, options.width, report));
  // The error itself went to stderr as the trace failed; saying it again here
  // would show it twice in a terminal.
  for (const f of report.failures) out.push(`ERROR ${terminalSafe(f.file)}: could not be read (the error is on stderr)`);
  const failed = report.traces.filter((t) => !t.passed).length;
  const noVerdict = report.traces.filter((t) => t.leaks.growth.noVerdict !== null).length;
  const skipped = report.traces.filter((t) => t.leaks.skippedRecords.count > 0).length;
  const incomplete = report.traces.filter((t) => t.completeness.state === 'incomplete').length;
  const inexact = report.traces.filter((t) => t.exactness.state === 'inexact').length;
  out.push('');
  out.push(
    `result: ${report.passed ? 'PASS' : 'FAIL'} (${thousands(report.traces.length - failed)} passed, ${thousands(failed)} failed` +
      `${report.failures.length > 0 ? `, ${thousands(report.failures.length)} could not be read` : ''}` +
      `${noVerdict > 0 ? `; ${thousands(noVerdict)} without a leak verdict${report.allowNoVerdict ? ', allowed' : ''}` : ''}` +
      `${skipped > 0 ? `; ${thousands(skipped)} with bad records skipped (--lenient)` : ''}` +
      `${incomplete > 0 ? `; ${thousands(incomplete)} incomplete${report.allowIncomplete ? ', allowed' : ''}` : ''}` +
      `${inexact > 0 ? `; ${thousands(inexact)} inexact${report.allowInexact ? ', allowed' : ''}` : ''})`,
  );
  return out.join('\n') + '\n';
}

/** Budgets measured at the reported instant (the others are high-water marks or counts of sites). */
export const INSTANT_BUDGETS: readonly BudgetName[] = ['leakedBytes', 'siteLeakedBytes', 'fragmentation'];

/** " (at mark "stats")" after the description of a figure taken at the reported instant; "" for the others. */
export function instantSuffix(t: TraceCheck, budget: BudgetName, quote: (text: string) => string): string {
  return INSTANT_BUDGETS.includes(budget) ? ` (${instantText(t.leaks.at, quote)})` : '';
}

/** "bytes live at the reported instant, after suppressions (at mark "stats"): 5 MiB > 4 MiB" */
export function budgetFailureText(t: TraceCheck, b: BudgetOutcome, quote: (text: string) => string): string {
  if (b.noVerdict !== null) return `${BUDGET_DESCRIPTIONS[b.budget]}: no leak verdict: ${b.noVerdict}`;
  return `${BUDGET_DESCRIPTIONS[b.budget]}${instantSuffix(t, b.budget, quote)}: ${formatBudgetValue(b.budget, b.actual)} > ${formatBudgetValue(b.budget, b.limit)}`;
}

/**
 * One site of a broken budget: "+209 B per mark, 0 B live at the end of the
 * trace" — its growth when it is a steady-state leak, and its live bytes with
 * the instant they are from.
 */
export function siteFindingText(t: TraceCheck, key: string, quote: (text: string) => string): string {
  const site = t.leaks.sites.find((s) => s.key === key)!;
  const growth = site.growth.class === 'steady_leak' ? `${slopeText(t.leaks, site.growth.slope)}, ` : '';
  return `${growth}${bytes(site.requestedBytes)} live${site.blocks > 0 ? ` in ${count(site.blocks, 'block')}` : ''} ${instantText(t.leaks.at, quote)}`;
}

/** A steady-state leak among these sites holds nothing at the instant: say why, once. */
export function freedLeaksNote(t: TraceCheck, keys: readonly string[]): string | null {
  const freed = keys.some((k) => {
    const s = t.leaks.sites.find((x) => x.key === k);
    return s !== undefined && s.growth.class === 'steady_leak' && s.blocks === 0;
  });
  return freed ? `0 B live: ${freedAfterSamplesText(t.leaks)}` : null;
}

function quoteLabel(text: string): string {
  return JSON.stringify(terminalSafe(text, 40));
}

function traceLines(t: TraceCheck, width: number | undefined, report: CheckReport): string[] {
  const noVerdict = t.leaks.growth.noVerdict;
  const out = [`${t.passed ? 'PASS ' : 'FAIL '} ${terminalSafe(t.file)}${noVerdict !== null && t.passed ? ' (no leak verdict)' : ''}`];
  for (const w of waivableProblems(t, report)) {
    // The trace's own words (an end mark's label) may be in the problem: made safe for the terminal.
    const problem = terminalSafe(w.problem, 300);
    out.push(w.allowed ? `  warning: ${problem} (allowed: ${w.rule.flag})` : `  ${problem}; ${w.advice}`);
  }
  const skipped = skippedRecordsText(t.leaks);
  if (skipped !== null) {
    out.push(`  warning: ${skipped}: the figures leave them out`);
    for (const x of skippedExampleTexts(t.leaks, (s) => terminalSafe(s), MAX_SKIPPED_SHOWN)) out.push(`    ${x}`);
  }
  // A suppression hides blocks from every budget: say what it hid, so a pass is never a quiet one.
  out.push(...suppressedLines(t.leaks, '  '));
  for (const b of t.budgets) {
    if (b.noVerdict !== null && b.passed) {
      out.push(`  warning: no leak verdict: ${b.noVerdict} (allowed: --allow-no-verdict); ${noVerdictAdvice(t.leaks)}`);
    }
    if (b.passed) continue;
    out.push(`  ${budgetFailureText(t, b, quoteLabel)}`);
    if (b.noVerdict !== null) out.push(`    ${noVerdictAdvice(t.leaks)}; or pass --allow-no-verdict to let it pass with a warning`);
    for (const key of b.sites.slice(0, MAX_SITES_SHOWN)) out.push(`    ${terminalSiteName(key, nameBudget(width, 6, 100))}: ${siteFindingText(t, key, quoteLabel)}`);
    if (b.sites.length > MAX_SITES_SHOWN) out.push(`    and ${thousands(b.sites.length - MAX_SITES_SHOWN)} more`);
    const note = freedLeaksNote(t, b.sites.slice(0, MAX_SITES_SHOWN));
    if (note !== null) out.push(`    (${note})`);
  }
  if (t.baseline !== null) {
    if (t.baseline.outcomes === null) out.push('  baseline: no entry for this trace (not compared)');
    else {
      for (const b of t.baseline.outcomes) {
        if (b.passed) continue;
        out.push(
          `  baseline: ${BUDGET_DESCRIPTIONS[b.metric]}${instantSuffix(t, b.metric, quoteLabel)} ${formatBudgetValue(b.metric, b.actual)} > ${formatBudgetValue(b.metric, b.limit)} ` +
            `(baseline ${formatBudgetValue(b.metric, b.baseline)})`,
        );
      }
    }
  }
  return out;
}
