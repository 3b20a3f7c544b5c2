// --junit: JUnit XML, one test suite per trace and one test case per budget
// (and per baseline metric when the trace is in the baseline); a trace that
// could not be read is one test case with an <error>. CI systems show each
// broken budget as a failed test. Without a leak verdict the steady-state
// leak case fails saying why, or, when that is allowed, is <skipped> with the
// reason (CI shows it as skipped, not passed). Messages name the instant
// their figures are from. Bad records skipped with --lenient are a warning in
// the suite's <system-err>. A trace cut short (no end mark) has a case of
// its own, failed, or skipped when --allow-incomplete; so has a replay the
// model did not follow exactly (--allow-inexact).

import { waivableProblems } from './waivable-problem.js';
import { BUDGET_DESCRIPTIONS } from '../check/budgets.js';
import type { CheckReport, TraceCheck } from '../check/run-check.js';
import { noVerdictAdvice } from './growth-text.js';
import { budgetFailureText, formatBudgetValue, freedLeaksNote, instantSuffix, MAX_SKIPPED_SHOWN, siteFindingText } from './check-text.js';
import { skippedExampleTexts, skippedRecordsText } from './skipped-records-text.js';
import { visibleControls } from '../text/visible-controls.js';

interface Case {
  name: string;
  failure?: { message: string; detail: string };
  error?: string;
  skipped?: string;
}

export function formatJunit(report: CheckReport): string {
  const suites: { name: string; cases: Case[]; systemErr?: string }[] = [];
  for (const t of report.traces) {
    // JUnit has no warnings: bad records skipped with --lenient go to the suite's <system-err>, which CI systems show.
    const skipped = skippedRecordsText(t.leaks);
    const systemErr = skipped === null ? undefined : [`warning: ${skipped}`, ...skippedExampleTexts(t.leaks, (s) => s, MAX_SKIPPED_SHOWN)].join('\n');
    suites.push({ name: t.file, cases: casesOf(t, report), ...(systemErr !== undefined ? { systemErr } : {}) });
  }
  for (const f of report.failures) suites.push({ name: f.file, cases: [{ name: 'read the trace', error: f.error }] });
  const count = (pick: (c: Case) => boolean): number => suites.reduce((n, s) => n + s.cases.filter(pick).length, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="memreplay check" tests="${count(() => true)}" failures="${count((c) => c.failure !== undefined)}" errors="${count((c) => c.error !== undefined)}" skipped="${count((c) => c.skipped !== undefined)}">`,
  );
  for (const s of suites) {
    out.push(
      `  <testsuite name="${xml(s.name)}" tests="${s.cases.length}" failures="${s.cases.filter((c) => c.failure).length}" errors="${s.cases.filter((c) => c.error).length}" skipped="${s.cases.filter((c) => c.skipped).length}">`,
    );
    for (const c of s.cases) {
      const open = `    <testcase classname="memreplay.check" name="${xml(c.name)}"`;
      if (c.failure !== undefined) {
        out.push(`${open}>`, `      <failure type="budget" message="${xml(c.failure.message)}">${xml(c.failure.detail)}</failure>`, '    </testcase>');
      } else if (c.error !== undefined) {
        out.push(`${open}>`, `      <error type="input" message="${xml(c.error)}"/>`, '    </testcase>');
      } else if (c.skipped !== undefined) {
        out.push(`${open}>`, `      <skipped message="${xml(c.skipped)}"/>`, '    </testcase>');
      } else {
        out.push(`${open}/>`);
      }
    }
    if (s.systemErr !== undefined) out.push(`    <system-err>${xml(s.systemErr)}</system-err>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function casesOf(t: TraceCheck, report: CheckReport): Case[] {
  const cases: Case[] = waivableProblems(t, report).map((w) =>
    w.allowed
      ? { name: w.rule.expectation, skipped: `${w.problem} (allowed)` }
      : { name: w.rule.expectation, failure: { message: w.problem, detail: `${w.problem}\n${w.advice}` } },
  );
  const quote = (text: string): string => JSON.stringify(text.slice(0, 60));
  for (const b of t.budgets) {
    const name = `${BUDGET_DESCRIPTIONS[b.budget]} <= ${formatBudgetValue(b.budget, b.limit)}`;
    if (b.passed && b.noVerdict !== null) cases.push({ name, skipped: `no leak verdict (allowed): ${b.noVerdict}` });
    else if (b.passed) cases.push({ name });
    else {
      const message = budgetFailureText(t, b, quote);
      const sites = b.sites.map((key) => {
        const s = t.leaks.sites.find((x) => x.key === key)!;
        return `${key}: ${siteFindingText(t, key, quote)}\n${[...s.stack].reverse().map((f) => `    ${f}`).join('\n')}`;
      });
      const note = freedLeaksNote(t, b.sites);
      const advice = b.noVerdict !== null ? [`${noVerdictAdvice(t.leaks)}; or pass --allow-no-verdict`] : [];
      cases.push({ name, failure: { message, detail: [...advice, ...sites, ...(note !== null ? [`(${note})`] : [])].join('\n') } });
    }
  }
  for (const b of t.baseline?.outcomes ?? []) {
    const name = `baseline: ${BUDGET_DESCRIPTIONS[b.metric]} <= ${formatBudgetValue(b.metric, b.limit)}`;
    if (b.passed) cases.push({ name });
    else {
      const message = `${BUDGET_DESCRIPTIONS[b.metric]}${instantSuffix(t, b.metric, quote)} rose to ${formatBudgetValue(b.metric, b.actual)} from ${formatBudgetValue(b.metric, b.baseline)}`;
      cases.push({ name, failure: { message, detail: message } });
    }
  }
  return cases;
}

/**
 * Escape text for XML attributes and content: control characters as visible
 * `\x1b` escapes (XML 1.0 cannot carry C0 controls; LF and TAB stay), and
 * U+FFFD for the other characters it cannot carry (lone surrogates, U+FFFE).
 */
export function xml(text: string): string {
  return visibleControls(text, true)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
