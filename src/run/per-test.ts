// The `check --per-test` driver: one streaming replay of a trace recorded
// with memreplay's pytest plugin, the per-test observer riding it, and each
// test judged by the per-test policy. A trace without the plugin's marks is an
// input error: the user asked for tests that are not there.

import { MemreplayError } from '../errors.js';
import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace, type ReplayHooks } from './replay-trace.js';
import { DEFAULT_PER_TEST_OPTIONS, PerTestObserver, type PerTestOptions } from '../analyzers/per-test.js';
import { withDefaults, type Given } from '../options/given.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import { writeReportFile } from '../io/write-report.js';
import { formatPerTestJunit } from '../reports/per-test-junit.js';
import { formatPerTestSarif } from '../reports/per-test-sarif.js';
import { MEMREPLAY_VERSION } from '../version.js';
import { perTestReportOf, type PerTestDefaults, type PerTestReport } from '../check/per-test-policy.js';

export interface PerTestCheckOptions {
  readonly trace: TraceOptions;
  /** Sites and suppressions, as for `check`. */
  readonly tests: PerTestOptions;
  /** The limits of a test without its own markers (the config's `perTest`). */
  readonly defaults: PerTestDefaults;
}

export const DEFAULT_PER_TEST_CHECK_OPTIONS: PerTestCheckOptions = { trace: DEFAULT_TRACE_OPTIONS, tests: DEFAULT_PER_TEST_OPTIONS, defaults: {} };

export async function checkPerTest(path: string, given: Given<PerTestCheckOptions> = {}, hooks: ReplayHooks = {}): Promise<PerTestReport> {
  const { trace, tests, defaults } = withDefaults(DEFAULT_PER_TEST_CHECK_OPTIONS, given);
  const ctx = new ImportContext(traceDisplayName(path), trace.lenient);
  const observer = new PerTestObserver(ctx, tests);
  const { replayer } = await replayTrace(path, { ...trace, ...hooks, context: ctx, observers: [...(hooks.observers ?? []), observer] });
  if (observer.testMarks === 0) {
    throw new MemreplayError(
      `${ctx.fileName}: no test boundaries in this trace: record the tests with memreplay record -o TRACE -- -m pytest [args] (or pytest -p memreplay_pytest)`,
    );
  }
  return perTestReportOf(ctx.fileName, observer.results(replayer), defaults);
}

/** --junit: one test case per test (nothing the run read is written over: `inputs`). */
export function writePerTestJunit(report: PerTestReport, file: string, options: { readonly force: boolean; readonly inputs: readonly string[] }): void {
  writeReportFile(file, formatPerTestJunit(report), { force: options.force, inputs: options.inputs, stdout: { free: false, option: '--junit' } });
}

/** --sarif: a result per failure of a failing test, paths relative to `sourceRoot` (nothing the run read is written over). */
export function writePerTestSarif(
  report: PerTestReport,
  file: string,
  options: { readonly force: boolean; readonly inputs: readonly string[]; readonly sourceRoot: string },
): void {
  writeReportFile(file, formatPerTestSarif(report, { sourceRoot: options.sourceRoot, toolVersion: MEMREPLAY_VERSION }), {
    force: options.force,
    inputs: options.inputs,
    stdout: { free: false, option: '--sarif' },
  });
}
