// `fleet worker`: a BullMQ worker on the fleet's queue, running each job in a
// sandboxed child process (job-processor.ts), `concurrency` at a time. A job
// whose worker dies (SIGKILL, a lost machine) keeps its lock only until
// `lockMs` passes; then any worker's stalled-job check hands it back to the
// queue, and it runs again elsewhere. Its result is written once, by the
// attempt that finishes, so it is counted once.

import { Worker, type Job } from 'bullmq';
import { fileURLToPath } from 'node:url';
import { compiledModuleUrl } from '../module-location.js';
import type { EngineAddress } from './engine-url.js';
import { workerConnection } from './engine-connection.js';
import { FLEET_QUEUE } from './fleet-keys.js';
import { TRACE_ROOTS_ENV } from './trace-roots.js';

import { DEFAULT_LOCK_MS } from './lock-duration.js';

export { DEFAULT_LOCK_MS };
/** Times a job may be found stalled (its worker gone) and handed back before it fails: a trace that kills its worker is poison. */
export const MAX_STALLS = 2;

export interface FleetWorkerOptions {
  readonly engine: EngineAddress;
  readonly concurrency: number;
  /** Real paths of the directories traces may be read from. */
  readonly traceRoots: readonly string[];
  readonly lockMs?: number;
  /** Told each job's end, for a log line. */
  readonly onJob?: (event: { id: string; trace: string; ok: boolean; reason?: string }) => void;
  /** Told each job this worker found stalled (its worker gone) and handed back to the queue. */
  readonly onHandedBack?: (id: string) => void;
  readonly onError?: (e: Error) => void;
}

export interface FleetWorker {
  /** Stop taking jobs; `force` false lets the jobs in hand finish, true leaves them to be handed back (stalled check). */
  close(force: boolean): Promise<void>;
}

const PROCESSOR_URL = new URL('./job-processor.js', import.meta.url);

export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  const worker = new Worker(FLEET_QUEUE, fileURLToPath(compiledModuleUrl(PROCESSOR_URL)), {
    connection: workerConnection(options.engine),
    concurrency: options.concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: MAX_STALLS - 1,
    useWorkerThreads: false,
    // Only what the child needs besides node's own environment: the roots it may read.
    workerForkOptions: { env: { ...process.env, [TRACE_ROOTS_ENV]: JSON.stringify(options.traceRoots) } },
    autorun: false,
  });
  const traceOf = (job: Job | undefined): string => String((job?.data as { trace?: unknown } | undefined)?.trace ?? '?');
  worker.on('completed', (job) => options.onJob?.({ id: job.id ?? '?', trace: traceOf(job), ok: true }));
  worker.on('failed', (job, e) => options.onJob?.({ id: job?.id ?? '?', trace: traceOf(job), ok: false, reason: e.message }));
  worker.on('stalled', (id) => options.onHandedBack?.(id));
  worker.on('error', (e) => options.onError?.(e));
  await worker.waitUntilReady();
  void worker.run();
  return { close: (force) => worker.close(force) };
}
