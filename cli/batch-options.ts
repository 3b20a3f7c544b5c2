// Options of commands that take many traces (--jobs, --quiet), the expansion
// of their trace arguments, and the progress line on stderr.

import type { Argv } from 'yargs';
import { expandInputs } from '../src/batch/expand-inputs.js';
import { ProgressLine } from '../src/batch/progress-line.js';
import { UsageError } from '../src/errors.js';
import { traceArgument } from './stdin-argument.js';

export interface BatchArgs {
  jobs?: string;
  quiet: boolean;
}

export function withBatchOptions<T>(y: Argv<T>): Argv<T & BatchArgs> {
  return y
    .option('jobs', {
      alias: 'j',
      type: 'string',
      describe: 'traces processed at once, each on its own worker thread (default: one per CPU core; 1: no workers)',
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      describe: 'no progress line and no "Wrote FILE" message on stderr (errors are still printed)',
    }) as Argv<T & BatchArgs>;
}

/** --jobs as a number; undefined for the default (one per core). */
export function jobsOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--jobs ${JSON.stringify(value)}: expected a whole number >= 1`);
  }
  return Number(value);
}

/** The trace arguments as inputs: `-` for stdin, globs and directories expanded. */
export function traceInputs(args: readonly string[]): Promise<string[]> {
  return expandInputs(args.map(traceArgument));
}

/**
 * A progress line on stderr when it is a terminal and --quiet is not given;
 * else undefined. While it shows, Ctrl-C clears it before the process ends.
 */
export function progressLine(args: BatchArgs, label: string): ProgressLine | undefined {
  if (args.quiet || !process.stderr.isTTY) return undefined;
  const line = new ProgressLine(process.stderr, label);
  process.once('SIGINT', () => {
    line.finish();
    process.stderr.write('memreplay: interrupted\n');
    process.exit(130);
  });
  return line;
}

/** Write a message line to stderr without breaking the progress line. */
export function printError(progress: ProgressLine | undefined, message: string): void {
  const text = `memreplay: ${message}\n`;
  if (progress) progress.print(text);
  else process.stderr.write(text);
}
