// Reading a run back from the engine: its options, how far it is (done,
// failed, running, waiting) and each trace's outcome, in the run's order.
// Everything is read in pages of a few hundred jobs, so a run of any size is
// read with bounded memory here (the caller decides what it keeps).

import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MemreplayError } from '../errors.js';
import { traceDisplayName } from '../import/source.js';
import type { EngineAddress } from './engine-url.js';
import { commandConnection, engineError } from './engine-connection.js';
import { FLEET_QUEUE, runKeys, type RunKeys } from './fleet-keys.js';
import { decodeJobResult, type FleetJobResult } from './job-result.js';
import type { FleetRunOptions } from './run-options.js';

const PAGE = 250;
/** Results read per round trip: an HTML report is about 200 KB, so a page of them stays near 10 MB. */
const RESULT_PAGE = 50;

export interface RunProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly waiting: number;
}

/** One trace of the run as the engine holds it. */
export type TraceOutcome =
  | { readonly id: string; readonly name: string; readonly file: string; readonly ok: true; readonly result: FleetJobResult }
  | { readonly id: string; readonly name: string; readonly file: string; readonly ok: false; readonly error: string };

export class RunRecords {
  private constructor(
    private readonly queue: Queue,
    private readonly client: Redis,
    private readonly keys: RunKeys,
    readonly run: string,
    readonly options: FleetRunOptions,
    private readonly engine: EngineAddress,
  ) {}

  /** The run's records; an unknown run is an error saying so. */
  static async open(engine: EngineAddress, run: string): Promise<RunRecords> {
    const queue = new Queue(FLEET_QUEUE, { connection: commandConnection(engine) });
    queue.on('error', () => undefined);
    try {
      const client = (await queue.client) as unknown as Redis;
      const keys = runKeys(run);
      const text = await client.get(keys.options);
      if (text === null) throw new MemreplayError(`no run named ${run} at engine ${engine.shown} (submit it with memreplay fleet submit --run ${run})`);
      return new RunRecords(queue, client, keys, run, JSON.parse(text) as FleetRunOptions, engine);
    } catch (e) {
      await queue.close().catch(() => undefined);
      if (e instanceof MemreplayError) throw e;
      throw engineError(engine, e);
    }
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }

  async progress(): Promise<RunProgress> {
    return this.guard(async () => {
      const total = await this.client.llen(this.keys.jobs);
      const active = new Set(await this.client.lrange(this.queue.keys.active!, 0, -1));
      let done = 0;
      let failed = 0;
      let running = 0;
      for (let start = 0; start < total; start += PAGE) {
        const ids = await this.client.lrange(this.keys.jobs, start, start + PAGE - 1);
        const [completed, failures] = await Promise.all([this.scores(this.queue.keys.completed!, ids), this.scores(this.queue.keys.failed!, ids)]);
        ids.forEach((id, i) => {
          if (completed[i] !== null) done++;
          else if (failures[i] !== null) failed++;
          else if (active.has(id)) running++;
        });
      }
      return { total, done, failed, running, waiting: total - done - failed - running };
    });
  }

  /**
   * Remove the run: its jobs (with their results) and its own records. A run
   * with jobs running is refused: their workers would write results back.
   * Returns how many jobs were removed.
   */
  async forget(): Promise<number> {
    const { running } = await this.progress();
    if (running > 0) throw new MemreplayError(`run ${this.run} has ${running} job${running === 1 ? '' : 's'} running; forget it once they are done (fleet status ${this.run})`);
    let removed = 0;
    for (;;) {
      const ids = await this.guard(() => this.client.lrange(this.keys.jobs, 0, PAGE - 1));
      if (ids.length === 0) break;
      const results = await this.guard(() => Promise.all(ids.map((id) => this.queue.remove(id))));
      removed += results.filter((r) => r === 1).length;
      await this.guard(() => this.client.ltrim(this.keys.jobs, ids.length, -1));
    }
    await this.guard(() => this.client.del(this.keys.options, this.keys.jobs, this.keys.ids, this.keys.names, `${this.keys.names}:taken`));
    return removed;
  }

  /** Each trace's report name, in the run's order (cheap: no results are read). */
  async forEachName(visit: (name: string, id: string) => void): Promise<void> {
    const total = await this.guard(() => this.client.llen(this.keys.jobs));
    for (let start = 0; start < total; start += PAGE) {
      const ids = await this.guard(() => this.client.lrange(this.keys.jobs, start, start + PAGE - 1));
      const names = ids.length === 0 ? [] : await this.guard(() => this.client.hmget(this.keys.names, ...ids));
      ids.forEach((id, i) => visit(names[i] ?? id, id));
    }
  }

  /** Each trace's outcome, in the run's order; a job that is not finished is an error (wait first). */
  async forEachOutcome(visit: (outcome: TraceOutcome, index: number) => void | Promise<void>): Promise<void> {
    const total = await this.guard(() => this.client.llen(this.keys.jobs));
    for (let start = 0; start < total; start += RESULT_PAGE) {
      const ids = await this.guard(() => this.client.lrange(this.keys.jobs, start, start + RESULT_PAGE - 1));
      const names = ids.length === 0 ? [] : await this.guard(() => this.client.hmget(this.keys.names, ...ids));
      const pipeline = this.client.pipeline();
      for (const id of ids) pipeline.hmget(this.queue.toKey(id), 'data', 'returnvalue', 'failedReason', 'finishedOn');
      const rows = (await this.guard(() => pipeline.exec())) ?? [];
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const [error, fields] = rows[i]!;
        if (error) throw engineError(this.engine, error);
        const [data, returnvalue, failedReason, finishedOn] = fields as (string | null)[];
        const name = names[i] ?? id;
        const file = fileOf(data, id);
        if (finishedOn === null || finishedOn === undefined) throw new MemreplayError(`run ${this.run}: job ${id} (${file}) is not finished`);
        const outcome: TraceOutcome =
          failedReason !== null && failedReason !== undefined && (returnvalue === null || returnvalue === 'null')
            ? { id, name, file, ok: false, error: failedReason }
            : { id, name, file, ok: true, result: decodeJobResult(id, JSON.parse(returnvalue ?? 'null')) };
        await visit(outcome, start + i);
      }
    }
  }

  private async scores(key: string, ids: readonly string[]): Promise<(string | null)[]> {
    if (ids.length === 0) return [];
    return this.client.zmscore(key, ...ids);
  }

  private async guard<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      if (e instanceof MemreplayError) throw e;
      throw engineError(this.engine, e);
    }
  }
}

/** The trace as a local run names it, from the job's data. */
function fileOf(data: string | null | undefined, id: string): string {
  try {
    const trace = (JSON.parse(data ?? '') as { trace?: unknown }).trace;
    if (typeof trace === 'string') return traceDisplayName(trace);
  } catch {
    // fall through: a job the engine lost its data for
  }
  return `job ${id}`;
}
