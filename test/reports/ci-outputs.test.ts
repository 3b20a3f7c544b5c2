// JUnit XML, GitHub annotations and the Markdown job summary.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCheckText } from '../../src/reports/check-text.js';
import { escapeData, escapeProperty, githubAnnotations, githubSummary, md } from '../../src/reports/github.js';
import { formatJunit, xml } from '../../src/reports/junit.js';
import { formatSarif } from '../../src/reports/sarif.js';
import { visibleControls } from '../../src/text/visible-controls.js';
import { iterationsTrace } from '../analyzers/trace-writer.js';
import { tempDir } from '../cli/helpers.js';
import { CONTROLS, controlCharsTrace, fixture, hostileTrace, oneBlockTrace, reportOf, shutdownTrace } from './check-report.js';

describe('JUnit output', () => {
  it('has one test case per trace and budget, a failure per broken budget, an error per unreadable trace', async () => {
    const f = fixture();
    const report = await reportOf([f.leaky, f.clean, join(f.dir, 'missing.csv')], { arenas: 100 });
    const x = formatJunit(report);
    expect(x).toContain('<testsuites name="memreplay check" tests="5" failures="1" errors="1" skipped="0">');
    expect(x).toContain(`<testsuite name="${f.leaky}" tests="2" failures="1" errors="0" skipped="0">`);
    expect(x).toContain(
      `<failure type="budget" message="steady-state leak sites: 1 &gt; 0">remember (${f.dir}/app/server.py:42): +64 B per mark, 640 B live in 10 blocks at the end of the trace`,
    );
    expect(x).toContain('<testcase classname="memreplay.check" name="arena high-water mark &lt;= 100"/>');
    expect(x).toContain(`<error type="input" message="cannot read trace ${f.dir}/missing.csv: no such file"/>`);
  });

  it('escapes markup, shows control characters as escapes and drops other characters XML cannot carry', () => {
    expect(xml('a<b>&"c\'\u0001\uD800\t\n')).toBe('a&lt;b&gt;&amp;&quot;c&apos;\\x01\uFFFD\t\n');
  });
});

