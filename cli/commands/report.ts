// `memreplay report TRACE|GLOB... [-o DIR] [--format html|json|md]`: one
// report file per trace in DIR (default reports/), and with several traces an
// index comparing them. Traces run on the batch worker pool (--jobs); files
// are written here, atomically, and never over existing ones without --force
// (checked before any work starts). A trace that fails is listed in the index
// and on stderr; the others still get their reports (exit 2 at the end).

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { runBatch } from '../../src/batch/pool.js';
import { registerTask } from '../../src/batch/task-registry.js';
import { MemreplayError, UsageError } from '../../src/errors.js';
import { traceDisplayName } from '../../src/import/source.js';
import { fileInTheWay } from '../../src/io/output-directory.js';
import { uniqueReportNames } from '../../src/io/report-names.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { isPythonVersion, PYTHON_VERSIONS, type PythonVersion } from '../../src/models/pymalloc/geometry.js';
import { formatIndexJson, formatIndexMarkdown, type IndexEntry, type IndexFailure } from '../../src/reports/report-index.js';
import { chartsFolder, REPORT_FORMATS, type ReportFormat } from '../../src/reports/report-files.js';
import { count, terminalSafe, thousands } from '../../src/reports/units.js';
import type { ReportFile, ReportTaskOptions, ReportTaskResult } from '../../src/reports/report-task.js';
import { jobsOption, printError, progressLine, traceInputs, withBatchOptions, type BatchArgs } from '../batch-options.js';
import { growthOptionsOf, suppressionsOf, withGrowthOptions, type GrowthArgs } from '../leak-options.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, runCommand } from '../run-command.js';

registerTask('report', new URL('../../src/reports/report-task.js', import.meta.url));

export const DEFAULT_REPORT_DIR = 'reports';
const INDEX = 'index';

