// The one batch loop of the commands that take many traces (analyze, check,
// report): run a task over the expanded inputs, hand each result to the
// command in input order, and collect the failures, telling the command the
// lines to show for each (an internal error asks for a bug report and shows
// its stack with MEMREPLAY_DEBUG).

import { runBatch, type BatchProgress } from '../batch/pool.js';
import { internalErrorText } from '../errors.js';
import { traceDisplayName } from '../import/source.js';
import './tasks.js';

export interface TraceFailure {
  readonly file: string;
  readonly error: string;
}

export interface TraceBatchRequest<Options, Result> {
  /** A registered task: one of tasks.ts, or one a library user registered. */
  readonly task: string;
  readonly inputs: readonly string[];
  /** Plain data, the same for every input. */
  readonly options: Options;
  readonly jobs?: number;
  readonly progress?: BatchProgress;
  /** Each trace that succeeded, in input order, as soon as it and those before it are done. */
  readonly onResult?: (result: Result, index: number, file: string) => void;
  /** Each trace that failed, in input order: its failure and the lines to show for it. */
  readonly onFailure?: (failure: TraceFailure, lines: readonly string[]) => void;
}

export interface TraceBatchOutcome<Result> {
  /** The results of the traces that succeeded, in input order. */
  readonly results: Result[];
  /** The traces that failed, in input order. */
  readonly failures: TraceFailure[];
  /** Whether a failure was a bug in memreplay rather than bad input. */
  readonly internal: boolean;
}

export async function runTraceTasks<Options, Result>(request: TraceBatchRequest<Options, Result>): Promise<TraceBatchOutcome<Result>> {
  const results: Result[] = [];
  const failures: TraceFailure[] = [];
  let internal = false;
  await runBatch<Options, Result>({
    task: request.task,
    inputs: request.inputs,
    options: request.options,
    ...(request.jobs !== undefined ? { jobs: request.jobs } : {}),
    ...(request.progress !== undefined ? { progress: request.progress } : {}),
    onOutcome: (outcome, index) => {
      const file = traceDisplayName(outcome.input);
      if (outcome.ok) {
        const result = outcome.result as Result;
        results.push(result);
        request.onResult?.(result, index, file);
        return;
      }
      const { message, stack } = outcome.error;
      const failure = { file, error: message };
      failures.push(failure);
      internal ||= outcome.error.internal;
      const lines = !outcome.error.internal
        ? [message]
        : [
            ...(process.env['MEMREPLAY_DEBUG'] && stack ? [stack] : []),
            internalErrorText(message),
          ];
      request.onFailure?.(failure, lines);
    },
  });
  return { results, failures, internal };
}
