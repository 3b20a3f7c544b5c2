// `memreplay check TRACE|GLOB...`: the CI gate. Exit 0 when every trace is
// within its budgets (and its baseline), 1 when one is not, 2 on bad usage or
// a trace that cannot be read.

import { appendFileSync } from 'node:fs';
import { UsageError } from '../../src/errors.js';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DEFAULT_TOLERANCE } from '../../src/check/baseline.js';
import { BUDGET_NAMES, type BudgetName } from '../../src/check/budgets.js';
import { allowancesOf, baselineOf, budgetsOf, leakSettingsOf, loadCheckConfig, toleranceOf, type BudgetFlag } from '../../src/check/check-settings.js';
import { writeCheckOutputs } from '../../src/run/check-outputs.js';
import type { CheckTaskOptions } from '../../src/run/check-task.js';
import { CHECK_SCHEMA, reportOf, traceCheckOf, type CheckedTrace, type CheckOptions } from '../../src/check/run-check.js';
import { formatCheckJson } from '../../src/reports/json/check-json.js';
import { refuseInputsAsOutputs, refuseOutputTwice } from '../../src/io/same-file.js';
import { formatCheckText } from '../../src/reports/check-text.js';
import { stdoutWidth } from '../output-width.js';
import { githubAnnotations, githubSummary } from '../../src/reports/github.js';
import { loadSuppressions } from '../../src/suppressions/load.js';
import { leakOptionsOf, withLeakOptions, type LeakArgs } from '../leak-options.js';
import { EXIT_CHECK_FAILED, EXIT_OK, runCommand, writeStdout } from '../run-command.js';
import { projectRootOption, withTopOption, type TopArgs } from '../site-options.js';
import { traceArgument } from '../stdin-argument.js';
import { runTraceBatch, withBatchOptions, type BatchArgs } from '../batch-options.js';
import { withTraceOptions } from '../trace-options.js';
import { runPerTestCheck } from './check-per-test.js';

/** How byte budgets may be written (src/check/byte-size.ts). */
const BYTES_SYNTAX = '1048576, 64MiB, 1.5GB';

/** Budget flags, by budget. */
const BUDGET_FLAGS: Record<BudgetName, { flag: string; key: keyof CheckArgs; describe: string }> = {
  steadyLeakSites: { flag: 'max-leak-sites', key: 'maxLeakSites', describe: 'steady-state leak sites allowed (default 0)' },
  leakedBytes: { flag: 'max-leaked-bytes', key: 'maxLeakedBytes', describe: `bytes live at the end (or --at), after suppressions: ${BYTES_SYNTAX}` },
  siteLeakedBytes: { flag: 'max-site-leaked-bytes', key: 'maxSiteLeakedBytes', describe: `bytes live at any one site: ${BYTES_SYNTAX}` },
  peakFootprintBytes: { flag: 'max-peak-footprint', key: 'maxPeakFootprint', describe: `peak footprint, arenas plus C-library bytes: ${BYTES_SYNTAX}` },
  arenas: { flag: 'max-arenas', key: 'maxArenas', describe: 'arena high-water mark' },
  fragmentation: { flag: 'max-fragmentation', key: 'maxFragmentation', describe: 'free share of the arena bytes at the end (or --at): 0.4 or 40%, at most 1 (100%)' },
  nativeLeakedBytes: { flag: 'max-native-leaked-bytes', key: 'maxNativeLeakedBytes', describe: `native bytes (C code's own malloc) live at the end (or --at), after suppressions: ${BYTES_SYNTAX}` },
  peakNativeHeapBytes: { flag: 'max-peak-native-heap', key: 'maxPeakNativeHeap', describe: `peak of native heap bytes: ${BYTES_SYNTAX}` },
  peakMmapBytes: { flag: 'max-peak-mmap', key: 'maxPeakMmap', describe: `peak of anonymous mappings C code made directly: ${BYTES_SYNTAX}` },
};

