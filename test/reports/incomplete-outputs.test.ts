// An incomplete trace (its header names an end mark it does not end with)
// fails check in every output, or passes with a warning under
// --allow-incomplete; a complete one is not mentioned.

import { describe, expect, it } from 'vitest';
import { incompleteTraces } from '../replay/incomplete-trace.js';
import { formatCheckText } from '../../src/reports/check-text.js';
import { githubAnnotations, githubSummary } from '../../src/reports/github.js';
import { formatJunit } from '../../src/reports/junit.js';
import { formatSarif } from '../../src/reports/sarif.js';
import { reportOf } from './check-report.js';

describe('check on an incomplete trace', () => {
  it('fails it in text, JSON, JUnit, SARIF and GitHub, saying why and how to allow it', async () => {
    const f = incompleteTraces(10);
    const report = await reportOf([f.cut, f.ended]);
    expect(report.passed).toBe(false);
    expect(report.traces.map((t) => [t.passed, t.completeness.state])).toEqual([
      [false, 'incomplete'],
      [true, 'complete'],
    ]);
    const text = formatCheckText(report);
    expect(text).toMatch(/^FAIL .*cut\.csv\n {2}incomplete trace: the trace does not end with its "end" mark: .*; pass --allow-incomplete to judge it on its figures$/m);
    expect(text).toMatch(/^PASS .*ended\.csv$/m);
    expect(text).toMatch(/^result: FAIL \(1 passed, 1 failed; 1 incomplete\)$/m);
    const junit = formatJunit(report);
    expect(junit).toMatch(/<testcase classname="memreplay.check" name="the trace holds the whole run">\n\s+<failure type="budget" message="incomplete trace: /);
    expect(junit.match(/the trace holds the whole run/g)).toHaveLength(1);
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    const results = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'memreplay/incomplete-trace');
    expect(results).toHaveLength(1);
    expect(results[0].level).toBe('error');
    expect(results[0].message.text).toMatch(/cut\.csv: incomplete trace: /);
    expect(sarif.runs[0].tool.driver.rules[results[0].ruleIndex].id).toBe('memreplay/incomplete-trace');
    const annotations = githubAnnotations(report, f.dir);
    expect(annotations).toMatch(/^::error title=memreplay%3A incomplete trace::.*cut\.csv: incomplete trace: .*pass --allow-incomplete/m);
    expect(githubSummary(report)).toMatch(/cut\.csv \| \*\*FAIL\*\* \(incomplete trace\) \|/);
  });

  it('passes it on its figures with a warning when allowed', async () => {
    const f = incompleteTraces(10);
    const report = await reportOf([f.cut], {}, { allowIncomplete: true });
    expect(report.passed).toBe(true);
    expect(report.allowIncomplete).toBe(true);
    const text = formatCheckText(report);
    expect(text).toMatch(/^PASS .*cut\.csv\n {2}warning: incomplete trace: .*\(allowed: --allow-incomplete\)$/m);
    expect(text).toMatch(/; 1 incomplete, allowed\)$/m);
    expect(formatJunit(report)).toMatch(/name="the trace holds the whole run">\n\s+<skipped message="incomplete trace: .*\(allowed\)"/);
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    expect(sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'memreplay/incomplete-trace')).toHaveLength(0);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes.some((n: { level: string; message: { text: string } }) => n.level === 'warning' && /cut\.csv: incomplete trace: .*\(allowed\)\.$/.test(n.message.text))).toBe(true);
    expect(githubAnnotations(report, f.dir)).toMatch(/^::warning title=memreplay%3A incomplete trace::.*\(allowed\)$/m);
  });

  it('still says it is allowed when the trace fails on something else', async () => {
    const f = incompleteTraces(10);
    const report = await reportOf([f.cut], { arenas: 0 }, { allowIncomplete: true });
    expect(report.traces[0]!.passed).toBe(false);
    const text = formatCheckText(report);
    expect(text).toMatch(/^FAIL .*cut\.csv\n {2}warning: incomplete trace: .*\(allowed: --allow-incomplete\)$/m);
    expect(text).not.toMatch(/pass --allow-incomplete/);
  });
});