interface ReportArgs extends BatchArgs, GrowthArgs {
  traces: string[];
  output: string;
  format: ReportFormat;
  python?: string;
  traceFormat?: string;
  at?: string;
  lenient: boolean;
  force: boolean;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <traces..>',
  describe: 'write a report per trace (HTML with charts, Markdown or JSON) and, for several traces, an index comparing them',
  builder: (y: Argv) =>
    withGrowthOptions(withBatchOptions(y))
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
        describe: 'the leak section shows the blocks live at the first mark with this label (default: stats when the trace has it, else the end)',
      })
      .option('trace-format', { type: 'string', choices: ['csv', 'jsonl'], describe: 'trace format; default: detected from the content' })
      .option('lenient', { type: 'boolean', default: false, describe: 'skip bad records (counted, first few shown) instead of stopping at the first' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite reports that exist' }) as unknown as Argv<ReportArgs>,
  handler: (args: ArgumentsCamelCase<ReportArgs>) =>
    runCommand(async () => {
      const versions = pythonList(args.python);
      const jobs = jobsOption(args.jobs);
      const inputs = await traceInputs(args.traces);
      const batch = inputs.length > 1;
      const names = uniqueReportNames(inputs, batch ? [INDEX] : []);
      const outDir = args.output;
      const format = args.format;
      const blocker = fileInTheWay(outDir);
      if (blocker !== undefined) {
        throw new UsageError(`-o ${outDir}: ${blocker === outDir ? 'the output directory is a file' : `${blocker} is a file`}; give a directory for the reports`);
      }
      if (!args.force) refuseToOverwrite(outDir, [...names, ...(batch ? [INDEX] : [])], format);

      const options: ReportTaskOptions = {
        ...growthOptionsOf(args, suppressionsOf(args)),
        format,
        ...(args.at !== undefined ? { at: args.at } : {}),
        ...(versions.length === 1 ? { python: versions[0]! } : {}),
        ...(versions.length > 1 ? { whatIf: versions } : {}),
        ...(args.traceFormat !== undefined ? { traceFormat: args.traceFormat as 'csv' | 'jsonl' } : {}),
        lenient: args.lenient,
        names: Object.fromEntries(inputs.map((input, i) => [input, names[i]!])),
      };
      const progress = progressLine(args, 'report');
      const say = (text: string) => {
        if (args.quiet) return;
        if (progress) progress.print(text);
        else process.stderr.write(text);
      };
      const entries: IndexEntry[] = [];
      const failures: IndexFailure[] = [];
      let internal = false;
      await runBatch<ReportTaskOptions, ReportTaskResult>({
        task: 'report',
        inputs,
        options,
        jobs,
        progress,
        onOutcome: (outcome, index) => {
          if (outcome.ok) {
            const result = outcome.result as ReportTaskResult;
            try {
              writeFiles(outDir, result.files, args.force, format === 'html' ? chartsFolder(names[index]!) : undefined);
            } catch (e) {
              if (!(e instanceof MemreplayError)) throw e;
              failures.push({ file: traceDisplayName(outcome.input), error: e.message });
              printError(progress, e.message);
              return;
            }
            entries.push(result.entry);
            say(`Wrote ${join(outDir, result.files[result.files.length - 1]!.path)}\n`);
            if (result.entry.exactness.state === 'inexact') {
              printError(progress, `${terminalSafe(result.entry.file, 80)}: inexact replay (its report says why); the model's figures may not be the program's`);
            }
            if (result.entry.completeness === 'incomplete') {
              printError(progress, `${terminalSafe(result.entry.file, 80)}: incomplete trace (its report says why); its figures are of the run up to where the trace stops`);
            }
            return;
          }
          const { message, stack } = outcome.error;
          failures.push({ file: traceDisplayName(outcome.input), error: message });
          internal ||= outcome.error.internal;
          if (!outcome.error.internal) return printError(progress, message);
          if (process.env['MEMREPLAY_DEBUG'] && stack) printError(progress, stack);
          printError(progress, `${message} (this is a bug in memreplay; please report it with MEMREPLAY_DEBUG=1 output)`);
        },
      });

      if (batch) {
        const files = await indexFiles(entries, failures, format);
        writeFiles(outDir, files, args.force, format === 'html' ? chartsFolder(INDEX) : undefined);
        say(`Wrote ${join(outDir, `${INDEX}.${format}`)} (${thousands(entries.length)} of ${count(inputs.length, 'trace')})\n`);
      }
      return internal ? EXIT_INTERNAL : failures.length > 0 ? EXIT_USAGE : EXIT_OK;
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

/** Before any work: stop if a report (or its charts folder) would be overwritten. */
function refuseToOverwrite(outDir: string, names: readonly string[], format: ReportFormat): void {
  const clashes = names.flatMap((n) => [`${n}.${format}`, ...(format === 'html' ? [chartsFolder(n)] : [])]).map((f) => join(outDir, f)).filter((p) => existsSync(p));
  if (clashes.length === 0) return;
  const shown = clashes.slice(0, 3).join(', ') + (clashes.length > 3 ? ` and ${clashes.length - 3} more` : '');
  throw new MemreplayError(`${shown} ${clashes.length === 1 ? 'exists' : 'exist'}; pass --force to overwrite, or -o another directory`);
}

/**
 * Write a report's files, each atomically, the main page last. With --force,
 * specs left in its charts folder by an earlier report (charts this one does
 * not have) are removed, so the folder always matches the page.
 */
function writeFiles(outDir: string, files: readonly ReportFile[], force: boolean, charts: string | undefined): void {
  for (const f of files) writeReportFile(join(outDir, ...f.path.split('/')), f.content, { force });
  if (!force || charts === undefined) return;
  const dir = join(outDir, charts);
  if (!existsSync(dir)) return;
  const keep = new Set(files.map((f) => f.path));
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.vl.json') && !keep.has(`${charts}/${name}`)) rmSync(join(dir, name), { force: true });
  }
}

async function indexFiles(entries: readonly IndexEntry[], failures: readonly IndexFailure[], format: ReportFormat): Promise<ReportFile[]> {
  if (format === 'json') return [{ path: `${INDEX}.json`, content: formatIndexJson(entries, failures) }];
  if (format === 'md') return [{ path: `${INDEX}.md`, content: formatIndexMarkdown(entries, failures) }];
  const folder = chartsFolder(INDEX);
  // Loaded here, not at start-up: it brings vega, which no other command needs.
  const { renderIndexHtml } = await import('../../src/reports/html/index-page.js');
  const page = await renderIndexHtml(entries, failures, folder);
  return [
    ...(page.chart === null ? [] : [{ path: `${folder}/${page.chart.name}.vl.json`, content: JSON.stringify(page.chart.spec) + '\n' }]),
    { path: `${INDEX}.html`, content: page.html },
  ];
}
