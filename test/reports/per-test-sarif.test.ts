// `check --per-test --sarif`: valid SARIF 2.1.0, a result per failure of a
// failing test at its site's line (relative to the source root), the test
// function as related location (at its line when the trace had a `test:at`
// mark, by its file otherwise), and nothing for passing tests.

import { describe, expect, it } from 'vitest';
import type { TestMeasure, TestSite } from '../../src/analyzers/per-test.js';
import { perTestReportOf } from '../../src/check/per-test-policy.js';
import { formatPerTestSarif } from '../../src/reports/per-test-sarif.js';
import { sarifValidator } from './sarif-schema.js';

const validate = sarifValidator();
const ROOT = '/repo';

function site(file: string, line: number, bytes: number): TestSite {
  return { key: `${file}:${line}`, location: { file, line, function: 'send' }, bytes, blocks: 2, growth: 'steady_leak', bytesPerRepetition: bytes / 3, rises: 3 };
}

const NO_PEAKS: TestMeasure['peaks'] = { block_bytes: { atStart: 0, highest: 0 }, arenas: { atStart: 1, highest: 1 }, system_bytes: { atStart: 0, highest: 0 } };

function measure(nodeid: string, over: Partial<TestMeasure>): TestMeasure {
  return { nodeid, repetitions: 3, complete: true, retainedBytes: 0, retainedBlocks: 0, suppressedBytes: 0, peakBytes: 0, peaks: NO_PEAKS, location: null, limits: {}, leakSites: [], topSites: [], firstEvent: 0, ...over };
}

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }[];
  relatedLocations: { physicalLocation: { artifactLocation: { uri: string }; region?: unknown } }[];
}

describe('per-test SARIF', () => {
  const leak = site(`${ROOT}/app/mail.py`, 17, 3000);
  const kept = site(`${ROOT}/app/cache.py`, 8, 9000);
  const report = perTestReportOf(
    'tests.csv.gz',
    [
      measure('tests/test_leaks.py::test_leaks', { leakSites: [leak], topSites: [leak], retainedBytes: 3000 }),
      measure('tests/test_cache.py::TestK::test_big[1]', { limits: { limit_leaks: '4 KiB' }, topSites: [kept], retainedBytes: 9000 }),
      measure('tests/test_ok.py::test_fine', { topSites: [site(`${ROOT}/app/ok.py`, 3, 10)], retainedBytes: 10 }),
    ],
    {},
  );
  const log = JSON.parse(formatPerTestSarif(report, { sourceRoot: ROOT, toolVersion: '0.1.0' }));
  const results = log.runs[0].results as Result[];

  it('is valid SARIF 2.1.0 with its rules named by every result', () => {
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const rules = log.runs[0].tool.driver.rules as { id: string }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.level).toBe('error');
      expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
    }
  });

  it('puts a steady-state leak at its line and a test over limit_leaks at its top site, each related to its test file', () => {
    const at = results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region?.startLine, r.relatedLocations[0]!.physicalLocation.artifactLocation.uri]);
    expect(at).toEqual([
      ['memreplay/test-steady-state-leak', 'app/mail.py', 17, 'tests/test_leaks.py'],
      ['memreplay/test-over-limit-leaks', 'app/cache.py', 8, 'tests/test_cache.py'],
    ]);
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe('SRCROOT');
    // The trace carries no line for the test function: located by its file only.
    expect(results.every((r) => r.relatedLocations[0]!.physicalLocation.region === undefined)).toBe(true);
    expect(results[1]!.message.text).toContain('tests/test_cache.py::TestK::test_big[1]');
  });

  it('has no results when every test passes', () => {
    const clean = perTestReportOf('t.csv', [measure('tests/test_ok.py::test_fine', {})], {});
    const cleanLog = JSON.parse(formatPerTestSarif(clean, { sourceRoot: ROOT, toolVersion: '0.1.0' }));
    expect(validate(cleanLog)).toBe(true);
    expect(cleanLog.runs[0].results).toEqual([]);
  });

  it('puts a failure with no line of its own (limit_memory) at the test file', () => {
    const r = perTestReportOf('t.csv', [measure('tests/test_m.py::test_m', { limits: { limit_memory: '1 KiB' }, peakBytes: 5000 })], {});
    const res = JSON.parse(formatPerTestSarif(r, { sourceRoot: ROOT, toolVersion: '0.1.0' })).runs[0].results as Result[];
    expect(res.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.artifactLocation.uri, x.locations[0]!.physicalLocation.region])).toEqual([
      ['memreplay/test-over-limit-memory', 'tests/test_m.py', undefined],
    ]);
  });

  it('relates each result to the test function\'s line, and puts a failure without a line of its own there, when the trace says where the test is', () => {
    const at = { file: 'tests/test_m.py', line: 12 };
    const r = perTestReportOf(
      't.csv',
      [
        measure('tests/test_m.py::test_m', { limits: { limit_memory: '1 KiB' }, peakBytes: 5000, location: at }),
        measure('tests/test_leaks.py::test_leaks', { leakSites: [leak], topSites: [leak], retainedBytes: 3000, location: { file: 'tests/test_leaks.py', line: 30 } }),
      ],
      {},
    );
    const doc = JSON.parse(formatPerTestSarif(r, { sourceRoot: ROOT, toolVersion: '0.1.0' }));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const res = doc.runs[0].results as Result[];
    const where = (l: { physicalLocation: { artifactLocation: { uri: string }; region?: unknown } }): unknown => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region];
    expect(res.map((x) => [x.ruleId, where(x.locations[0]!), where(x.relatedLocations[0]!)])).toEqual([
      ['memreplay/test-over-limit-memory', ['tests/test_m.py', { startLine: 12 }], ['tests/test_m.py', { startLine: 12 }]],
      ['memreplay/test-steady-state-leak', ['app/mail.py', { startLine: 17 }], ['tests/test_leaks.py', { startLine: 30 }]],
    ]);
  });
});
