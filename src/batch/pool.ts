// Run one task over many inputs: on worker threads (one per core by default),
// or in this thread when one job is asked for or only one input could use a
// worker (a worker costs a start-up and buys nothing then). Outcomes come back
// in input order whatever order the tasks finish in; a task that fails fails
// alone and the others go on.
//
// `-` (stdin) always runs in this thread: only it reads the process's
// standard input. Workers take the biggest files first (size on disk): a big
// trace started last would keep one core busy while the others sit idle.

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadTask } from './load-task.js';
import { sourceModuleUrl } from '../module-location.js';
import { settleTask, type BatchOutcome } from './outcome.js';
import { taskModuleUrl } from './task-registry.js';
import { WorkerPool } from './worker-pool.js';

/** Told what the batch does, for a progress display. All calls come from this thread. */
export interface BatchProgress {
  start(inputs: readonly string[]): void;
  taskStarted(index: number): void;
  taskProgress(index: number, bytesRead: number, totalBytes: number | undefined): void;
  taskDone(index: number, outcome: BatchOutcome<unknown>): void;
  finish(): void;
}

export interface BatchRequest<Options> {
  /** A registered task name (task-registry.ts). */
  task: string;
  inputs: readonly string[];
  /** Plain data, the same for every input (structured-cloned to each worker). */
  options: Options;
  /** Tasks run at once; default: os.availableParallelism(). 1 runs everything in this thread. */
  jobs?: number;
  progress?: BatchProgress;
  /** Called once per input, in input order, as soon as it and all before it have finished. */
  onOutcome?: (outcome: BatchOutcome<unknown>, index: number) => void;
}

export function defaultJobs(): number {
  return availableParallelism();
}

export async function runBatch<Options, Result>(request: BatchRequest<Options>): Promise<BatchOutcome<Result>[]> {
  const { inputs, progress } = request;
  const jobs = request.jobs ?? defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a whole number >= 1, got ${jobs}`);
  const moduleUrl = taskModuleUrl(request.task);

  const viaWorkers: number[] = [];
  const here: number[] = [];
  inputs.forEach((input, i) => (input === '-' ? here : viaWorkers).push(i));
  const workers = Math.min(jobs, viaWorkers.length);
  if (workers <= 1) here.splice(0, here.length, ...inputs.keys());

  const inOrder = new InOrder(inputs.length, request.onOutcome);
  const settle = (index: number, outcome: BatchOutcome<unknown>): void => {
    progress?.taskDone(index, outcome);
    inOrder.settle(index, outcome);
  };
  // Loaded before any worker starts, so a module that cannot load leaves nothing running.
  const task = here.length > 0 ? await loadTask(sourceModuleUrl(moduleUrl), request.task) : undefined;
  const pool =
    workers > 1
      ? new WorkerPool(request.task, moduleUrl, request.options, inputs, biggestFirst(inputs, viaWorkers), {
          started: (i) => progress?.taskStarted(i),
          progress: (i, read, total) => progress?.taskProgress(i, read, total),
          finished: settle,
        })
      : undefined;

  progress?.start(inputs);
  try {
    const runHere = async (): Promise<void> => {
      for (const index of here) {
        const context = { progress: (read: number, total: number | undefined) => progress?.taskProgress(index, read, total) };
        progress?.taskStarted(index);
        settle(index, await settleTask(task!, inputs[index]!, request.options, context));
      }
    };
    await Promise.all([runHere(), pool?.run(workers)]);
  } catch (e) {
    pool?.stop();
    throw e;
  } finally {
    progress?.finish();
  }
  return inOrder.all() as BatchOutcome<Result>[];
}

/** The indices ordered by decreasing file size; unknown sizes last, ties in input order. */
function biggestFirst(inputs: readonly string[], indices: readonly number[]): number[] {
  const size = (i: number): number => {
    try {
      return statSync(inputs[i]!).size;
    } catch {
      return -1; // fails soon anyway, and quickly
    }
  };
  const sizes = new Map(indices.map((i) => [i, size(i)]));
  return indices.slice().sort((a, b) => sizes.get(b)! - sizes.get(a)!);
}

/** Outcomes by input index, handed on in input order as soon as a prefix is complete. */
class InOrder {
  private readonly outcomes: (BatchOutcome<unknown> | undefined)[];
  private emitted = 0;

  constructor(
    size: number,
    private readonly onOutcome: ((outcome: BatchOutcome<unknown>, index: number) => void) | undefined,
  ) {
    this.outcomes = new Array<BatchOutcome<unknown> | undefined>(size).fill(undefined);
  }

  settle(index: number, outcome: BatchOutcome<unknown>): void {
    this.outcomes[index] = outcome;
    while (this.emitted < this.outcomes.length && this.outcomes[this.emitted] !== undefined) {
      this.onOutcome?.(this.outcomes[this.emitted]!, this.emitted);
      this.emitted++;
    }
  }

  all(): BatchOutcome<unknown>[] {
    return this.outcomes.map((o, i) => {
      if (o === undefined) throw new Error(`the batch ended without an outcome for input ${i}`);
      return o;
    });
  }
}
