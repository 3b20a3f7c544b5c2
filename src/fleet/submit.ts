// `fleet submit`: one BullMQ job per trace, added idempotently. A job's id is
// derived from the run, the trace's identity and the options, so a trace
// submitted again to the same run is the same job and BullMQ does not add it
// twice; the run's list of jobs (fleet-keys.ts) records each trace once, in
// the order it was first submitted, which is the order of the report - the
// order a local batch over the same arguments gives.

import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import { isTraceUrl, urlDisplayName } from '../import/trace-url.js';
import { reportBaseName } from '../io/report-names.js';
import type { CheckTaskOptions } from '../run/check-task.js';
import { REPORT_INDEX } from '../run/report-batch.js';
import type { EngineAddress } from './engine-url.js';
import { commandConnection, engineError } from './engine-connection.js';
import { FLEET_QUEUE, runKeys } from './fleet-keys.js';
import { JOB_DATA_VERSION, type FleetJobData, type FleetReportRequest } from './job-data.js';
import type { FleetRunOptions } from './run-options.js';

/** Jobs added per round trip. */
const BATCH = 500;

export interface SubmitRequest {
  readonly engine: EngineAddress;
  readonly run: string;
  /** The traces, arguments expanded (files, globs, URLs), in order. */
  readonly inputs: readonly string[];
  /** Where relative paths are read from (the workers mount it at the same path). */
  readonly cwd: string;
  /** What the report needs, the same for every submit to the run. */
  readonly runOptions: FleetRunOptions;
  readonly check: CheckTaskOptions;
  readonly report: FleetReportRequest | null;
  /** Tries of a job that fails other than on bad input (a crash, a lost connection). */
  readonly attempts: number;
}

export interface SubmitOutcome {
  /** Jobs added by this submit. */
  readonly added: number;
  /** Traces the run had already. */
  readonly already: number;
  /** Traces in the run now. */
  readonly total: number;
}

/** The trace a job reads, whatever its spelling: a URL without its query, a file by its real path. */
export function traceIdentity(input: string, cwd: string): string {
  if (isTraceUrl(input)) return urlDisplayName(input);
  const full = resolve(cwd, input);
  try {
    return realpathSync(full);
  } catch {
    return full;
  }
}

/** The job id of a trace in a run with these options (BullMQ refuses `:` in ids). */
export function fleetJobId(run: string, identity: string, optionsDigest: string): string {
  return `${run}-${createHash('sha256').update(`${identity}\n${optionsDigest}`).digest('hex').slice(0, 32)}`;
}

// Records a trace in the run once: its place in the list, and a report name
// unique in the run without case (base, base-2, ...; `index` kept for the
// index page), as io/report-names.ts names a local batch. Returns the name,
// and 1 when the trace is new to the run.
const RECORD_TRACE = `
local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing then return {existing, 0} end
local base = ARGV[2]
local name = base
local k = 2
while redis.call('SISMEMBER', KEYS[4], string.lower(name)) == 1 or string.lower(name) == ARGV[3] do
  name = base .. '-' .. k
  k = k + 1
end
redis.call('SADD', KEYS[4], string.lower(name))
redis.call('HSET', KEYS[3], ARGV[1], name)
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[1], ARGV[1])
return {name, 1}
`;

export async function submitTraces(request: SubmitRequest): Promise<SubmitOutcome> {
  const { engine, run, cwd } = request;
  if (request.inputs.includes('-')) throw new UsageError('fleet submit: a worker cannot read this stdin; give files or URLs');
  const queue = new Queue(FLEET_QUEUE, { connection: commandConnection(engine) });
  queue.on('error', () => undefined);
  try {
    const client = (await queue.client) as unknown as Redis;
    const keys = runKeys(run);
    await recordRunOptions(client, run, keys.options, request.runOptions);
    const digest = createHash('sha256').update(JSON.stringify({ check: request.check, report: request.report })).digest('hex');
    let added = 0;
    let already = 0;
    for (let start = 0; start < request.inputs.length; start += BATCH) {
      const inputs = request.inputs.slice(start, start + BATCH);
      const ids = inputs.map((input) => fleetJobId(run, traceIdentity(input, cwd), digest));
      const pipeline = client.pipeline();
      inputs.forEach((input, i) => pipeline.eval(RECORD_TRACE, 4, keys.ids, keys.jobs, keys.names, `${keys.names}:taken`, ids[i]!, reportBaseName(input), REPORT_INDEX));
      const recorded = (await pipeline.exec()) ?? [];
      const names = recorded.map(([error, value], i) => {
        if (error) throw error;
        const [name, isNew] = value as [string, number];
        if (isNew === 1) added++;
        else already++;
        return { id: ids[i]!, name };
      });
      // Every job is added, the known ones too: BullMQ keeps the one there, and one lost between the two steps is added now.
      await queue.addBulk(
        inputs.map((trace, i) => ({
          name: 'trace',
          data: { v: JOB_DATA_VERSION, run, trace, cwd, name: names[i]!.name, check: request.check, report: request.report } satisfies FleetJobData,
          opts: { jobId: ids[i]!, attempts: request.attempts, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
        })),
      );
    }
    const total = await client.llen(keys.jobs);
    return { added, already, total };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw engineError(engine, e);
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/** The run's options are set by its first submit; a later one with other options is refused, not mixed in. */
async function recordRunOptions(client: Redis, run: string, key: string, options: FleetRunOptions): Promise<void> {
  const text = JSON.stringify(options);
  if ((await client.set(key, text, 'NX')) === 'OK') return;
  if ((await client.get(key)) !== text) {
    throw new UsageError(`run ${run} was submitted with other options (budgets, config, reports or trace options); submit these under another --run name`);
  }
}
