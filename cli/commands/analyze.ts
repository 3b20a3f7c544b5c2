// `memreplay analyze TRACE...`: replay each trace and summarise it.
// Traces (files, directories, globs) run on a worker pool (--jobs); results
// are printed in argument order. A trace that fails is reported on stderr and
// the others still run: exit 2 at the end if any failed, 3 if one failed
// from a bug.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { AnalyzeResult } from '../../src/analyzers/analyze.js';
import { ANALYZE_SCHEMA, formatAnalyzeJson } from '../../src/reports/json/analyze-json.js';
import type { AnalyzeTaskOptions } from '../../src/run/analyze-task.js';
import { refuseInputsAsOutputs } from '../../src/io/same-file.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { formatAnalyzeText } from '../../src/reports/analyze-text.js';
import { stdoutWidth } from '../output-width.js';
import { withAtEndOption, type AtEndArgs } from '../at-end-option.js';
import { runTraceBatch, withBatchOptions, type BatchArgs } from '../batch-options.js';
import { wholeNumberOption } from '../number-options.js';
import { reportWrote } from '../quiet-option.js';
import { runCommand, writeStdout } from '../run-command.js';
import { siteGroupingOf, withSiteOptions, type SiteArgs } from '../site-options.js';
import { formatOption, pythonOption, withTraceOptions, type TraceArgs } from '../trace-options.js';

interface AnalyzeArgs extends TraceArgs, BatchArgs, SiteArgs, AtEndArgs {
  traces: string[];
  json: boolean;
  top?: string;
  output?: string;
  force: boolean;
}

/** Live-block groups listed per trace unless --top says otherwise. */
const DEFAULT_TOP = 20;

export const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: 'analyze <traces..>',
  describe: 'replay traces and summarise events, anomalies, high-water marks, live blocks and fragmentation',
  builder: (y: Argv) =>
    withAtEndOption(withBatchOptions(withSiteOptions(withTraceOptions(y))), 'judge the live blocks and fragmentation')
      .positional('traces', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'trace files, directories of traces, globs (quote them: "traces/*.csv.gz"), or - for stdin',
      })
      .option('json', { type: 'boolean', default: false, describe: `print one JSON document (schema ${ANALYZE_SCHEMA})` })
      .option('top', { type: 'string', defaultDescription: String(DEFAULT_TOP), describe: 'live-block groups to list per trace' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the --output file if it exists' }) as unknown as Argv<AnalyzeArgs>,
  handler: (args: ArgumentsCamelCase<AnalyzeArgs>) =>
    runCommand(async () => {
      const top = wholeNumberOption('top', args.top, 0) ?? DEFAULT_TOP;
      const options: AnalyzeTaskOptions = {
        python: pythonOption(args.python),
        format: formatOption(args.format),
        lenient: args.lenient,
        top,
        ...siteGroupingOf(args),
        ...(args.atEnd === true ? { atEnd: true } : {}),
      };
      const { inputs, results, failures, exitCode } = await runTraceBatch<AnalyzeTaskOptions, AnalyzeResult>(args, 'analyze', options, (inputs) =>
        refuseInputsAsOutputs([args.output], inputs),
      );
      const report = args.json
        ? formatAnalyzeJson(results, failures)
        : results.map((r) => formatAnalyzeText(r, { width: args.output === undefined ? stdoutWidth() : undefined })).join('\n');
      if (args.output !== undefined) {
        writeReportFile(args.output, report, { force: args.force, inputs });
        reportWrote(args, args.output);
      } else {
        writeStdout(report);
      }
      return exitCode;
    }),
};
