// GitHub Actions outputs of `memreplay check` (written when GITHUB_ACTIONS is
// true): workflow-command annotations, one per broken budget, on the line of
// the leak site's innermost in-project frame when there is one; and a
// Markdown job summary for GITHUB_STEP_SUMMARY. Everything from the trace is
// escaped: `%`, CR and LF (and `:` `,` in properties) for annotations; HTML
// and table syntax for Markdown; other control characters (ESC, BEL, ...) as
// visible `\x1b` escapes in both, since the log and the summary show them.

import { instantText } from './instant-text.js';
import { BUDGET_DESCRIPTIONS } from '../check/budgets.js';
import type { CheckReport, TraceCheck } from '../check/run-check.js';
import { budgetFailureText, formatBudgetValue, freedLeaksNote, instantSuffix, siteFindingText } from './check-text.js';
import { waivableProblems } from './waivable-problem.js';
import { noVerdictAdvice } from './growth-text.js';
import { skippedExampleTexts, skippedRecordsText } from './skipped-records-text.js';
import { siteLocation } from './source-location.js';
import { bytes, count, percent, thousands } from '../text/units.js';
import { visibleControls } from '../text/visible-controls.js';

/** Annotations GitHub shows per step and kind; more are dropped, so the rest are summed up in one. */
const MAX_ANNOTATIONS = 10;

export function githubAnnotations(report: CheckReport, sourceRoot: string): string {
  const lines: string[] = [];
  const quote = (text: string): string => JSON.stringify(text.slice(0, 60));
  for (const t of report.traces) {
    // An incomplete trace and an inexact replay fail the check unless allowed; allowed, they still warn.
    for (const w of waivableProblems(t, report)) {
      lines.push(command(w.allowed ? 'warning' : 'error', { title: `memreplay: ${w.rule.title}` }, `${t.file}: ${w.problem}${w.allowed ? ' (allowed)' : `; ${w.advice}`}`));
    }
    const skipped = skippedRecordsText(t.leaks);
    if (skipped !== null) {
      const first = skippedExampleTexts(t.leaks, (s) => s.slice(0, 120), 1)[0];
      lines.push(command('warning', { title: 'memreplay: bad records skipped' }, `${t.file}: ${skipped}${first !== undefined ? `, first at ${first}` : ''}`));
    }
    for (const b of t.budgets) {
      if (b.noVerdict !== null) {
        lines.push(
          command(
            b.passed ? 'warning' : 'error',
            { title: 'memreplay: no leak verdict' },
            `${t.file}: no leak verdict: ${b.noVerdict}${b.passed ? ' (allowed)' : `; ${noVerdictAdvice(t.leaks)}; or pass --allow-no-verdict`}`,
          ),
        );
      }
      if (b.passed) continue;
      if (b.sites.length > 0) {
        for (const key of b.sites) {
          const site = t.leaks.sites.find((s) => s.key === key)!;
          const loc = siteLocation(site.stack, sourceRoot);
          const props: Record<string, string> = {
            title: b.budget === 'steadyLeakSites' ? 'memreplay: steady-state leak' : 'memreplay: site over budget',
          };
          if (loc !== null && loc.relativePath !== null && !loc.relativePath.startsWith('../')) {
            props['file'] = loc.relativePath;
            if (loc.frame.line > 0) props['line'] = String(loc.frame.line);
          }
          const note = freedLeaksNote(t, [key]);
          lines.push(command('error', props, `${key}: ${siteFindingText(t, key, quote)} (${t.file})${note !== null ? `; ${note}` : ''}`));
        }
      } else if (b.noVerdict === null) {
        lines.push(command('error', { title: 'memreplay: budget exceeded' }, `${t.file}: ${budgetFailureText(t, b, quote)}`));
      }
    }
    for (const b of t.baseline?.outcomes ?? []) {
      if (b.passed) continue;
      lines.push(
        command(
          'error',
          { title: 'memreplay: above baseline' },
          `${t.file}: ${BUDGET_DESCRIPTIONS[b.metric]}${instantSuffix(t, b.metric, quote)} ${formatBudgetValue(b.metric, b.actual)}, baseline ${formatBudgetValue(b.metric, b.baseline)}`,
        ),
      );
    }
  }
  for (const f of report.failures) lines.push(command('error', { title: 'memreplay: cannot read trace' }, f.error));
  const errors = lines.filter((l) => l.startsWith('::error'));
  const kept = [...lines.filter((l) => !l.startsWith('::error')), ...errors.slice(0, MAX_ANNOTATIONS)];
  if (errors.length > MAX_ANNOTATIONS) {
    kept.push(command('error', { title: 'memreplay' }, `${count(errors.length - MAX_ANNOTATIONS, 'more finding')}: see the job summary or the --sarif report`));
  }
  return kept.map((l) => l + '\n').join('');
}

