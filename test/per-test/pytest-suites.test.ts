// The issue's "done when", run as a user would: a pytest suite memreplay has
// never seen (copied to a temporary folder), recorded with
// `memreplay record --repeat-tests 3 -- -m pytest -q .` and judged with
// `memreplay check --per-test --junit out.xml --sarif out.sarif --json`. The suite
// (suites/leaky) plants two leaks in its code under test, each on a line
// marked `# planted:`; the leak-free suite is the same without its two
// leaking tests. Real pytest: Debian's python3-pytest for /usr/bin/python3
// (scripts/ensure-pytest.cjs installs it before `npm test`).

import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { memreplay } from '../record/helpers.js';

const PYTHON = '/usr/bin/python3';
const SUITE = join(__dirname, 'suites', 'leaky');
const hasPytest = spawnSync(PYTHON, ['-c', 'import pytest'], { stdio: 'ignore' }).status === 0;
const why = `(skipped: ${PYTHON} cannot import pytest; scripts/ensure-pytest.cjs installs Debian's python3-pytest when run as root)`;

interface Site {
  key: string;
  location: { file: string; line: number; function: string } | null;
  bytes: number;
}
interface Verdict {
  measure: { nodeid: string; repetitions: number; retainedBytes: number; leakSites: Site[]; topSites: Site[]; location: { file: string; line: number } | null };
  limitLeaks: { bytes: number; from: string } | null;
  failures: { kind: string; message: string }[];
  passed: boolean;
}
interface Report {
  tests: Verdict[];
  failed: number;
  passed: boolean;
}

