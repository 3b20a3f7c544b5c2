// `memreplay check TRACE --per-test`: one verdict per test of a pytest run
// recorded with memreplay's plugin. Options in, the report out: the replay and
// the verdicts are src/run/per-test.ts's and src/check/per-test-policy.ts's.

import { UsageError } from '../../src/errors.js';
import { loadCheckConfig } from '../../src/check/check-settings.js';
import { formatPerTestJson } from '../../src/reports/json/per-test-json.js';
import { formatPerTestText } from '../../src/reports/per-test-text.js';
import { checkPerTest, writePerTestJunit, writePerTestSarif } from '../../src/run/per-test.js';
import { loadSuppressions } from '../../src/suppressions/load.js';
import { refuseInputsAsOutputs, refuseOutputTwice } from '../../src/io/same-file.js';
import { EXIT_CHECK_FAILED, EXIT_OK, writeStdout } from '../run-command.js';
import { perTestAnnotations, perTestSummary } from '../../src/reports/per-test-github.js';
import { appendFileSync } from 'node:fs';
import { siteGroupingOf, type SiteArgs } from '../site-options.js';
import { traceOptionsOf, type TraceArgs } from '../trace-options.js';
import { reportWrote } from '../quiet-option.js';

export interface PerTestArgs extends SiteArgs, TraceArgs {
  readonly traces: readonly string[];
  readonly config?: string | undefined;
  readonly suppressions?: readonly string[] | undefined;
  readonly json: boolean;
  readonly junit?: string | undefined;
  readonly sarif?: string | undefined;
  readonly force: boolean;
  readonly quiet?: boolean | undefined;
  readonly sourceRoot?: string | undefined;
}

export async function runPerTestCheck(args: PerTestArgs): Promise<number> {
  if (args.traces.length !== 1) throw new UsageError(`--per-test: name one trace (got ${args.traces.length})`);
  const trace = args.traces[0]!;
  const { file: configFile, config } = loadCheckConfig(args.config, process.cwd());
  const suppressions = loadSuppressions([...(config?.suppressions ?? []), ...(args.suppressions ?? [])]);
  const inputs = [trace, ...(configFile !== undefined ? [configFile] : []), ...suppressions.files];
  refuseInputsAsOutputs([args.junit, args.sarif], inputs);
  refuseOutputTwice([['--junit', args.junit], ['--sarif', args.sarif]]);
  const grouping = siteGroupingOf({ ...args, ...(args.by === undefined && config?.by !== undefined ? { by: config.by } : {}) });
  const report = await checkPerTest(trace, {
    trace: traceOptionsOf(args),
    tests: { sites: grouping, suppressions: suppressions.rules },
    defaults: config?.perTest,
  });
  if (args.junit !== undefined) {
    writePerTestJunit(report, args.junit, { force: args.force, inputs });
    reportWrote(args, args.junit);
  }
  const sourceRoot = args.sourceRoot ?? process.env['GITHUB_WORKSPACE'] ?? process.cwd();
  if (args.sarif !== undefined) {
    writePerTestSarif(report, args.sarif, { force: args.force, inputs, sourceRoot });
    reportWrote(args, args.sarif);
  }
  writeStdout(args.json ? formatPerTestJson(report) : formatPerTestText(report));
  if (process.env['GITHUB_ACTIONS'] === 'true') {
    // As check does: annotations on stderr when stdout is JSON; the summary to GITHUB_STEP_SUMMARY.
    const annotations = perTestAnnotations(report, sourceRoot);
    if (args.json) process.stderr.write(annotations);
    else writeStdout(annotations);
    const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile) appendFileSync(summaryFile, perTestSummary(report));
  }
  return report.passed ? EXIT_OK : EXIT_CHECK_FAILED;
}
