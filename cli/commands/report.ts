// `memreplay report TRACE|GLOB... [-o DIR] [--format html|json|md]`: one
// report file per trace in DIR (default reports/), and with several traces an
// index comparing them. Traces run on the batch worker pool (--jobs); their
// files are written here through src/io/report-directory.ts: atomically,
// never over an input, never over existing ones without --force (checked
// before any work starts). A trace that fails is listed in the index and on
// stderr; the others still get their reports (exit 2 at the end). A batch
// that wrote no report gets no index.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '../../src/errors.js';
import { isPythonVersion, PYTHON_VERSIONS, type PythonVersion } from '../../src/models/pymalloc/geometry.js';
import { chartsFolder, REPORT_FORMATS, type ReportFormat } from '../../src/reports/report-files.js';
import { count, terminalSafe, thousands } from '../../src/text/units.js';
import type { ReportTaskOptions, ReportTaskResult } from '../../src/run/report-task.js';
import { planReportDirectory, REPORT_INDEX, reportIndexFiles } from '../../src/run/report-batch.js';
import { runTraceTasks } from '../../src/run/trace-batch.js';
import { jobsOption, printError, progressLine, traceInputs, withBatchOptions, type BatchArgs } from '../batch-options.js';
import { wroteLine } from '../quiet-option.js';
import { instantOptionsOf, withAtEndOption } from '../at-end-option.js';
import { churnOptionsOf, withChurnOptions, type ChurnArgs } from '../churn-options.js';
import { siteGroupingOf } from '../site-options.js';
import { traceFormatOption, withLenientOption, withTraceFormatOption } from '../trace-options.js';
import { growthOptionsOf, suppressionsOf, withGrowthOptions, type GrowthArgs } from '../leak-options.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, runCommand } from '../run-command.js';

export const DEFAULT_REPORT_DIR = 'reports';

interface ReportArgs extends BatchArgs, GrowthArgs, ChurnArgs {
  traces: string[];
  output: string;
  format: ReportFormat;
  python?: string;
  traceFormat?: string;
  at?: string;
  atEnd?: boolean;
  lenient?: boolean;
  force: boolean;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <traces..>',
  describe: 'write a report per trace (HTML with charts, Markdown or JSON) and, for several traces, an index comparing them',
  builder: (y: Argv) =>
    withChurnOptions(withLenientOption(withTraceFormatOption(withAtEndOption(withGrowthOptions(withBatchOptions(y)), 'every section judges the state'), false)))
      .positional('traces', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'trace files, directories of traces, or globs (quote them: "traces/*.csv.gz")',
      })
      .option('output', { alias: 'o', type: 'string', default: DEFAULT_REPORT_DIR, describe: 'directory to write the reports to' })
      .option('format', { type: 'string', choices: REPORT_FORMATS, default: 'html', describe: 'report format' })
      .option('python', {
        type: 'string',
        describe: `CPython version to model (${PYTHON_VERSIONS.join(', ')}); several, comma-separated (3.8,3.11,3.13), replay each trace under each version's geometry side by side`,
      })
      .option('at', {
        type: 'string',
        describe: 'every section judges the first mark with this label (default: stats when the trace has it, else the end)',
      })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite reports that exist' })
      .conflicts('at', 'at-end') as unknown as Argv<ReportArgs>,
  handler: (args: ArgumentsCamelCase<ReportArgs>) =>
    runCommand(async () => {
      if (args.output === '-') throw new UsageError('-o -: report writes a directory of files (the report, its charts); name a directory');
      const versions = pythonList(args.python);
      const jobs = jobsOption(args.jobs);
      const inputs = await traceInputs(args.traces);
      const format = args.format;
      const suppressions = suppressionsOf(args);
      const { batch, names, directory } = planReportDirectory({
        dir: args.output,
        format,
        force: args.force,
        inputs,
        readFiles: suppressions.files,
      });

      const options: ReportTaskOptions = {
        report: {
          // One version is the one to model; several are replayed side by side (what-if).
          trace: { python: versions.length === 1 ? versions[0] : undefined, format: traceFormatOption({ traceFormat: args.traceFormat }), lenient: args.lenient },
          sites: siteGroupingOf(args),
          instant: instantOptionsOf(args),
          growth: growthOptionsOf(args, suppressions),
          churn: churnOptionsOf(args),
          whatIf: versions.length > 1 ? versions : [],
        },
        format,
        names: Object.fromEntries(inputs.map((input, i) => [input, names[i]!])),
      };
      const progress = progressLine(args, 'report');
      const say = (text: string) => {
        if (args.quiet) return;
        if (progress) progress.print(text);
        else process.stderr.write(text);
      };
      const { internal } = await runTraceTasks<ReportTaskOptions, ReportTaskResult>({
        task: 'report',
        inputs,
        options,
        ...(jobs !== undefined ? { jobs } : {}),
        ...(progress !== undefined ? { progress } : {}),
        onResult: ({ entry, files }, index, file) => {
          const wrote = directory.write({ file, entry, files, ...(format === 'html' ? { charts: chartsFolder(names[index]!) } : {}) });
          if ('error' in wrote) return printError(progress, wrote.error.message);
          say(`${wroteLine(wrote.path)}\n`);
          if (entry.exactness.state === 'inexact') {
            printError(progress, `${terminalSafe(entry.file, 80)}: inexact replay (its report says why); the model's figures may not be the program's`);
          }
          if (entry.completeness === 'incomplete') {
            printError(progress, `${terminalSafe(entry.file, 80)}: incomplete trace (its report says why); its figures are of the run up to where the trace stops`);
          }
        },
        onFailure: (failure, lines) => {
          directory.fail(failure.file, failure.error);
          lines.forEach((line) => printError(progress, line));
        },
      });

      if (batch) {
        const index = await directory.writeIndex((entries, failures) => reportIndexFiles(entries, failures, format), format === 'html' ? chartsFolder(REPORT_INDEX) : undefined);
        const written = `${thousands(directory.entries.length)} of ${count(inputs.length, 'trace')}`;
        if (index !== undefined) say(`${wroteLine(index, ` (${written})`)}\n`);
        else printError(progress, `no report was written (${written}), so no index either`);
      }
      const failed = directory.failures.length > 0;
      return internal ? EXIT_INTERNAL : failed ? EXIT_USAGE : EXIT_OK;
    }),
};

/** `--python 3.11` or `--python 3.8,3.11,3.13`, each checked; duplicates dropped. */
export function pythonList(value: string | undefined): PythonVersion[] {
  if (value === undefined) return [];
  const out: PythonVersion[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    if (!isPythonVersion(part)) {
      throw new UsageError(`--python ${JSON.stringify(value)}: ${JSON.stringify(part)} is not one of ${PYTHON_VERSIONS.join(', ')}`);
    }
    if (!out.includes(part)) out.push(part);
  }
  return out;
}