/** The line of `file` (under the suite) that holds `text`. */
function markedLine(dir: string, file: string, text: string): number {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

/** The first line of test function `name`'s definition in `file`: its first decorator, else its `def`. */
function definitionLine(dir: string, file: string, name: string): number {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  let i = lines.findIndex((l) => l.trimStart().startsWith(`def ${name}(`));
  expect(i).toBeGreaterThanOrEqual(0);
  while (i > 0 && lines[i - 1]!.trimStart().startsWith('@')) i--;
  return i + 1;
}

/** The line of `app/mail.py` that carries this `# planted:` comment. */
function plantedLine(dir: string, what: string): number {
  return markedLine(dir, join('app', 'mail.py'), `# planted: ${what}`);
}

/** A copy of the suite; `clean` leaves out its two leaking tests. */
function suiteCopy(clean: boolean): string {
  const dir = join(tempDir(), 'suite');
  cpSync(SUITE, dir, { recursive: true });
  if (clean) rmSync(join(dir, 'tests', 'test_leaks.py'));
  return dir;
}

function recordSuite(dir: string, repeat: number): void {
  const r = memreplay(['record', '-q', '-o', 'tests.csv.gz', '--python', PYTHON, '--repeat-tests', String(repeat), '--', '-m', 'pytest', '-q', '.'], { cwd: dir });
  expect(r.stderr).not.toMatch(/Traceback|Error/);
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
}
interface SarifResult {
  ruleId: string;
  locations: SarifLocation[];
  relatedLocations: SarifLocation[];
}

function checkSuite(dir: string, extra: string[] = []): { code: number | null; report: Report; junit: string; sarif: SarifResult[]; stderr: string } {
  const r = memreplay(['check', 'tests.csv.gz', '--per-test', '--junit', 'out.xml', '--sarif', 'out.sarif', '--source-root', dir, '--force', '--json', ...extra], { cwd: dir });
  const sarif = (JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { runs: { results: SarifResult[] }[] }).runs[0]!.results;
  return { code: r.code, report: JSON.parse(r.stdout) as Report, junit: readFileSync(join(dir, 'out.xml'), 'utf8'), sarif, stderr: r.stderr };
}

/** testcase elements that hold a <failure>, as classname::name. */
function failedCases(junit: string): string[] {
  return [...junit.matchAll(/<testcase classname="([^"]*)" name="([^"]*)">\s*<failure/g)].map((m) => `${m[1]}::${m[2]}`);
}

describe.skipIf(!hasPytest)(`pytest suites checked per test${hasPytest ? '' : ` ${why}`}`, () => {
  let leaky: string;
  let clean: string;
  beforeAll(() => {
    leaky = suiteCopy(false);
    clean = suiteCopy(true);
    recordSuite(leaky, 3);
    recordSuite(clean, 3);
  }, 300_000);

  it('fails exactly the two leaking tests, each at its planted line', () => {
    const { code, report, junit, sarif } = checkSuite(leaky);
    expect(code).toBe(1);
    expect(failedCases(junit).sort()).toEqual(['tests.test_leaks::test_leaks_audit_records', 'tests.test_leaks::test_leaks_every_message']);
    expect(report.tests.filter((t) => !t.passed).map((t) => t.measure.nodeid).sort()).toEqual([
      'tests/test_leaks.py::test_leaks_audit_records',
      'tests/test_leaks.py::test_leaks_every_message',
    ]);
    const leakAt = (nodeid: string): string[] =>
      report.tests.find((t) => t.measure.nodeid === nodeid)!.measure.leakSites.map((s) => `${s.location!.file.endsWith(join('app', 'mail.py')) ? 'mail.py' : s.location!.file}:${s.location!.line}`);
    expect(leakAt('tests/test_leaks.py::test_leaks_every_message')).toContain(`mail.py:${plantedLine(leaky, 'per-call leak')}`);
    expect(leakAt('tests/test_leaks.py::test_leaks_audit_records')).toContain(`mail.py:${plantedLine(leaky, 'slow leak')}`);
    // Every test ran its call phase three times; the steady-state leak is the reason, not a limit.
    expect(report.tests.every((t) => t.measure.repetitions === 3)).toBe(true);
    expect(report.tests.filter((t) => !t.passed).every((t) => t.failures.every((f) => f.kind === 'steady_leak'))).toBe(true);
    // SARIF: each planted line is a result, related to its test function's line.
    const where = (l: SarifLocation): string => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region?.startLine}`;
    const at = sarif.map((r) => `${where(r.locations[0]!)} <- ${where(r.relatedLocations[0]!)}`);
    for (const [what, test] of [['per-call leak', 'test_leaks_every_message'], ['slow leak', 'test_leaks_audit_records']] as const) {
      expect(at).toContain(`app/mail.py:${plantedLine(leaky, what)} <- tests/test_leaks.py:${definitionLine(leaky, join('tests', 'test_leaks.py'), test)}`);
    }
    // The JSON says where each test function is.
    for (const t of report.tests) {
      const parts = t.measure.nodeid.split('::');
      const [file, name] = [parts[0]!, parts.at(-1)!];
      expect(t.measure.location?.file).toBe(file);
      // pytest's own location of a test function: its first decorator's line, else its `def` line.
      expect(t.measure.location?.line).toBe(definitionLine(leaky, file, name.replace(/\[.*$/, '')));
    }
    expect(sarif.every((r) => r.ruleId === 'memreplay/test-steady-state-leak')).toBe(true);
  });

  it('under GitHub Actions, annotates each planted line with its test and lists the failing tests in the job summary', () => {
    const summary = join(leaky, 'summary.md');
    const r = memreplay(['check', 'tests.csv.gz', '--per-test'], { cwd: leaky, env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: leaky, GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    for (const [what, test] of [['per-call leak', 'test_leaks_every_message'], ['slow leak', 'test_leaks_audit_records']] as const) {
      expect(errors.some((l) => l.startsWith(`::error file=app/mail.py,line=${plantedLine(leaky, what)},title=memreplay%3A tests/test_leaks.py%3A%3A${test}::`))).toBe(true);
      const def = definitionLine(leaky, join('tests', 'test_leaks.py'), test);
      expect(errors.some((l) => l.startsWith(`::error file=tests/test_leaks.py,line=${def},title=memreplay%3A tests/test_leaks.py%3A%3A${test}::`))).toBe(true);
    }
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('FAIL (2 of 11 tests failed)');
    expect(md.split('\n').filter((l) => l.startsWith('| tests/'))).toHaveLength(2);
  });

  it('passes a leak-free suite with caches, parametrized tests, cycles and fixtures of every scope', () => {
    const { code, report, junit, sarif } = checkSuite(clean);
    expect(code).toBe(0);
    expect(failedCases(junit)).toEqual([]);
    expect(sarif).toEqual([]);
    expect(report.tests.length).toBeGreaterThanOrEqual(9);
    expect(report.passed).toBe(true);
    expect(junit).toContain('classname="tests.test_scopes.TestWithClassFixture" name="test_lookup"');
    expect(junit).toContain('name="test_parametrized[10]"');
  });

  it('counts what a wider fixture keeps as the fixture\'s, not the first test\'s that asked for it nor the last one\'s, in whose teardown it is torn down', () => {
    const { report } = checkSuite(clean);
    const conftest = report.tests.flatMap((t) => t.measure.topSites.filter((s) => s.location?.file.endsWith('conftest.py') && s.location.function !== 'inbox'));
    expect(conftest).toEqual([]);
    const teardownLine = markedLine(clean, join('tests', 'test_scopes.py'), '# teardown keeps');
    const keptByTeardown = report.tests.flatMap((t) => t.measure.topSites.filter((s) => s.location?.file.endsWith('test_scopes.py') && s.location.line === teardownLine));
    expect(keptByTeardown).toEqual([]);
    // The session fixture's dictionary is tens of KiB; the first test to ask for it keeps far less.
    const first = report.tests.find((t) => t.measure.nodeid.endsWith('test_lru_cache_filled_once'))!;
    expect(first.measure.retainedBytes).toBeLessThan(16 * 1024);
  });

  it('reads limit_leaks from a marker and perTest limits from the config file', () => {
    const marked = checkSuite(clean).report.tests.find((t) => t.measure.nodeid.endsWith('test_module_fixture'))!;
    expect(marked.limitLeaks).toEqual({ bytes: 64 * 1024, from: 'marker' });
    writeFileSync(join(clean, 'memreplay.config.json'), JSON.stringify({ check: { perTest: { limitLeaks: '1 B' } } }));
    try {
      const { code, report } = checkSuite(clean);
      expect(code).toBe(1);
      // Every test keeps a few bytes of pytest's; only the one with its own, larger, limit passes.
      expect(report.tests.filter((t) => t.passed).map((t) => t.measure.nodeid)).toEqual(['tests/test_scopes.py::test_module_fixture']);
      expect(report.tests.find((t) => !t.passed)!.failures[0]!.kind).toBe('limit_leaks');
    } finally {
      rmSync(join(clean, 'memreplay.config.json'));
    }
  });

  it('without repetitions finds no steady-state leak, and says so', () => {
    const dir = suiteCopy(false);
    recordSuite(dir, 1);
    const r = memreplay(['check', 'tests.csv.gz', '--per-test'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/steady-state leaks need at least 3 repetitions/);
  }, 120_000);
});