describe('GitHub Actions outputs', () => {
  it('annotates the leak at the innermost in-project line, escaping what the trace wrote', async () => {
    const f = fixture();
    const hostile = hostileTrace(f.dir);
    const report = await reportOf([f.leaky, hostile]);
    const lines = githubAnnotations(report, f.dir).trimEnd().split('\n');
    expect(lines[0]).toBe(
      `::error title=memreplay%3A steady-state leak,file=app/server.py,line=42::remember (${f.dir}/app/server.py:42): +64 B per mark, 640 B live in 10 blocks at the end of the trace (${f.leaky})`,
    );
    expect(lines[1]).toMatch(/^::error title=memreplay%3A steady-state leak,file=app\/we ird%25%2C%3A\.py,line=7::/);
    expect(lines).toHaveLength(2);
  });

  it('escapes workflow-command data and properties', () => {
    expect(escapeData('50%\r\nx:y,z')).toBe('50%25%0D%0Ax:y,z');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('summarises every trace in a Markdown table and details the failures', async () => {
    const f = fixture();
    const report = await reportOf([f.leaky, f.clean]);
    const s = githubSummary(report);
    expect(s).toContain('## memreplay check: failed');
    expect(s).toMatch(/\| .*leaky\.csv \| \*\*FAIL\*\* \| 1 \| at the end of the trace \|/);
    expect(s).toMatch(/\| .*clean\.csv \| pass \| 0 \|/);
    expect(s).toContain('live bytes per sample from the start of the trace: 0 B → 64 B → 128 B');
  });

  it('makes trace text inert in Markdown', () => {
    expect(md('<img src=x onerror=alert(1)>|`x`\n# h')).toBe('&lt;img src=x onerror=alert\\(1\\)&gt;\\|\\`x\\` \\# h');
  });
});

describe('check text', () => {
  it('says which budget broke, by which site, and the result', async () => {
    const f = fixture();
    const text = formatCheckText(await reportOf([f.leaky, f.clean]));
    expect(text).toContain('budgets: steady-state leak sites <= 0 (default)');
    expect(text).toContain(`FAIL  ${f.leaky}\n  steady-state leak sites: 1 > 0\n    remember (${f.dir}/app/server.py:42): +64 B per mark, 640 B live`);
    expect(text).toContain(`PASS  ${f.clean}`);
    expect(text).toContain('result: FAIL (1 passed, 1 failed)');
  });

  it('counts traces and blocks in the singular and the plural', async () => {
    const f = fixture();
    const one = formatCheckText(await reportOf([oneBlockTrace(f.dir)]));
    expect(one).toMatch(/^memreplay check: 1 trace\n/);
    expect(one).toContain(`grow (${f.dir}/app/cache.py:7): +64 B per mark, 384 B live in 1 block at the end of the trace\n`);
    expect(one).not.toMatch(/\(s\)|\b1 (traces|blocks)\b/);
    expect(formatCheckText(await reportOf([f.leaky, f.clean]))).toMatch(/^memreplay check: 2 traces\n/);
  });

  it('counts one block in SARIF and one finding over the annotation limit in the singular', async () => {
    const f = fixture();
    const file = oneBlockTrace(f.dir);
    const sarif = JSON.parse(formatSarif(await reportOf([file], { siteLeakedBytes: 100 }), { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    const messages: string[] = sarif.runs[0].results.map((r: { message: { text: string } }) => r.message.text);
    expect(messages.find((m) => m.startsWith('Steady-state leak'))).toContain(`384 B in 1 block live at the end of the trace of ${file}.`);
    expect(messages.find((m) => m.includes('per-site budget'))).toContain('holds 384 B in 1 live block at the end of the trace of');
    // Eleven traces each with one steady-state leak: ten annotations, and one said to be left out.
    const annotations = githubAnnotations(await reportOf(Array.from({ length: 11 }, () => file)), f.dir);
    expect(annotations).toContain('::error title=memreplay::1 more finding: see the job summary or the --sarif report\n');
    const twelve = githubAnnotations(await reportOf(Array.from({ length: 12 }, () => file)), f.dir);
    expect(twelve).toContain('::error title=memreplay::2 more findings: see');
  });
});

describe('the instant of every figure', () => {
  it('is the --at mark when there is one, in text, JUnit, SARIF and GitHub outputs alike', async () => {
    const f = fixture();
    const trace = shutdownTrace(f.dir);
    const report = await reportOf([trace], { siteLeakedBytes: 100, leakedBytes: 100 }, { leaks: { instant: { at: 'stats' } } });
    const text = formatCheckText(report);
    expect(text).toContain(`remember (${f.dir}/app/server.py:42): +64 B per mark, 640 B live in 10 blocks at mark "stats"`);
    expect(text).toContain('bytes live at the reported instant, after suppressions (at mark "stats"): 640 B > 100 B');
    expect(text).not.toContain('at the end');
    const junit = formatJunit(report);
    expect(junit).toContain('640 B live in 10 blocks at mark &quot;stats&quot;');
    expect(junit).not.toContain('at the end');
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    const messages: string[] = sarif.runs[0].results.map((r: { message: { text: string } }) => r.message.text);
    expect(messages.find((m) => m.startsWith('Steady-state leak'))).toContain(`640 B in 10 blocks live at mark "stats" of ${trace}.`);
    expect(messages.find((m) => m.includes('per-site budget'))).toContain('in 10 live blocks at mark "stats" of');
    expect(messages.find((m) => m.includes('after suppressions'))).toContain('(at mark "stats"): 640 B > 100 B');
    expect(messages.join('\n')).not.toContain('at the end');
    const github = githubAnnotations(report, f.dir);
    expect(github).toContain('640 B live in 10 blocks at mark "stats"');
    expect(github).not.toContain('at the end');
    expect(githubSummary(report)).toContain('| at mark "stats" |');
  });

  it('is the stats mark by default when the trace has one, as in the report: the leak freed at shutdown is still live there', async () => {
    const f = fixture();
    const trace = shutdownTrace(f.dir);
    const report = await reportOf([trace], { siteLeakedBytes: 100 });
    expect(report.traces[0]!.at).toBe('stats');
    expect(formatCheckText(report)).toContain(`remember (${f.dir}/app/server.py:42): +64 B per mark, 640 B live in 10 blocks at mark "stats"`);
    expect(githubSummary(report)).toContain('| at mark "stats" |');
  });

  it('is the end with --at-end, and a leak freed at shutdown says so and points to --at stats', async () => {
    const f = fixture();
    const trace = shutdownTrace(f.dir);
    const report = await reportOf([trace], {}, { leaks: { instant: { atEnd: true } } });
    const text = formatCheckText(report);
    expect(text).toContain(`remember (${f.dir}/app/server.py:42): +64 B per mark, 0 B live at the end of the trace`);
    expect(text).toContain('(0 B live: freed after the last sample, at interpreter shutdown: --at stats shows the blocks while the interpreter is alive)');
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    expect(sarif.runs[0].results[0].message.text).toContain('0 B in 0 blocks live at the end of the trace of');
    expect(sarif.runs[0].results[0].message.text).toContain('at interpreter shutdown: --at stats shows the blocks');
    expect(formatJunit(report)).toContain('at interpreter shutdown');
    expect(githubAnnotations(report, f.dir)).toContain('0 B live at the end of the trace');
  });
});

describe('a trace without a leak verdict', () => {
  // 10 marks with a warm-up of 9 leave one interval: the rule needs 3.
  const tooFew = { leaks: { growth: { warmup: { intervals: 9 } } } };

  it('fails the steady-state leak budget in every output, saying why', async () => {
    const f = fixture();
    const report = await reportOf([f.clean], {}, tooFew);
    expect(report.passed).toBe(false);
    const reason = 'only 1 interval after the warm-up of 9 marks (10 marks counted); a verdict needs 3';
    expect(report.traces[0]!.budgets[0]).toMatchObject({ budget: 'steadyLeakSites', actual: 0, passed: false, noVerdict: reason });
    const text = formatCheckText(report);
    expect(text).toContain(`FAIL  ${f.clean}\n  steady-state leak sites: no leak verdict: ${reason}\n`);
    expect(text).toContain('    lower --warmup, or run more iterations (a mark after each); or pass --allow-no-verdict');
    expect(text).toContain('result: FAIL (0 passed, 1 failed; 1 without a leak verdict)');
    expect(formatJunit(report)).toContain(`<failure type="budget" message="steady-state leak sites: no leak verdict: ${reason}">`);
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    expect(sarif.runs[0].results).toHaveLength(1);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'memreplay/no-leak-verdict', level: 'error' });
    expect(githubAnnotations(report, f.dir)).toContain(`::error title=memreplay%3A no leak verdict::${f.clean}: no leak verdict: ${reason}`);
    expect(githubSummary(report)).toMatch(/\| \*\*FAIL\*\* \| no verdict \|/);
  });

  it('does not advise a lower --warmup where it cannot help: a trace with a single mark', async () => {
    const dir = tempDir();
    const file = join(dir, 'one-mark.csv');
    writeFileSync(file, iterationsTrace(1, false));
    const report = await reportOf([file]);
    expect(report.traces[0]!.leaks.growth.noVerdict).toBe('only 0 intervals after the warm-up of 1 mark (1 mark counted); a verdict needs 3');
    const advice = 'run more iterations (a mark after each); or pass --allow-no-verdict';
    expect(formatCheckText(report)).toContain(`\n    ${advice} to let it pass with a warning\n`);
    expect(formatJunit(report)).toContain(advice);
    expect(githubAnnotations(report, dir)).toContain(advice);
    expect(formatSarif(report, { sourceRoot: dir, toolVersion: '0.1.0' })).toContain(advice);
    for (const out of [formatCheckText(report), formatJunit(report), githubAnnotations(report, dir), formatSarif(report, { sourceRoot: dir, toolVersion: '0.1.0' })]) {
      expect(out).not.toContain('--warmup');
    }
    // With no warm-up at all there is nothing to lower either.
    const noWarmup = await reportOf([file], {}, { leaks: { growth: { warmup: { intervals: 0 } } } });
    expect(formatCheckText(noWarmup)).not.toContain('--warmup');
  });

  it('passes with a visible warning when allowed', async () => {
    const f = fixture();
    const report = await reportOf([f.clean], {}, { ...tooFew, allowNoVerdict: true });
    expect(report.passed).toBe(true);
    const text = formatCheckText(report);
    expect(text).toContain(`PASS  ${f.clean} (no leak verdict)\n  warning: no leak verdict: only 1 interval`);
    expect(text).toContain('result: PASS (1 passed, 0 failed; 1 without a leak verdict, allowed)');
    expect(formatJunit(report)).toMatch(/<testcase classname="memreplay.check" name="steady-state leak sites &lt;= 0">\n\s+<skipped message="no leak verdict \(allowed\): only 1 interval/);
    const sarif = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0]).toMatchObject({ level: 'warning' });
    expect(githubAnnotations(report, f.dir)).toMatch(/^::warning title=memreplay%3A no leak verdict::.*\(allowed\)$/m);
    expect(githubSummary(report)).toContain('| pass (no leak verdict) | no verdict |');
  });

  it('still fails a real leak found besides', async () => {
    const f = fixture();
    const report = await reportOf([f.leaky], {}, { leaks: { growth: { warmup: { intervals: 2 } } }, allowNoVerdict: true });
    expect(report.traces[0]!.leaks.growth.noVerdict).toBeNull();
    expect(report.passed).toBe(false);
  });
});

describe('control characters from the trace', () => {
  /** Any C0 control but LF and TAB, DEL or a C1 control. */
  // eslint-disable-next-line no-control-regex
  const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

  it('are shown as visible escapes by the one shared helper', () => {
    expect(visibleControls(`a${CONTROLS}b\t`)).toBe('a\\x1b[2J\\x07\\x7f\\x9b31m\\x0d\\x0ab\\x09');
    expect(visibleControls(`a${CONTROLS}b\t`, true)).toBe('a\\x1b[2J\\x07\\x7f\\x9b31m\\x0d\nb\t');
    expect(visibleControls('naïve — 日本 \u00a0')).toBe('naïve — 日本 \u00a0');
  });

  async function controlsReport(): Promise<{ dir: string; report: Awaited<ReturnType<typeof reportOf>> }> {
    const f = fixture();
    const trace = controlCharsTrace(f.dir);
    const label = `iteration 5${CONTROLS.slice(0, -2)}`;
    return { dir: f.dir, report: await reportOf([trace], { siteLeakedBytes: 10, leakedBytes: 10 }, { leaks: { instant: { at: label } } }) };
  }

  it('never reach GitHub annotations raw, in messages or properties', async () => {
    const { dir, report } = await controlsReport();
    const lines = githubAnnotations(report, dir).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).not.toMatch(RAW);
    expect(lines.join('\n')).toContain('evil\\x1b[2J\\x07\\x7f\\x9b31m%0D%0Afn');
    expect(lines.join('\n')).toMatch(/file=app\/ev\\x1b\[2J\\x07\\x7f\\x9b31m%0D%0Ail\.py/);
    expect(lines.join('\n')).toContain('at mark "iteration 5\\u001b[2J\\u0007\\x7f\\x9b31m"');
    expect(escapeData('\u001b]8;;http://x\u0007')).toBe('\\x1b]8;;http://x\\x07');
  });

  it('never reach the Markdown step summary raw', async () => {
    const { report } = await controlsReport();
    const s = githubSummary(report);
    expect(s).not.toMatch(RAW);
    expect(s).toContain('evil\\\\x1b\\[2J\\\\x07\\\\x7f\\\\x9b31m fn');
    expect(md('a\u001bb')).toBe('a\\\\x1bb');
  });

  it('never reach JUnit XML, where C0 controls are not allowed at all', async () => {
    const { report } = await controlsReport();
    const x = formatJunit(report);
    expect(x).not.toMatch(RAW);
    expect(x).toContain('evil\\x1b[2J\\x07\\x7f\\x9b31m\\x0d\nfn');
  });

  it('never reach SARIF strings raw', async () => {
    const { dir, report } = await controlsReport();
    const text = formatSarif(report, { sourceRoot: dir, toolVersion: '0.1.0' });
    const strings: string[] = [];
    JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && strings.push(v), v));
    expect(strings.some((v) => v.includes('evil\\x1b[2J\\x07\\x7f\\x9b31m\\x0d\nfn'))).toBe(true);
    for (const v of strings) expect(v).not.toMatch(RAW);
  });

  it('never reach the terminal text of check raw', async () => {
    const { report } = await controlsReport();
    const text = formatCheckText(report);
    expect(text).not.toMatch(RAW);
    expect(text).toContain('evil\\x1b[2J\\x07\\x7f\\x9b31m\\x0d\\x0afn');
  });
});
