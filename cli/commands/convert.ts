// `memreplay convert IN OUT`: a trace rewritten in another format, chosen by
// OUT's name (.mrt, .csv[.gz], .jsonl[.gz]); the input is sniffed.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '../../src/errors.js';
import { convertTrace } from '../../src/run/convert.js';
import { count } from '../../src/text/units.js';
import { wholeNumberOption } from '../number-options.js';
import { EXIT_OK, runCommand } from '../run-command.js';
import { traceArgument } from '../stdin-argument.js';
import { traceFormatOption, withLenientOption, withTraceFormatOption, type TraceFormatArgs } from '../trace-options.js';

interface ConvertArgs extends TraceFormatArgs {
  lenient?: boolean;
  input: string;
  output: string;
  force: boolean;
  level?: string;
}

export const convertCommand: CommandModule<object, ConvertArgs> = {
  command: 'convert <input> <output>',
  describe: 'rewrite a trace in another format: binary .mrt, .csv or .jsonl (optionally .gz), from the output name',
  builder: (y: Argv) =>
    withLenientOption(withTraceFormatOption(y, false))
      .positional('input', { type: 'string', demandOption: true, describe: 'trace file (.mrt, CSV or JSONL, optionally gzip), or - for stdin' })
      .positional('output', { type: 'string', demandOption: true, describe: 'file to write: its name ends in .mrt, .csv, .csv.gz, .jsonl or .jsonl.gz' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the output file when it exists' })
      .option('level', { type: 'string', describe: 'deflate level of .mrt chunks, 0 (stored) to 9 (default 6)' }) as unknown as Argv<ConvertArgs>,
  handler: (args: ArgumentsCamelCase<ConvertArgs>) =>
    runCommand(async () => {
      const level = wholeNumberOption('level', args.level, 0);
      if (level !== undefined && level > 9) throw new UsageError(`--level ${level}: expected 0 to 9`);
      const run = await convertTrace(traceArgument(args.input), traceArgument(args.output), {
        trace: { format: traceFormatOption(args), lenient: args.lenient },
        output: { force: args.force, level },
      });
      const skipped = run.skippedRecords > 0 ? `; skipped ${count(run.skippedRecords, 'bad record')} (--lenient)` : '';
      process.stderr.write(`memreplay: wrote ${run.output}: ${count(run.events, 'event')} from ${run.from}${skipped}\n`);
      return EXIT_OK;
    }),
};
