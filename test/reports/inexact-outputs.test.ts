// A replay the model did not follow exactly fails check in every CI output,
// or passes with a warning under --allow-inexact; an exact one is not
// mentioned. The trace is the hand-made fixture with one block address that
// differs from where CPython 3.11 puts it (test/fixtures/hand-made).

import { describe, expect, it } from 'vitest';
import { formatCheckText } from '../../src/reports/check-text.js';
import { githubAnnotations, githubSummary } from '../../src/reports/github.js';
import { formatJunit } from '../../src/reports/junit.js';
import { formatSarif } from '../../src/reports/sarif.js';
import { inexactTraces } from '../replay/inexact-trace.js';
import { reportOf } from './check-report.js';

describe('check on an inexact replay', () => {
  it('fails it in text, JUnit, SARIF and GitHub, saying why and how to allow it', async () => {
    const f = inexactTraces();
    const report = await reportOf([f.inexact, f.exact]);
    expect(report.passed).toBe(false);
    expect(report.traces.map((t) => [t.passed, t.exactness.state])).toEqual([
      [false, 'inexact'],
      [true, 'exact'],
    ]);
    const text = formatCheckText(report);
    expect(text).toMatch(/^FAIL .*inexact\.csv\n {2}inexact replay: 1 of 2 block addresses differ from the trace; pass --allow-inexact to judge it on the model's figures$/m);
    expect(text).toMatch(/^result: FAIL \(1 passed, 1 failed; 1 inexact\)$/m);
    const junit = formatJunit(report);
    expect(junit).toMatch(/<testcase classname="memreplay.check" name="the model follows the trace exactly">\n\s+<failure type="budget" message="inexact replay: 1 of 2 block addresses differ/);
    expect(junit.match(/the model follows the trace exactly/g)).toHaveLength(1);
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    const results = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'memreplay/inexact-replay');
    expect(results).toHaveLength(1);
    expect(results[0].level).toBe('error');
    expect(results[0].message.text).toMatch(/inexact\.csv: inexact replay: 1 of 2 block addresses differ/);
    expect(sarif.runs[0].tool.driver.rules[results[0].ruleIndex].id).toBe('memreplay/inexact-replay');
    expect(githubAnnotations(report, f.dir)).toMatch(/^::error title=memreplay%3A inexact replay::.*inexact\.csv: inexact replay: .*pass --allow-inexact/m);
    expect(githubSummary(report)).toMatch(/inexact\.csv \| \*\*FAIL\*\* \(inexact replay\) \|/);
    expect(githubSummary(report)).toMatch(/\/exact\.csv \| pass \|/);
  });

  it('passes it on the model\'s figures with a warning when allowed', async () => {
    const f = inexactTraces();
    const report = await reportOf([f.inexact], {}, { allowInexact: true });
    expect(report.passed).toBe(true);
    expect(report.allowInexact).toBe(true);
    const text = formatCheckText(report);
    expect(text).toMatch(/^PASS .*inexact\.csv\n {2}warning: inexact replay: .*\(allowed: --allow-inexact\)$/m);
    expect(text).toMatch(/; 1 inexact, allowed\)$/m);
    expect(formatJunit(report)).toMatch(/name="the model follows the trace exactly">\n\s+<skipped message="inexact replay: .*\(allowed\)"/);
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    expect(sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === 'memreplay/inexact-replay')).toHaveLength(0);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes.some((n: { level: string; message: { text: string } }) => n.level === 'warning' && /inexact\.csv: inexact replay: .*\(allowed\)\.$/.test(n.message.text))).toBe(true);
    expect(githubAnnotations(report, f.dir)).toMatch(/^::warning title=memreplay%3A inexact replay::.*\(allowed\)$/m);
  });
});
