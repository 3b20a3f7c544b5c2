// `memreplay check TRACE|GLOB...`: the CI gate. Exit 0 when every trace is
// within its budgets (and its baseline), 1 when one is not, 2 on bad usage or
// a trace that cannot be read.

import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { readBaseline, DEFAULT_TOLERANCE, type Baseline } from '../../src/check/baseline.js';
import { BUDGET_NAMES, effectiveBudgets, type BudgetName, type Budgets } from '../../src/check/budgets.js';
import { budgetExpectation, findConfig, loadConfig, parseBudgetValue, parseTolerance, type CheckConfig } from '../../src/check/config.js';
import type { CheckTaskOptions } from '../../src/batch/tasks/check.js';
import { formatBaselineJson, formatCheckJson } from '../../src/reports/json/check-json.js';
import { CHECK_SCHEMA, reportOf, traceCheckOf, type checkTrace, type CheckOptions, type CheckReport } from '../../src/check/run-check.js';
import { UsageError } from '../../src/errors.js';
import { MEMREPLAY_VERSION } from '../../src/version.js';
import { refuseInputsAsOutputs, refuseOutputTwice } from '../../src/io/same-file.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { formatCheckText } from '../../src/reports/check-text.js';
import { stdoutWidth } from '../output-width.js';
import { githubAnnotations, githubSummary } from '../../src/reports/github.js';
import { formatJunit } from '../../src/reports/junit.js';
import { formatSarif } from '../../src/reports/sarif.js';
import { generateSuppressions } from '../../src/reports/suppressions-file.js';
import { loadSuppressions } from '../../src/suppressions/load.js';
import { leakOptionsOf, withLeakOptions, type LeakArgs } from '../leak-options.js';
import { wholeNumberOption } from '../number-options.js';
import { reportWrote } from '../quiet-option.js';
import { EXIT_CHECK_FAILED, EXIT_OK, runCommand, writeStdout } from '../run-command.js';
import { projectRootOption } from '../site-options.js';
import { traceArgument } from '../stdin-argument.js';
import { runTraceBatch, withBatchOptions, type BatchArgs } from '../batch-options.js';
import { withTraceOptions } from '../trace-options.js';

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
};

interface CheckArgs extends LeakArgs, BatchArgs {
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
  json: boolean;
  junit?: string;
  sarif?: string;
  sourceRoot?: string;
  top?: string;
  allowNoVerdict?: boolean;
  allowIncomplete?: boolean;
  allowInexact?: boolean;
  force: boolean;
}