interface CheckArgs extends LeakArgs, TopArgs, BatchArgs {
  traces: string[];
  config?: string;
  baseline?: string;
  tolerance?: string;
  updateBaseline?: string;
  maxLeakSites?: string;
  maxLeakedBytes?: string;
  maxSiteLeakedBytes?: string;
  maxPeakFootprint?: string;
  maxArenas?: string;
  maxFragmentation?: string;
  maxNativeLeakedBytes?: string;
  maxPeakNativeHeap?: string;
  maxPeakMmap?: string;
  json: boolean;
  junit?: string;
  sarif?: string;
  sourceRoot?: string;
  allowNoVerdict?: boolean;
  allowIncomplete?: boolean;
  allowInexact?: boolean;
  force: boolean;
  perTest: boolean;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <traces..>',
  describe: 'CI gate: fail (exit 1) on steady-state leaks, budgets or baseline increases; JUnit, SARIF and GitHub outputs',
  builder: (y: Argv) => {
    let b = withTopOption(
      withBatchOptions(withLeakOptions(withTraceOptions(y), 'write suppression entries for the sites that failed a budget to FILE')),
      'sites per trace in --json besides the failing ones',
    )
      .positional('traces', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'trace files, directories of traces, globs (quote them: "traces/*.csv.gz"), or - for stdin',
      })
      .option('config', { type: 'string', describe: 'config file (default: memreplay.config.json here or in a parent directory)' })
      .option('baseline', { type: 'string', describe: 'fail when a figure rose above this earlier --json report by more than --tolerance' })
      .option('tolerance', { type: 'string', describe: `allowed increase over the baseline: 0.05 or 5% (default ${DEFAULT_TOLERANCE * 100}%)` })
      .option('update-baseline', {
        type: 'string',
        describe: 'write this run as the baseline to FILE: an earlier baseline there is replaced; any other existing file needs --force',
      })
      .option('json', { type: 'boolean', default: false, describe: `print one JSON document (schema ${CHECK_SCHEMA})` })
      .option('junit', { type: 'string', describe: 'write JUnit XML to FILE (a test case per trace and budget)' })
      .option('sarif', { type: 'string', describe: 'write SARIF 2.1.0 to FILE (a result per leak site, at its line)' })
      .option('source-root', { type: 'string', describe: 'repository root for SARIF and annotation paths (default: $GITHUB_WORKSPACE, else the working directory)' })
      .option('allow-no-verdict', {
        type: 'boolean',
        describe: 'pass a trace with too few intervals after the warm-up for a leak verdict (with a warning) instead of failing it',
      })
      .option('allow-incomplete', {
        type: 'boolean',
        describe: 'pass a trace cut short (no end mark: a crash, os._exit, a kill, a cut file) on its figures (with a warning) instead of failing it',
      })
      .option('allow-inexact', {
        type: 'boolean',
        describe: "pass a replay the model did not follow exactly (block addresses or arenas differ from the trace, or trace anomalies) on the model's figures (with a warning) instead of failing it",
      })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite existing --junit / --sarif / --gen-suppressions files' })
      .option('per-test', {
        type: 'boolean',
        default: false,
        describe: 'a verdict per test of a pytest run (memreplay record -- -m pytest): limit_leaks / limit_memory markers, config perTest limits, steady-state leaks with --repeat-tests',
      });
    for (const name of BUDGET_NAMES) b = b.option(BUDGET_FLAGS[name].flag, { type: 'string', describe: BUDGET_FLAGS[name].describe });
    return b as unknown as Argv<CheckArgs>;
  },
  handler: (args: ArgumentsCamelCase<CheckArgs>) =>
    runCommand(async () => {
      if (args.perTest) {
        refuseWithPerTest(args);
        return runPerTestCheck(args);
      }
      const { file: configFile, config } = loadCheckConfig(args.config, process.cwd());
      const { budgets, sources } = budgetsOf(budgetFlagsOf(args), config);
      const tolerance = toleranceOf(args.tolerance, config);
      const { file: baselineFile, baseline } = baselineOf(args.baseline, config);
      const merged = leakSettingsOf(args, config);
      const suppressions = loadSuppressions([...(config?.suppressions ?? []), ...(args.suppressions ?? [])]);
      const options: CheckOptions = {
        leaks: leakOptionsOf(merged, suppressions),
        budgets,
        budgetSources: sources,
        ...allowancesOf(args, config),
        tolerance,
        ...(baseline !== undefined ? { baseline } : {}),
        configFile: configFile ?? null,
        suppressionFiles: suppressions.files,
      };
      // What the run reads is never written over, not even with --force; but
      // --update-baseline may replace the --baseline it compared with.
      const gen = args.genSuppressions === undefined ? undefined : traceArgument(args.genSuppressions);
      const readFiles = [...(configFile !== undefined ? [configFile] : []), ...suppressions.files];
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
          if (!args.quiet) process.stderr.write(`Wrote ${file}${replaced ? ' (replaced the baseline that was there)' : ''}\n`);
        },
      );
      if (args.json) writeStdout(formatCheckJson(report));
      else writeStdout(formatCheckText(report, { width: stdoutWidth() }));
      if (process.env['GITHUB_ACTIONS'] === 'true') {
        // Workflow commands are read from stdout and stderr alike; stderr keeps a --json stdout clean.
        const annotations = githubAnnotations(report, sourceRoot);
        if (args.json) process.stderr.write(annotations);
        else writeStdout(annotations);
        const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
        if (summaryFile) appendFileSync(summaryFile, githubSummary(report));
      }
      if (batch.exitCode !== EXIT_OK) return batch.exitCode;
      return report.passed ? EXIT_OK : EXIT_CHECK_FAILED;
    }),
};

/** The budget flags given, by budget. */
function budgetFlagsOf(args: CheckArgs): Partial<Record<BudgetName, BudgetFlag>> {
  const flags: Partial<Record<BudgetName, BudgetFlag>> = {};
  for (const name of BUDGET_NAMES) {
    const { flag, key } = BUDGET_FLAGS[name];
    const text = args[key] as string | undefined;
    if (text !== undefined) flags[name] = { flag, text };
  }
  return flags;
}

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
