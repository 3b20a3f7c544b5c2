// The terminal report of `memreplay check`: a pure function of the report.

import { BUDGET_DESCRIPTIONS, BUDGET_NAMES, BUDGET_UNITS, type BudgetName } from '../check/budgets.js';
import type { CheckReport, TraceCheck } from '../check/run-check.js';
import { bytes, percent, terminalSafe, thousands } from './units.js';

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

export function formatCheckText(report: CheckReport): string {
  const out: string[] = [];
  const budgets = BUDGET_NAMES.filter((b) => report.budgets[b] !== undefined).map(
    (b) => `${BUDGET_DESCRIPTIONS[b]} <= ${formatBudgetValue(b, report.budgets[b]!)} (${report.budgetSources[b] ?? 'flag'})`,
  );
  out.push(`memreplay check: ${thousands(report.traces.length + report.failures.length)} trace(s)`);
  out.push(`budgets: ${budgets.join('; ')}`);
  if (report.config !== null) out.push(`config: ${terminalSafe(report.config)}`);
  if (report.baseline !== null) out.push(`baseline: ${terminalSafe(report.baseline)} (tolerance ${percent(report.tolerance)})`);
  if (report.suppressions.length > 0) out.push(`suppressions: ${report.suppressions.map((s) => terminalSafe(s, 80)).join(', ')}`);
  out.push('');
  for (const t of report.traces) out.push(...traceLines(t));
  // The error itself went to stderr as the trace failed; saying it again here
  // would show it twice in a terminal.
  for (const f of report.failures) out.push(`ERROR ${terminalSafe(f.file)}: could not be read (the error is on stderr)`);
  const failed = report.traces.filter((t) => !t.passed).length;
  out.push('');
  out.push(
    `result: ${report.passed ? 'PASS' : 'FAIL'} (${thousands(report.traces.length - failed)} passed, ${thousands(failed)} failed` +
      `${report.failures.length > 0 ? `, ${thousands(report.failures.length)} could not be read` : ''})`,
  );
  return out.join('\n') + '\n';
}

function traceLines(t: TraceCheck): string[] {
  const out = [`${t.passed ? 'PASS ' : 'FAIL '} ${terminalSafe(t.file)}`];
  const g = t.leaks.growth;
  if (!g.enough) {
    out.push(`  note: only ${g.steadyIntervals} interval(s) after the warm-up: steady-state leaks cannot be told apart (need 3)`);
  }
  for (const b of t.budgets) {
    if (b.passed) continue;
    out.push(`  ${BUDGET_DESCRIPTIONS[b.budget]}: ${formatBudgetValue(b.budget, b.actual)} > ${formatBudgetValue(b.budget, b.limit)}`);
    for (const key of b.sites.slice(0, MAX_SITES_SHOWN)) {
      const site = t.leaks.sites.find((s) => s.key === key)!;
      const growth = site.growth.class === 'steady_leak' ? `+${bytes(Math.round(site.growth.slope))} per ${g.basis === 'marks' ? 'mark' : 'window'}, ` : '';
      out.push(`    ${terminalSafe(key, 100)}: ${growth}${bytes(site.requestedBytes)} live`);
    }
    if (b.sites.length > MAX_SITES_SHOWN) out.push(`    and ${thousands(b.sites.length - MAX_SITES_SHOWN)} more`);
  }
  if (t.baseline !== null) {
    if (t.baseline.outcomes === null) out.push('  baseline: no entry for this trace (not compared)');
    else {
      for (const b of t.baseline.outcomes) {
        if (b.passed) continue;
        out.push(
          `  baseline: ${BUDGET_DESCRIPTIONS[b.metric]} ${formatBudgetValue(b.metric, b.actual)} > ${formatBudgetValue(b.metric, b.limit)} ` +
            `(baseline ${formatBudgetValue(b.metric, b.baseline)})`,
        );
      }
    }
  }
  return out;
}
