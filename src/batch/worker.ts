// A pool worker: loads one task module, then runs the task on each input the
// pool sends, one at a time, and posts back the outcome (a failure is an
// outcome, never a crash of the worker). Progress goes back as messages.

import { parentPort, workerData } from 'node:worker_threads';
import { loadTask } from './load-task.js';
import { internalFailure, settleTask } from './outcome.js';
import type { RunMessage, WorkerMessage, WorkerSetup } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread of the batch pool');
const setup = workerData as WorkerSetup;
// A module that cannot load fails here, before 'ready': the pool treats that as fatal.
const task = await loadTask(new URL(setup.moduleUrl), setup.taskName);

const post = (message: WorkerMessage): void => port.postMessage(message);

port.on('message', async ({ index, input }: RunMessage) => {
  const context = { progress: (bytesRead: number, totalBytes: number | undefined) => post({ type: 'progress', index, bytesRead, totalBytes }) };
  const outcome = await settleTask(task, input, setup.options, context);
  try {
    post({ type: 'done', index, outcome });
  } catch (e) {
    // The result could not be cloned (a function, a class with private state...): a bug of the task.
    const why = `its result cannot be sent from the worker (${(e as Error).message})`;
    post({ type: 'done', index, outcome: { input, ok: false, error: internalFailure(input, why) } });
  }
});
post({ type: 'ready' });
