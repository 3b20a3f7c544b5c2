// JUnit XML, GitHub annotations and the Markdown job summary.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCheckText } from '../../src/reports/check-text.js';
import { escapeData, escapeProperty, githubAnnotations, githubSummary, md } from '../../src/reports/github.js';
import { formatJunit, xml } from '../../src/reports/junit.js';
import { fixture, hostileTrace, reportOf } from './check-report.js';

describe('JUnit output', () => {
  it('has one test case per trace and budget, a failure per broken budget, an error per unreadable trace', async () => {
    const f = fixture();
    const report = await reportOf([f.leaky, f.clean, join(f.dir, 'missing.csv')], { arenas: 100 });
    const x = formatJunit(report);
    expect(x).toContain('<testsuites name="memreplay check" tests="5" failures="1" errors="1">');
    expect(x).toContain(`<testsuite name="${f.leaky}" tests="2" failures="1" errors="0">`);
    expect(x).toContain('<failure type="budget" message="steady-state leak sites: 1 &gt; 0">');
    expect(x).toContain('<testcase classname="memreplay.check" name="arena high-water mark &lt;= 100"/>');
    expect(x).toContain(`<error type="input" message="cannot read trace ${f.dir}/missing.csv: no such file"/>`);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xml('a<b>&"c\'\u0001\uD800')).toBe('a&lt;b&gt;&amp;&quot;c&apos;\uFFFD\uFFFD');
  });
});

describe('GitHub Actions outputs', () => {
  it('annotates the leak at the innermost in-project line, escaping what the trace wrote', async () => {
    const f = fixture();
    const hostile = hostileTrace(f.dir);
    const report = await reportOf([f.leaky, hostile]);
    const lines = githubAnnotations(report, f.dir).trimEnd().split('\n');
    expect(lines[0]).toBe(
      `::error title=memreplay%3A steady-state leak,file=app/server.py,line=42::remember (${f.dir}/app/server.py:42): grows by 64 B per mark, 640 B live in 10 blocks (${f.leaky})`,
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
    expect(s).toMatch(/\| .*leaky\.csv \| \*\*FAIL\*\* \| 1 \|/);
    expect(s).toMatch(/\| .*clean\.csv \| pass \| 0 \|/);
    expect(s).toContain('live bytes per sample: 0 B → 64 B → 128 B');
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
});
