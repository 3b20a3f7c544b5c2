// `python -m unittest` recorded as a user would: memreplay runs unittest's own
// main with a result that marks each test, and check --per-test judges each
// against the config's perTest limit. Needs only the system python3.

import { existsSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { memreplay } from '../record/helpers.js';

const PYTHON = '/usr/bin/python3';
const SUITE = join(__dirname, 'suites', 'unittest');

describe.skipIf(!existsSync(PYTHON))(`unittest checked per test${existsSync(PYTHON) ? '' : ` (skipped: no ${PYTHON})`}`, () => {
  it('fails the test that keeps 100 kB at its line, not the one using a class fixture', () => {
    const dir = join(tempDir(), 'suite');
    cpSync(SUITE, dir, { recursive: true });
    const rec = memreplay(['record', '-q', '-o', 'u.csv.gz', '--python', PYTHON, '--', '-m', 'unittest', '-q'], { cwd: dir });
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stderr).toMatch(/Ran 2 tests/);
    writeFileSync(join(dir, 'memreplay.config.json'), JSON.stringify({ check: { perTest: { limitLeaks: '64 KiB' } } }));
    const r = memreplay(['check', 'u.csv.gz', '--per-test', '--json', '--junit', 'u.xml'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      tests: { measure: { nodeid: string; location: { file: string; line: number } | null; topSites: { location: { file: string; line: number } | null }[] }; passed: boolean }[];
    };
    expect(report.tests.map((t) => [t.measure.nodeid, t.passed])).toEqual([
      ['test_inventory.TestInventory::test_keeps_a_buffer', false],
      ['test_inventory.TestInventory::test_uses_the_shelves', true],
    ]);
    const planted = readFileSync(join(dir, 'test_inventory.py'), 'utf8').split('\n').findIndex((l) => l.includes('# planted:')) + 1;
    const top = report.tests[0]!.measure.topSites[0]!.location!;
    expect([top.file.endsWith('test_inventory.py'), top.line]).toEqual([true, planted]);
    // Each test method's `def` line, its file relative to the working directory.
    const source = readFileSync(join(dir, 'test_inventory.py'), 'utf8').split('\n');
    for (const t of report.tests) {
      const name = t.measure.nodeid.split('::')[1]!;
      expect(t.measure.location).toEqual({ file: 'test_inventory.py', line: source.findIndex((l) => l.includes(`def ${name}(`)) + 1 });
    }
    expect(readFileSync(join(dir, 'u.xml'), 'utf8')).toContain('<testcase classname="test_inventory.TestInventory" name="test_keeps_a_buffer">');
  }, 120_000);

  it('refuses --repeat-tests for unittest', () => {
    const r = memreplay(['record', '-o', join(tempDir(), 'u.csv'), '--python', PYTHON, '--repeat-tests', '3', '--', '-m', 'unittest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--repeat-tests is for pytest: unittest runs each test once/);
  });
});
