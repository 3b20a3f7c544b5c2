// The processor BullMQ runs for each fleet job, in a child process of the
// worker (a BullMQ sandbox: a crash or a runaway trace takes the child, not
// the worker, and the replay has a core of its own). It checks the job
// (job-data.ts, trace-roots.ts), then runs the same check and report tasks as
// a local batch (run/check-task.ts, run/report-task.ts) and returns their
// results for the engine to keep (job-result.ts).
//
// A relative trace path is read from the submitter's directory: the child
// changes to it first, so every file name in the results is the one a local
// run there would show. A failure the user can act on (bad input) fails the
// job at once; anything else (a bug, a network error) is retried up to the
// run's attempts. A trace whose check succeeds but whose report fails on its
// input keeps its check: only its report is listed as failed, as running
// `check` and `report` separately would give.

import type { SandboxedJob } from 'bullmq';
import { isAbsolute } from 'node:path';
import { failureOf } from '../batch/outcome.js';
import type { CheckedTrace } from '../check/run-check.js';
import { isTraceUrl, TransientReadError } from '../import/trace-url.js';
import { checkTask } from '../run/check-task.js';
import { reportTask } from '../run/report-task.js';
import { checkJobData, FinalJobError } from './job-data.js';
import { encodeJobResult } from './job-result.js';
import { refuseOutsideRoots, TRACE_ROOTS_ENV } from './trace-roots.js';

// A worker killed with SIGKILL cannot stop its children: once the channel to it is gone, this child has no one to report to.
process.on('disconnect', () => process.exit(1));

const roots = JSON.parse(process.env[TRACE_ROOTS_ENV] ?? '[]') as string[];

export default async function processFleetJob(job: SandboxedJob): Promise<string> {
  const data = checkJobData(job.data);
  refuseOutsideRoots(data.trace, data.cwd, roots);
  const input = data.trace;
  if (!isTraceUrl(input) && !isAbsolute(input)) {
    try {
      process.chdir(data.cwd);
    } catch {
      throw new FinalJobError(`cannot read trace ${input}: the submitter's directory ${data.cwd} is not on this worker (mount the traces at the same path everywhere)`);
    }
  }
  const context = { progress: () => undefined };
  let checked: CheckedTrace;
  try {
    checked = await checkTask.run(input, data.check, context);
  } catch (e) {
    throw jobFailure(input, e);
  }
  if (data.report === null) return encodeJobResult({ checked, report: null });
  try {
    const report = await reportTask.run(input, { report: data.report.options, format: data.report.format, names: { [input]: data.name } }, context);
    return encodeJobResult({ checked, report });
  } catch (e) {
    const failure = jobFailure(input, e);
    if (!(failure instanceof FinalJobError)) throw failure;
    // The check stands, as a local `check` gives it; only this trace's report fails, as a local `report` would.
    return encodeJobResult({ checked, report: { error: failure.message } });
  }
}

/** Bad input fails the same way on every attempt: a final failure. A bug, a lost connection or a server error may not: retried. */
function jobFailure(input: string, e: unknown): Error {
  const failure = failureOf(input, e);
  if (!failure.internal && !(e instanceof TransientReadError)) return new FinalJobError(failure.message);
  return new Error(failure.message);
}
