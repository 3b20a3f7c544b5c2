// `check --per-test` for a terminal: each failing test in detail (why, and
// its top sites), one line for every other, and the count at the end.

import { MIN_STEADY_INTERVALS } from '../analyzers/growth-rule.js';
import type { TestSite } from '../analyzers/per-test.js';
import type { PerTestReport, TestVerdict } from '../check/per-test-policy.js';
import { bytes, count } from '../text/units.js';
import { visibleControls } from '../text/visible-controls.js';

/** Top sites shown under a failing test. */
const SITES_SHOWN = 3;

function siteText(s: TestSite): string {
  const where = s.location === null ? s.key : `${s.location.file}:${s.location.line}${s.location.function ? ` (${s.location.function})` : ''}`;
  return `${visibleControls(where)}: ${bytes(s.bytes)} in ${count(s.blocks, 'block')}`;
}

function summaryOf(t: TestVerdict): string {
  const m = t.measure;
  const grew: string[] = [];
  // The process's arenas and C-library bytes, when the test raised them above their values at its start.
  const arenas = m.peaks.arenas;
  if (arenas.highest > arenas.atStart) grew.push(`arenas ${arenas.atStart} to ${arenas.highest}`);
  const libc = m.peaks.system_bytes;
  if (libc.highest > libc.atStart) grew.push(`C library +${bytes(libc.highest - libc.atStart)}`);
  return `kept ${bytes(m.retainedBytes)} in ${count(m.retainedBlocks, 'block')}, peak ${bytes(m.peakBytes)}${grew.length > 0 ? `, ${grew.join(', ')}` : ''}`;
}

export function formatPerTestText(report: PerTestReport): string {
  const out: string[] = [];
  const reps = report.repetitions;
  out.push(`${visibleControls(report.file)}: ${count(report.tests.length, 'test')}, ${count(reps, 'call repetition')} at most`);
  if (!report.leakVerdicts) {
    out.push(
      `  note: steady-state leaks need at least ${MIN_STEADY_INTERVALS} repetitions of each test (memreplay record --repeat-tests ${MIN_STEADY_INTERVALS}); only limits were checked`,
    );
  }
  for (const t of report.tests) {
    if (t.passed) continue;
    const defined = t.measure.location;
    out.push(`FAIL ${visibleControls(t.measure.nodeid)}  (${summaryOf(t)})`);
    if (defined !== null) out.push(`     defined at ${visibleControls(defined.file)}:${defined.line}`);
    for (const f of t.failures) out.push(`     ${visibleControls(f.message)}`);
    const sites = t.measure.topSites.slice(0, SITES_SHOWN);
    if (sites.length > 0) out.push(`     kept at: ${sites.map(siteText).join('; ')}`);
  }
  for (const t of report.tests) if (t.passed) out.push(`ok   ${visibleControls(t.measure.nodeid)}  (${summaryOf(t)})`);
  out.push(
    report.failed === 0
      ? `all ${count(report.tests.length, 'test')} passed`
      : `${report.failed} of ${count(report.tests.length, 'test')} failed`,
  );
  return `${out.join('\n')}\n`;
}
