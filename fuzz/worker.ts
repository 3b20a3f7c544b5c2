// The fuzz loop of `npm run fuzz`, in a worker thread so that the main
// thread can watch it: a read that never returns (a hang in synchronous
// parser code) cannot be interrupted in-process, only seen by the index in
// `progress` standing still; the main thread then ends this worker, records
// the case and starts a new worker after it.

import { parentPort, workerData } from 'node:worker_threads';
import { runCampaign, type CampaignOptions, type Failure, type InputKind } from './campaign.js';
import { Seeds } from './seeds.js';

export interface WorkerInput {
  readonly seed: number;
  readonly start: number;
  readonly count: number;
  readonly kinds?: readonly InputKind[];
  readonly slowMs: number;
  /** [0]: the index of the case being run. */
  readonly progress: Int32Array;
}

export type WorkerMessage =
  | { readonly type: 'failure'; readonly failure: Failure }
  | { readonly type: 'done'; readonly summary: Omit<Awaited<ReturnType<typeof runCampaign>>, 'failures'> };

const input = workerData as WorkerInput;
const options: CampaignOptions = {
  seed: input.seed,
  start: input.start,
  count: input.count,
  kinds: input.kinds,
  slowMs: input.slowMs,
  maxFailures: Number.POSITIVE_INFINITY,
  onCase: (index) => Atomics.store(input.progress, 0, index + 1),
  onFailure: (failure) => parentPort!.postMessage({ type: 'failure', failure } satisfies WorkerMessage),
};
const { failures: _sent, ...summary } = await runCampaign(new Seeds(), options);
parentPort!.postMessage({ type: 'done', summary } satisfies WorkerMessage);
