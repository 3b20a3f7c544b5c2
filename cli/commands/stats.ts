// `memreplay stats TRACE`: the pymalloc part of sys._debugmallocstats() at an
// instant of the trace, in CPython's exact text (or --json), and --verify.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { formatDebugMallocStats } from '../../src/models/pymalloc/stats-text.js';
import { runStats } from '../../src/run/stats.js';
import { incompleteText } from '../../src/reports/completeness-text.js';
import { INEXACT_FIGURES, inexactText } from '../../src/reports/exactness-text.js';
import { count, terminalSafe } from '../../src/text/units.js';
import { formatVerificationText } from '../../src/reports/verification-text.js';
import { formatStatsJson } from '../../src/reports/json/stats-json.js';
import { formatNativeStats } from '../../src/reports/native-stats-text.js';
import { wholeNumberOption } from '../number-options.js';
import { EXIT_CHECK_FAILED, EXIT_OK, runCommand, writeStdout } from '../run-command.js';
import { traceArgument } from '../stdin-argument.js';
import { traceOptionsOf, withTraceOptions, type TraceArgs } from '../trace-options.js';

interface StatsArgs extends TraceArgs {
  trace: string;
  at?: string;
  atEvent?: string;
  interp?: string;
  json: boolean;
  verify: boolean;
}

export const statsCommand: CommandModule<object, StatsArgs> = {
  command: 'stats <trace>',
  describe: "print what sys._debugmallocstats() printed (pymalloc part) at an instant of the trace",
  builder: (y: Argv) =>
    withTraceOptions(y)
      .positional('trace', { type: 'string', demandOption: true, describe: 'trace file (CSV or JSONL, optionally gzip), or - for stdin' })
      .option('at', { type: 'string', describe: 'stop at the first mark with this label (default: end of trace)' })
      .option('at-event', { type: 'string', describe: 'stop after this many events (1-based)' })
      .option('interp', {
        type: 'string',
        describe: "the interpreter whose pymalloc state to print, by the trace's interp id (default 0, the main one; an isolated sub-interpreter of 3.12+ has its own)",
      })
      .option('json', { type: 'boolean', default: false, describe: 'print the numbers as one JSON document' })
      .option('verify', {
        type: 'boolean',
        default: false,
        describe: 'check every block address and arena decision against the trace; exit 1 on a mismatch',
      })
      .conflicts('at', 'at-event') as unknown as Argv<StatsArgs>,
  handler: (args: ArgumentsCamelCase<StatsArgs>) =>
    runCommand(async () => {
      const atEvent = wholeNumberOption('at-event', args.atEvent, 1);
      const interpreter = wholeNumberOption('interp', args.interp, 0) ?? 0;
      const run = await runStats(traceArgument(args.trace), {
        trace: traceOptionsOf(args),
        at: args.at,
        atEvent,
        interpreter,
        verify: args.verify,
      });
      const { file, stats, verification, completeness, exactness } = run;
      if (args.json) {
        writeStdout(formatStatsJson(run.document));
      } else {
        writeStdout(formatDebugMallocStats(stats) + (run.document.native ? formatNativeStats(run.document.native) : ''));
        if (args.verify) process.stderr.write(formatVerificationText(file, verification, completeness));
        else {
          // stdout is CPython's exact text: the warning goes beside it.
          const incomplete = incompleteText(completeness);
          if (incomplete !== null) process.stderr.write(`memreplay: ${terminalSafe(file, 80)}: ${terminalSafe(incomplete, 300)}\n`);
        }
        // --verify's lines count addresses and arenas; this one also names anomalies.
        const inexact = inexactText(exactness);
        if (inexact !== null) process.stderr.write(`memreplay: ${terminalSafe(file, 80)}: ${inexact}; ${INEXACT_FIGURES}\n`);
      }
      if (run.skippedRecords > 0 && !args.json) {
        process.stderr.write(`memreplay: ${file}: skipped ${count(run.skippedRecords, 'bad record')} (--lenient)\n`);
      }
      return args.verify && !verification.exact ? EXIT_CHECK_FAILED : EXIT_OK;
    }),
};
