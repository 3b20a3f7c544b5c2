// `memreplay leaks TRACE`: the blocks live at the end (or at a mark) by call
// site, with pools, arenas, size classes and the growth verdict of each site.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { findLeaks } from '../../src/run/leaks.js';
import { formatLeaksJson, LEAKS_SCHEMA } from '../../src/reports/json/leaks-json.js';
import { UsageError } from '../../src/errors.js';
import { refuseInputsAsOutputs, refuseOutputTwice } from '../../src/io/same-file.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { formatLeaksText } from '../../src/reports/leaks-text.js';
import { fileOutput } from '../output-option.js';
import { stdoutWidth } from '../output-width.js';
import { generateSuppressions } from '../../src/reports/suppressions-file.js';
import { leakOptionsOf, suppressionsOf, withLeakOptions, type LeakArgs } from '../leak-options.js';
import { reportWrote, withQuietOption, type QuietArgs } from '../quiet-option.js';
import { runCommand, writeStdout } from '../run-command.js';
import { withTopOption, type TopArgs } from '../site-options.js';
import { traceArgument } from '../stdin-argument.js';
import { withTraceOptions } from '../trace-options.js';

interface LeaksArgs extends LeakArgs, TopArgs, QuietArgs {
  trace: string;
  json: boolean;
  output?: string;
  force: boolean;
}

export const leaksCommand: CommandModule<object, LeaksArgs> = {
  command: 'leaks <trace>',
  describe: 'live blocks by call site, with pools/arenas kept alive and growth across marks (steady-state leak, bounded, retained once, transient)',
  builder: (y: Argv) =>
    withTopOption(withQuietOption(withLeakOptions(withTraceOptions(y), 'write suppression entries for the findings to FILE, or - for stdout')), 'sites to list besides the steady-state leaks')
      .positional('trace', { type: 'string', demandOption: true, describe: 'trace file (CSV or JSONL, optionally gzip), or - for stdin' })
      .option('json', { type: 'boolean', default: false, describe: `print one JSON document (schema ${LEAKS_SCHEMA})` })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the --output / --gen-suppressions file if it exists' }) as unknown as Argv<LeaksArgs>,
  handler: (args: ArgumentsCamelCase<LeaksArgs>) =>
    runCommand(async () => {
      const suppressions = suppressionsOf(args);
      const trace = traceArgument(args.trace);
      const gen = args.genSuppressions === undefined ? undefined : traceArgument(args.genSuppressions);
      // The trace and the suppression files read are never written over, not even with --force.
      const inputs = [trace, ...suppressions.files];
      const output = fileOutput(args.output);
      refuseInputsAsOutputs([output, gen], inputs);
      refuseOutputTwice([['-o', output], ['--gen-suppressions', gen]]);
      const options = leakOptionsOf(args, suppressions);
      const result = await findLeaks(trace, options);
      const report = args.json ? formatLeaksJson(result) : formatLeaksText(result, { width: output === undefined ? stdoutWidth() : undefined });
      if (gen !== undefined) {
        if (gen === '') throw new UsageError('--gen-suppressions needs a file name, or - for stdout');
        const text = generateSuppressions(result.file, result.sites, result.groupedBy, options.sites.projectRoot);
        if (gen === '-') writeStdout(text);
        else {
          writeReportFile(gen, text, { force: args.force, inputs });
          reportWrote(args, gen);
        }
      }
      if (output !== undefined) {
        writeReportFile(output, report, { force: args.force, inputs });
        reportWrote(args, output);
      } else if (gen !== '-') {
        writeStdout(report);
      }
    }),
};