function command(kind: 'error' | 'warning', props: Record<string, string>, message: string): string {
  const p = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${kind}${p === '' ? '' : ' ' + p}::${escapeData(message)}`;
}

export function escapeData(s: string): string {
  return visibleControls(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubSummary(report: CheckReport): string {
  const out: string[] = [];
  out.push(`## memreplay check: ${report.passed ? 'passed' : 'failed'}`);
  out.push('');
  out.push('| trace | result | steady-state leak sites | instant | live bytes | largest site | peak footprint | arenas (peak) | fragmentation |');
  out.push('|---|---|---:|---|---:|---:|---:|---:|---:|');
  for (const t of report.traces) {
    const s = t.summary;
    const noVerdict = t.leaks.growth.noVerdict !== null;
    const incomplete =
      (t.completeness.state === 'incomplete' ? ' (incomplete trace)' : '') + (t.exactness.state === 'inexact' ? ' (inexact replay)' : '');
    out.push(
      `| ${md(t.file)} | ${t.passed ? (noVerdict ? 'pass (no leak verdict)' : 'pass') : '**FAIL**'}${incomplete} | ${noVerdict ? 'no verdict' : thousands(s.steadyLeakSites)} | ` +
        `${md(instantText(t.leaks.at, (x) => JSON.stringify(x.slice(0, 40))))} | ${bytes(s.leakedBytes)} | ${bytes(s.siteLeakedBytes)} | ${bytes(s.peakFootprintBytes)} | ${thousands(s.arenas)} | ${percent(s.fragmentation)} |`,
    );
  }
  for (const f of report.failures) out.push(`| ${md(f.file)} | **ERROR** | | | | | | | |`);
  const skipped = report.traces.filter((t) => t.leaks.skippedRecords.count > 0);
  if (skipped.length > 0) {
    out.push('', '### Bad records skipped (--lenient)', '');
    for (const t of skipped) {
      const first = skippedExampleTexts(t.leaks, (s) => s.slice(0, 200), 1)[0];
      out.push(`- ${md(t.file)}: ${md(skippedRecordsText(t.leaks)!)}${first !== undefined ? `, first at ${md(first)}` : ''}`);
    }
  }
  for (const t of report.traces.filter((x) => !x.passed)) out.push('', ...failureDetails(t));
  if (report.failures.length > 0) {
    out.push('', '### Traces that could not be read', '');
    for (const f of report.failures) out.push(`- ${md(f.error)}`);
  }
  return out.join('\n') + '\n';
}

function failureDetails(t: TraceCheck): string[] {
  const out = [`### ${md(t.file)}`, ''];
  const quote = (text: string): string => JSON.stringify(text.slice(0, 40));
  for (const b of t.budgets) {
    if (b.passed) continue;
    out.push(`- ${md(budgetFailureText(t, b, quote))}`);
    for (const key of b.sites.slice(0, 20)) {
      const site = t.leaks.sites.find((s) => s.key === key)!;
      const series = site.growth.liveBytes.map((v) => bytes(v)).join(' → ');
      out.push(`  - ${md(key)}: ${md(siteFindingText(t, key, quote))}; live bytes per sample from the start of the trace: ${md(series.length > 400 ? series.slice(0, 399) + '…' : series)}`);
    }
    const note = freedLeaksNote(t, b.sites.slice(0, 20));
    if (note !== null) out.push(`  - ${md(note)}`);
  }
  for (const b of t.baseline?.outcomes ?? []) {
    if (b.passed) continue;
    out.push(`- baseline: ${md(BUDGET_DESCRIPTIONS[b.metric] + instantSuffix(t, b.metric, quote))} ${formatBudgetValue(b.metric, b.actual)}, baseline ${formatBudgetValue(b.metric, b.baseline)}`);
  }
  return out;
}

/** Untrusted text inside Markdown (and the HTML GitHub allows in it): inert, one line. */
export function md(text: string): string {
  return visibleControls(text.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}
