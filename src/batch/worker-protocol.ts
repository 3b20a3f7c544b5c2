// Messages between the pool (pool.ts) and its workers (worker.ts).

import type { BatchOutcome } from './outcome.js';

/** Given to each worker at start (workerData). */
export interface WorkerSetup {
  readonly moduleUrl: string;
  readonly taskName: string;
  readonly options: unknown;
}

/** Pool -> worker: run the task on one input. */
export interface RunMessage {
  readonly type: 'run';
  readonly index: number;
  readonly input: string;
}

/** Worker -> pool. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly index: number; readonly bytesRead: number; readonly totalBytes: number | undefined }
  | { readonly type: 'done'; readonly index: number; readonly outcome: BatchOutcome<unknown> };
