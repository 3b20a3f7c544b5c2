// `check --per-test --sarif`: SARIF 2.1.0 for code scanning, a result per
// failure of a failing test. A steady-state leak is at its site's line; a test
// over its limit_leaks is at the line of the site it kept the most at (its top
// site); what has no line of its own (limit_memory, a run stopped inside the
// test, a marker that is no size) is at the test function. Each result's
// related location is the test function: its file and line from the trace's
// `test:at` mark, or its file alone (from the node id) for a trace without
// that mark. Schema, paths relative to --source-root and fingerprints are
// whole-trace SARIF's (sarif.ts).

import type { TestSite } from '../analyzers/per-test.js';
import type { PerTestReport, TestFailureKind, TestVerdict } from '../check/per-test-policy.js';
import { directoryUri, fingerprint, physical, SARIF_SCHEMA_URI, sarifRule, sarifText, SRCROOT, type SarifOptions } from './sarif.js';

const RULES: readonly { id: string; name: string; short: string; full: string; kind: TestFailureKind }[] = [
  {
    id: 'memreplay/test-steady-state-leak',
    name: 'TestSteadyStateLeak',
    short: 'A test leaves more live memory here after every repetition',
    full: 'The bytes live from allocations at this call site during the test rose after every repetition of its call phase (memreplay record --repeat-tests): memory the test allocates each time and never frees.',
    kind: 'steady_leak',
  },
  {
    id: 'memreplay/test-over-limit-leaks',
    name: 'TestOverLimitLeaks',
    short: 'A test keeps more memory after its teardown than its limit_leaks',
    full: 'The bytes allocated during the test and still live after its teardown exceed its limit_leaks (its @pytest.mark.limit_leaks marker, else the config file\'s perTest.limitLeaks). The result is at the site the test kept the most at.',
    kind: 'limit_leaks',
  },
  {
    id: 'memreplay/test-over-limit-memory',
    name: 'TestOverLimitMemory',
    short: 'A test held more memory at once than its limit_memory',
    full: 'The most bytes live at once during the test, above what was live when it began, exceed its limit_memory (its @pytest.mark.limit_memory marker, else the config file\'s perTest.limitMemory).',
    kind: 'limit_memory',
  },
  {
    id: 'memreplay/test-incomplete',
    name: 'TestIncomplete',
    short: 'The run stopped inside a test',
    full: 'The trace has no end of this test\'s teardown: the run crashed, was killed or the file was cut while the test ran.',
    kind: 'incomplete',
  },
  {
    id: 'memreplay/test-bad-limit',
    name: 'TestBadLimit',
    short: 'A limit marker of a test is no size',
    full: 'A @pytest.mark.limit_leaks or limit_memory marker of the test does not give a size (write "4 KiB", "24 MB" or a number of bytes).',
    kind: 'bad_limit',
  },
];

export function formatPerTestSarif(report: PerTestReport, options: SarifOptions): string {
  const results = report.tests.filter((t) => !t.passed).flatMap((t) => testResults(t, report.file, options.sourceRoot));
  return sarifText({
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'memreplay', version: options.toolVersion, rules: RULES.map(sarifRule) } },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.sourceRoot) } },
        invocations: [{ executionSuccessful: true }],
        results,
      },
    ],
  });
}

/** The test's file, as pytest's node id names it (relative to pytest's root directory). */
function testFile(nodeid: string): string {
  return nodeid.split('::')[0]!;
}

function testResults(t: TestVerdict, trace: string, root: string): unknown[] {
  const nodeid = t.measure.nodeid;
  const defined = t.measure.location;
  const testAt = defined !== null ? physical(defined.file, defined.line, root) : physical(testFile(nodeid), 0, root);
  const testLocation = { ...(testAt as object), message: { text: defined !== null ? `the test ${nodeid}` : `${nodeid} (the trace names the test's file, not its line)` } };
  return t.failures.map((f) => {
    const ruleIndex = RULES.findIndex((r) => r.kind === f.kind);
    const site = siteOf(t, f.kind, f.message);
    const at = site?.location ? physical(site.location.file, site.location.line, root) : testAt;
    return {
      ruleId: RULES[ruleIndex]!.id,
      ruleIndex,
      level: 'error',
      message: { text: `${nodeid}: ${f.message}.` },
      locations: [at],
      relatedLocations: [{ id: 0, ...testLocation }],
      // Without line numbers, so an alert survives edits that move the line.
      partialFingerprints: { 'memreplaySite/v1': fingerprint(RULES[ruleIndex]!.id, `${nodeid}\0${site?.location?.function ?? ''}\0${site?.location?.file ?? ''}`, trace) },
      properties: { trace, test: nodeid, ...(site !== undefined ? { site: site.key, liveBytes: site.bytes, liveBlocks: site.blocks } : {}) },
    };
  });
}

/** The site a failure is at: the steady-state leak site its message names, or the top site of a test over limit_leaks. */
function siteOf(t: TestVerdict, kind: TestFailureKind, message: string): TestSite | undefined {
  if (kind === 'steady_leak') return t.measure.leakSites.find((s) => message.includes(s.location === null ? s.key : `${s.location.file}:${s.location.line}`));
  if (kind === 'limit_leaks') return t.measure.topSites[0];
  return undefined;
}
