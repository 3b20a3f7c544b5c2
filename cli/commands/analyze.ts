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
import { fileOutput } from '../output-option.js';
import { stdoutWidth } from '../output-width.js';
import { churnOptionsOf, withChurnSwitch, type ChurnArgs } from '../churn-options.js';
import { instantOptionsOf, withAtEndOption, type AtEndArgs } from '../at-end-option.js';
import { runTraceBatch, withBatchOptions, type BatchArgs } from '../batch-options.js';
import { reportWrote } from '../quiet-option.js';
import { runCommand, writeStdout } from '../run-command.js';
import { siteOptionsOf, withSiteOptions, withTopOption, type SiteArgs, type TopArgs } from '../site-options.js';
import { traceOptionsOf, withTraceOptions, type TraceArgs } from '../trace-options.js';

interface AnalyzeArgs extends TraceArgs, BatchArgs, SiteArgs, TopArgs, AtEndArgs, ChurnArgs {
  traces: string[];
  json: boolean;
  output?: string;
  force: boolean;
}

export const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: 'analyze <traces..>',
  describe: 'replay traces and summarise events, anomalies, high-water marks, live blocks and fragmentation',
  builder: (y: Argv) =>
    withChurnSwitch(withTopOption(withAtEndOption(withBatchOptions(withSiteOptions(withTraceOptions(y))), 'judge the live blocks and fragmentation'), 'live-block groups to list per trace'))
      .positional('traces', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'trace files, directories of traces, globs (quote them: "traces/*.csv.gz"), or - for stdin',
      })
      .option('json', { type: 'boolean', default: false, describe: `print one JSON document (schema ${ANALYZE_SCHEMA})` })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the --output file if it exists' }) as unknown as Argv<AnalyzeArgs>,
  handler: (args: ArgumentsCamelCase<AnalyzeArgs>) =>
    runCommand(async () => {
      const output = fileOutput(args.output);
      const options: AnalyzeTaskOptions = { trace: traceOptionsOf(args), sites: siteOptionsOf(args), instant: instantOptionsOf(args), churn: churnOptionsOf(args) };
      const { inputs, results, failures, exitCode } = await runTraceBatch<AnalyzeTaskOptions, AnalyzeResult>(args, 'analyze', options, (inputs) =>
        refuseInputsAsOutputs([output], inputs),
      );
      const report = args.json
        ? formatAnalyzeJson(results, failures)
        : results.map((r) => formatAnalyzeText(r, { width: output === undefined ? stdoutWidth() : undefined })).join('\n');
      if (output !== undefined) {
        writeReportFile(output, report, { force: args.force, inputs });
        reportWrote(args, output);
      } else {
        writeStdout(report);
      }
      return exitCode;
    }),
};
