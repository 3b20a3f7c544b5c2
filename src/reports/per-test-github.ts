// GitHub Actions outputs of `check --per-test` (written when GITHUB_ACTIONS is
// true): an error annotation per steady-state leak site at its line, titled
// with the test; one per failing test at the test function (its line from
// the trace's `test:at` mark; its file from the node id when the trace has
// no such mark), giving all its failures; and a job summary listing the
// failing tests. Escaping as for `check`.

import type { PerTestReport } from '../check/per-test-policy.js';
import { pathUnderRoot } from './source-location.js';
import { escapeData, escapeProperty, md } from './github.js';
import { count } from '../text/units.js';

/** Annotations GitHub shows per step and kind; the rest are summed up in one. */
const MAX_ANNOTATIONS = 10;

function annotation(props: Record<string, string>, message: string): string {
  const p = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::error ${p}::${escapeData(message)}`;
}

/** The test's file, as pytest's node id names it (relative to pytest's root). */
function testFile(nodeid: string): string {
  return nodeid.split('::')[0]!;
}

export function perTestAnnotations(report: PerTestReport, sourceRoot: string): string {
  const lines: string[] = [];
  for (const t of report.tests) {
    if (t.passed) continue;
    const title = `memreplay: ${t.measure.nodeid}`;
    for (const f of t.failures) {
      const site = f.kind === 'steady_leak' ? t.measure.leakSites.find((s) => s.location !== null && f.message.includes(`${s.location.file}:${s.location.line}`)) : undefined;
      const file = site?.location ? pathUnderRoot(site.location.file, sourceRoot) : null;
      if (site?.location && file !== null && !file.startsWith('../')) lines.push(annotation({ file, line: String(site.location.line), title }, `${t.measure.nodeid}: ${f.message}`));
    }
    const defined = t.measure.location;
    const at: Record<string, string> = defined !== null ? { file: defined.file, line: String(defined.line), title } : { file: testFile(t.measure.nodeid), title };
    lines.push(annotation(at, `${t.measure.nodeid} failed: ${t.failures.map((f) => f.message).join('; ')}`));
  }
  const kept = lines.slice(0, MAX_ANNOTATIONS);
  if (lines.length > MAX_ANNOTATIONS) kept.push(`::error title=memreplay::${escapeData(`${count(lines.length - MAX_ANNOTATIONS, 'more finding')}: see the job summary or the --junit report`)}`);
  return kept.map((l) => `${l}\n`).join('');
}

export function perTestSummary(report: PerTestReport): string {
  const out = [`### memreplay check --per-test: ${report.failed === 0 ? 'PASS' : 'FAIL'} (${report.failed} of ${count(report.tests.length, 'test')} failed)`, ''];
  if (report.failed > 0) {
    out.push('| test | why |', '|---|---|');
    for (const t of report.tests) if (!t.passed) out.push(`| ${md(t.measure.nodeid)} | ${t.failures.map((f) => md(f.message)).join('<br>')} |`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