/** Sites per trace in --json besides the failing ones unless --top says otherwise. */
const DEFAULT_TOP = 20;

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <traces..>',
  describe: 'CI gate: fail (exit 1) on steady-state leaks, budgets or baseline increases; JUnit, SARIF and GitHub outputs',
  builder: (y: Argv) => {
    let b = withBatchOptions(withLeakOptions(withTraceOptions(y), 'write suppression entries for the sites that failed a budget to FILE'))
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
      .option('top', { type: 'string', defaultDescription: String(DEFAULT_TOP), describe: 'sites per trace in --json besides the failing ones' })
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
      .option('force', { type: 'boolean', default: false, describe: 'overwrite existing --junit / --sarif / --gen-suppressions files' });
    for (const name of BUDGET_NAMES) b = b.option(BUDGET_FLAGS[name].flag, { type: 'string', describe: BUDGET_FLAGS[name].describe });
    return b as unknown as Argv<CheckArgs>;
  },
  handler: (args: ArgumentsCamelCase<CheckArgs>) =>
    runCommand(async () => {
      const top = wholeNumberOption('top', args.top, 0) ?? DEFAULT_TOP;
      const configFile = args.config ?? findConfig(process.cwd());
      if (args.config !== undefined && !existsSync(args.config)) throw new UsageError(`--config ${args.config}: no such file`);
      const config: CheckConfig | undefined = configFile === undefined ? undefined : loadConfig(configFile);

      const { budgets, sources } = budgetsOf(args, config);
      const toleranceText = args.tolerance;
      const tolerance = toleranceText !== undefined ? parseTolerance(toleranceText) : (config?.tolerance ?? DEFAULT_TOLERANCE);
      if (tolerance === undefined) throw new UsageError(`--tolerance ${JSON.stringify(toleranceText)}: expected a ratio >= 0 (0.05) or a percentage (5%)`);
      const baselineFile = args.baseline ?? config?.baseline;
      const baseline: Baseline | undefined = baselineFile === undefined ? undefined : readBaseline(baselineFile, CHECK_SCHEMA);

      const merged: LeakArgs = {
        ...args,
        by: args.by ?? config?.by,
        // --at-end overrides the config's mark as --at does.
        at: args.atEnd === true ? undefined : (args.at ?? config?.at),
        warmup: args.warmup ?? config?.warmup,
        marks: args.marks ?? config?.marks,
      };
      const suppressions = loadSuppressions([...(config?.suppressions ?? []), ...(args.suppressions ?? [])]);
      const options: CheckOptions = {
        leaks: { ...leakOptionsOf(merged, suppressions), top },
        budgets,
        budgetSources: sources,
        allowNoVerdict: args.allowNoVerdict ?? config?.allowNoVerdict ?? false,
        allowIncomplete: args.allowIncomplete ?? config?.allowIncomplete ?? false,
        allowInexact: args.allowInexact ?? config?.allowInexact ?? false,
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
      const batch = await runTraceBatch<CheckTaskOptions, Awaited<ReturnType<typeof checkTrace>>>(
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
      writeOutputs(report, args, sourceRoot, { inputs: [...batch.inputs, ...readFiles], baseline: baselineFile });
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

function budgetsOf(args: CheckArgs, config: CheckConfig | undefined): { budgets: Budgets; sources: CheckOptions['budgetSources'] } {
  const given: Budgets = {};
  const sources: CheckOptions['budgetSources'] = {};
  for (const name of BUDGET_NAMES) {
    const { flag, key } = BUDGET_FLAGS[name];
    const text = args[key] as string | undefined;
    if (text !== undefined) {
      const v = parseBudgetValue(name, text);
      if (v === undefined) throw new UsageError(`--${flag} ${JSON.stringify(text)}: expected ${budgetExpectation(name)}`);
      given[name] = v;
      sources[name] = 'flag';
    } else if (config?.budgets[name] !== undefined) {
      given[name] = config.budgets[name];
      sources[name] = 'config';
    }
  }
  const budgets = effectiveBudgets(given);
  if (sources.steadyLeakSites === undefined) sources.steadyLeakSites = 'default';
  return { budgets, sources };
}

/** The files a check run read: `inputs` besides the `baseline`, which only --update-baseline may replace. */
interface ReadFiles {
  readonly inputs: readonly string[];
  readonly baseline: string | undefined;
}

function writeOutputs(report: CheckReport, args: CheckArgs, sourceRoot: string, read: ReadFiles): void {
  const allInputs = [...read.inputs, ...(read.baseline !== undefined ? [read.baseline] : [])];
  const write = (file: string, text: string, force: boolean): void => {
    writeReportFile(file, text, { force, inputs: allInputs });
    reportWrote(args, file);
  };
  if (args.junit !== undefined) write(args.junit, formatJunit(report), args.force);
  if (args.sarif !== undefined) write(args.sarif, formatSarif(report, { sourceRoot, toolVersion: MEMREPLAY_VERSION }), args.force);
  if (args.updateBaseline !== undefined) {
    // Replacing a baseline is what the option is for; anything else needs --force.
    const file = args.updateBaseline;
    const exists = existsSync(file);
    const replacing = exists && isBaseline(file);
    if (exists && !replacing && !args.force) {
      throw new UsageError(`--update-baseline ${file}: the file exists and is not a memreplay check baseline; pass --force to overwrite it`);
    }
    writeReportFile(file, formatBaselineJson(report), { force: true, inputs: read.inputs });
    if (!args.quiet) process.stderr.write(`Wrote ${file}${replacing ? ' (replaced the baseline that was there)' : ''}\n`);
  }
  const gen = args.genSuppressions === undefined ? undefined : traceArgument(args.genSuppressions);
  if (gen !== undefined) {
    if (gen === '' || gen === '-') throw new UsageError('--gen-suppressions needs a file name with check (stdout carries the report)');
    const failing = report.traces.flatMap((t) =>
      t.leaks.sites.filter((s) => t.budgets.some((b) => !b.passed && b.sites.includes(s.key))),
    );
    write(gen, generateSuppressions(report.traces.map((t) => t.file).join(', '), failing, report.traces[0]?.leaks.groupedBy ?? 'lineno', projectRootOption(args.projectRoot)), args.force);
  }
}

function isBaseline(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { schema?: unknown }).schema === CHECK_SCHEMA;
  } catch {
    return false;
  }
}
