// `memreplay check TRACE|GLOB...`: the CI gate. Exit 0 when every trace is
// within its budgets (and its baseline), 1 when one is not, 2 on bad usage or
// a trace that cannot be read.

import { UsageError } from '../../src/errors.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { BUDGET_NAMES } from '../../src/check/budgets.js';
import { writeCheckOutputs } from '../../src/run/check-outputs.js';
import type { CheckTaskOptions } from '../../src/run/check-task.js';
import { CHECK_SCHEMA, reportOf, traceCheckOf, type CheckedTrace } from '../../src/check/run-check.js';
import { refuseInputsAsOutputs, refuseOutputTwice } from '../../src/io/same-file.js';
import { printCheckReport } from '../check-report-output.js';
import { withLeakOptions } from '../leak-options.js';
import { BUDGET_FLAGS, checkPolicyOf, withCheckPolicyOptions, type CheckPolicyArgs } from '../check-policy.js';
import { EXIT_CHECK_FAILED, EXIT_OK, runCommand } from '../run-command.js';
import { projectRootOption, withTopOption } from '../site-options.js';
import { traceArgument } from '../stdin-argument.js';
import { runTraceBatch, withBatchOptions, type BatchArgs } from '../batch-options.js';
import { withTraceOptions } from '../trace-options.js';
import { runPerTestCheck } from './check-per-test.js';
import { reportWrote } from '../quiet-option.js';

interface CheckArgs extends CheckPolicyArgs, BatchArgs {
  traces: string[];
  updateBaseline?: string;
  json: boolean;
  junit?: string;
  sarif?: string;
  sourceRoot?: string;
  force: boolean;
  perTest: boolean;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <traces..>',
  describe: 'CI gate: fail (exit 1) on steady-state leaks, budgets or baseline increases; JUnit, SARIF and GitHub outputs',
  builder: (y: Argv) => {
    const b = withCheckPolicyOptions(
      withTopOption(
        withBatchOptions(withLeakOptions(withTraceOptions(y), 'write suppression entries for the sites that failed a budget to FILE')),
        'sites per trace in --json besides the failing ones',
      ),
    )
      .positional('traces', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'trace files, directories of traces, globs (quote them: "traces/*.csv.gz"), or - for stdin',
      })
      .option('update-baseline', {
        type: 'string',
        describe: 'write this run as the baseline to FILE: an earlier baseline there is replaced; any other existing file needs --force',
      })
      .option('json', { type: 'boolean', default: false, describe: `print one JSON document (schema ${CHECK_SCHEMA})` })
      .option('junit', { type: 'string', describe: 'write JUnit XML to FILE (a test case per trace and budget)' })
      .option('sarif', { type: 'string', describe: 'write SARIF 2.1.0 to FILE (a result per leak site, at its line)' })
      .option('source-root', { type: 'string', describe: 'repository root for SARIF and annotation paths (default: $GITHUB_WORKSPACE, else the working directory)' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite existing --junit / --sarif / --gen-suppressions files' })
      .option('per-test', {
        type: 'boolean',
        default: false,
        describe: 'a verdict per test of a pytest run (memreplay record -- -m pytest): limit_leaks / limit_memory markers, config perTest limits, steady-state leaks with --repeat-tests',
      });
    return b as unknown as Argv<CheckArgs>;
  },
  handler: (args: ArgumentsCamelCase<CheckArgs>) =>
    runCommand(async () => {
      if (args.perTest) {
        refuseWithPerTest(args);
        return runPerTestCheck(args);
      }
      const { options, baselineFile, readFiles } = checkPolicyOf(args);
      // What the run reads is never written over, not even with --force; but
      // --update-baseline may replace the --baseline it compared with.
      const gen = args.genSuppressions === undefined ? undefined : traceArgument(args.genSuppressions);
      // Failures are printed on stderr as they come, in argument order.
      const batch = await runTraceBatch<CheckTaskOptions, CheckedTrace>(
        args,
        'check',
        { leaks: options.leaks, budgets: options.budgets, rules: { allowNoVerdict: options.allowNoVerdict } },
        (traces) => {
          refuseInputsAsOutputs([args.junit, args.sarif, gen], [...traces, ...readFiles, ...(baselineFile !== undefined ? [baselineFile] : [])]);
          refuseInputsAsOutputs([args.updateBaseline], [...traces, ...readFiles]);
          refuseOutputTwice([['--junit', args.junit], ['--sarif', args.sarif], ['--gen-suppressions', gen], ['--update-baseline', args.updateBaseline]]);
        },
      );
      const report = reportOf(
        batch.results.map((checked) => traceCheckOf(checked.leaks.file, checked, options)),
        batch.failures,
        options,
      );

      const sourceRoot = args.sourceRoot ?? process.env['GITHUB_WORKSPACE'] ?? process.cwd();
      writeCheckOutputs(
        report,
        {
          junit: args.junit,
          sarif: args.sarif,
          updateBaseline: args.updateBaseline,
          genSuppressions: gen,
          force: args.force,
          sourceRoot,
          projectRoot: args.projectRoot === undefined ? undefined : projectRootOption(args.projectRoot),
        },
        { inputs: [...batch.inputs, ...readFiles], baseline: baselineFile },
        (file, replaced) => {
          reportWrote(args, file, replaced ? ' (replaced the baseline that was there)' : '');
        },
      );
      printCheckReport(report, { json: args.json, sourceRoot });
      if (batch.exitCode !== EXIT_OK) return batch.exitCode;
      return report.passed ? EXIT_OK : EXIT_CHECK_FAILED;
    }),
};

/** Options of the whole-trace check that --per-test does not read: refused, never silently ignored. */
function refuseWithPerTest(args: CheckArgs): void {
  const given: [string, unknown][] = [
    ['--baseline', args.baseline],
    ['--update-baseline', args.updateBaseline],
    ['--tolerance', args.tolerance],
    ['--gen-suppressions', args.genSuppressions],
    ['--at', args.at],
    ['--at-end', args.atEnd],
    ['--warmup', args.warmup],
    ['--marks', args.marks],
    ...BUDGET_NAMES.map((name): [string, unknown] => [`--${BUDGET_FLAGS[name].flag}`, args[BUDGET_FLAGS[name].key]]),
  ];
  const used = given.filter(([, v]) => v !== undefined && v !== false).map(([flag]) => flag);
  if (used.length > 0) throw new UsageError(`--per-test: ${used.join(', ')} ${used.length === 1 ? 'is' : 'are'} for the whole-trace check; per test, limits come from markers and the config's perTest`);
}
