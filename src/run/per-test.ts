// The `check --per-test` driver: one streaming replay of a trace recorded
// with memreplay's pytest plugin, the per-test observer riding it, and each
// test judged by the per-test policy. A trace without the plugin's marks is an
// input error: the user asked for tests that are not there.

import { MemreplayError } from '../errors.js';
import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace } from '../replay/replay-trace.js';
import { PerTestObserver, type PerTestOptions } from '../analyzers/per-test.js';
import { writeReportFile } from '../io/write-report.js';
import { formatPerTestJunit } from '../reports/per-test-junit.js';
import { perTestReportOf, type PerTestDefaults, type PerTestReport } from '../check/per-test-policy.js';

export interface PerTestCheckOptions extends PerTestOptions {
  readonly defaults?: PerTestDefaults;
  readonly lenient?: boolean;
  readonly onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
}

export async function checkPerTest(path: string, options: PerTestCheckOptions = {}): Promise<PerTestReport> {
  const ctx = new ImportContext(traceDisplayName(path), options.lenient ?? false);
  const observer = new PerTestObserver(ctx, options);
  const { replayer } = await replayTrace(path, {
    context: ctx,
    observers: [observer],
    ...(options.lenient !== undefined ? { lenient: options.lenient } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  if (observer.testMarks === 0) {
    throw new MemreplayError(
      `${ctx.fileName}: no test boundaries in this trace: record the tests with memreplay record -o TRACE -- -m pytest [args] (or pytest -p memreplay_pytest)`,
    );
  }
  return perTestReportOf(ctx.fileName, observer.results(replayer), options.defaults ?? {});
}

/** --junit: one test case per test (nothing the run read is written over: `inputs`). */
export function writePerTestJunit(report: PerTestReport, file: string, options: { readonly force: boolean; readonly inputs: readonly string[] }): void {
  writeReportFile(file, formatPerTestJunit(report), { force: options.force, inputs: options.inputs });
}
