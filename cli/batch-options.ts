// Options of commands that take many traces (--jobs, --quiet), the expansion
// of their trace arguments, the progress line on stderr, and `runTraceBatch`,
// which puts them together for a command.

import type { Argv } from 'yargs';
import { expandInputs } from '../src/batch/expand-inputs.js';
import { ProgressLine } from '../src/batch/progress-line.js';
import { runTraceTasks, type TraceFailure } from '../src/run/trace-batch.js';
import { wholeNumberOption } from './number-options.js';
import { withQuietOption, type QuietArgs } from './quiet-option.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './run-command.js';
import { traceArgument } from './stdin-argument.js';

export interface BatchArgs extends QuietArgs {
  jobs?: string;
}

export function withBatchOptions<T>(y: Argv<T>): Argv<T & BatchArgs> {
  const withJobs = y.option('jobs', {
    alias: 'j',
    type: 'string',
    describe: 'traces processed at once, each on its own worker thread (default: one per CPU core; 1: no workers)',
  });
  return withQuietOption(withJobs, 'no progress line and no "Wrote FILE" message on stderr (errors are still printed)') as Argv<T & BatchArgs>;
}

/** --jobs as a number; undefined for the default (one per core). */
export function jobsOption(value: string | undefined): number | undefined {
  return wholeNumberOption('jobs', value, 1);
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

export interface TraceBatch<Result> {
  /** The trace files read (arguments expanded), in order; `-` for stdin. */
  readonly inputs: readonly string[];
  /** The results of the traces that succeeded, in argument order. */
  readonly results: Result[];
  /** The traces that failed, in argument order (already reported on stderr). */
  readonly failures: TraceFailure[];
  /** 0 when every trace succeeded, 2 when one failed, 3 when one failed from a bug. */
  readonly exitCode: number;
}

/**
 * Run a registered batch task over a command's trace arguments: expand them,
 * run the one batch loop (src/run/trace-batch.ts) with --jobs and a progress
 * line, and report each failure on stderr as it comes, in argument order. `beforeRun` sees the
 * expanded inputs before any work: where a command refuses outputs that are
 * inputs.
 */
export async function runTraceBatch<Options, Result>(
  args: BatchArgs & { traces: readonly string[] },
  task: string,
  options: Options,
  beforeRun: (inputs: readonly string[]) => void = () => undefined,
): Promise<TraceBatch<Result>> {
  const jobs = jobsOption(args.jobs);
  const inputs = await traceInputs(args.traces);
  beforeRun(inputs);
  const progress = progressLine(args, task);
  const { results, failures, internal } = await runTraceTasks<Options, Result>({
    task,
    inputs,
    options,
    ...(jobs !== undefined ? { jobs } : {}),
    ...(progress !== undefined ? { progress } : {}),
    onFailure: (_failure, lines) => lines.forEach((line) => printError(progress, line)),
  });
  return { inputs, results, failures, exitCode: internal ? EXIT_INTERNAL : failures.length > 0 ? EXIT_USAGE : EXIT_OK };
}
