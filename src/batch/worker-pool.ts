// Worker threads that take inputs from a shared queue, one at a time each,
// until none is left. A worker that dies while running a task (a crash, not a
// thrown error: those come back as failed outcomes) fails that task as an
// internal error and is replaced; a worker that cannot even load the task
// module stops the pool, since every other worker would fail the same way.

import { Worker } from 'node:worker_threads';
import { compiledModuleUrl } from '../module-location.js';
import { failureOf, internalFailure, type BatchOutcome } from './outcome.js';
import { oldGenerationLimit, outOfMemoryOf } from '../memory-guard.js';
import type { RunMessage, WorkerMessage, WorkerSetup } from './worker-protocol.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
// Workers inherit node's options, but one run as `node --input-type=module -e`
// (a script embedding the library) would refuse to start a worker from a file.
// V8's heap flags are the process's and refused in a worker's execArgv
// (ERR_WORKER_INVALID_EXEC_ARGV); each worker gets the same old-generation
// limit through resourceLimits instead, so `node --max-old-space-size=N`
// bounds every thread alike.
const NOT_FOR_WORKERS = ['--input-type', '--max-old-space-size', '--max-semi-space-size', '--max-heap-size'];
const notForWorkers = (arg: string | undefined): boolean => arg !== undefined && NOT_FOR_WORKERS.some((f) => arg === f || arg.startsWith(`${f}=`));
// A flag given as `--flag value` takes its value with it.
const WORKER_EXEC_ARGV = process.execArgv.filter((a, i, all) => !notForWorkers(a) && !(NOT_FOR_WORKERS.includes(all[i - 1]!) && !a.startsWith('-')));

export interface WorkerPoolEvents {
  started(index: number): void;
  progress(index: number, bytesRead: number, totalBytes: number | undefined): void;
  /** May throw: the pool then stops and `run()` rejects with that error. */
  finished(index: number, outcome: BatchOutcome<unknown>): void;
}

export class WorkerPool {
  private readonly live = new Set<Worker>();
  private readonly queue: number[];
  private remaining: number;
  private stopped = false;
  private readonly setup: WorkerSetup;
  private readonly workerUrl: URL;
  private resolve!: () => void;
  private reject!: (e: Error) => void;

  constructor(
    private readonly taskName: string,
    taskModuleUrl: URL,
    options: unknown,
    private readonly inputs: readonly string[],
    indices: readonly number[],
    private readonly events: WorkerPoolEvents,
  ) {
    this.setup = { moduleUrl: compiledModuleUrl(taskModuleUrl).href, taskName, options };
    this.workerUrl = compiledModuleUrl(WORKER_URL);
    this.queue = indices.slice();
    this.remaining = indices.length;
  }

  /** Start `workers` workers; resolves when every input has an outcome. */
  run(workers: number): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (this.remaining === 0) this.resolve();
    else for (let i = 0; i < workers; i++) this.startWorker();
    return done;
  }

  /** Terminate every worker; `run()` then never settles. */
  stop(): void {
    this.stopped = true;
    for (const w of this.live) void w.terminate();
    this.live.clear();
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.stop();
    this.reject(error);
  }

  private finish(index: number, outcome: BatchOutcome<unknown>): void {
    try {
      this.events.finished(index, outcome);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (--this.remaining === 0) {
      this.stop();
      this.resolve();
    }
  }

  private startWorker(): void {
    const worker = new Worker(this.workerUrl, {
      workerData: this.setup,
      execArgv: WORKER_EXEC_ARGV,
      resourceLimits: { maxOldGenerationSizeMb: Math.floor(oldGenerationLimit() / 2 ** 20) },
    });
    this.live.add(worker);
    let ready = false;
    let running: number | undefined;
    let lastError: Error | undefined;

    const next = (): void => {
      if (this.stopped) return;
      running = this.queue.shift();
      if (running === undefined) {
        this.live.delete(worker);
        void worker.terminate();
        return;
      }
      this.events.started(running);
      worker.postMessage({ type: 'run', index: running, input: this.inputs[running]! } satisfies RunMessage);
    };

    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        ready = true;
        next();
      } else if (message.type === 'progress') {
        this.events.progress(message.index, message.bytesRead, message.totalBytes);
      } else {
        running = undefined;
        this.finish(message.index, message.outcome);
        next();
      }
    });
    // An error thrown outside a task (the worker's own code, or a crash) ends the worker: see 'exit'.
    worker.on('error', (e) => (lastError = e));
    worker.on('exit', (code) => {
      if (!this.live.delete(worker) || this.stopped) return; // ended on purpose
      if (!ready) {
        this.fail(new Error(`cannot start a worker for the ${this.taskName} task: ${lastError?.message ?? `it exited with code ${code}`}`));
        return;
      }
      if (running !== undefined) {
        const input = this.inputs[running]!;
        // A worker past its heap limit is ended by V8 with ERR_WORKER_OUT_OF_MEMORY: out of memory, not a bug.
        if (lastError !== undefined && outOfMemoryOf(lastError) !== null) {
          this.finish(running, { input, ok: false, error: failureOf(input, lastError) });
          if (this.queue.length > 0 && !this.stopped) this.startWorker();
          return;
        }
        const why = lastError ? `the worker thread failed: ${lastError.message}` : `the worker thread stopped (exit code ${code})`;
        this.finish(running, { input, ok: false, error: internalFailure(input, why, lastError?.stack) });
      }
      if (this.queue.length > 0 && !this.stopped) this.startWorker();
    });
  }
}
