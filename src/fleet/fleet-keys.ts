// Where a fleet keeps things in Redis. The jobs are BullMQ's, in one queue;
// a run's own records sit beside it under memreplay-fleet:run:NAME:
//   :options  the options the run was submitted with (JSON), set once;
//   :jobs     its job ids, in the order they were submitted (the report's order);
//   :ids      the same ids as a set, so a trace submitted again is not listed twice;
//   :names    each job's report name (a hash), and :names:taken the names
//             taken, lower-cased, so each trace's report has its own.

export const FLEET_QUEUE = 'memreplay-fleet';

export interface RunKeys {
  readonly options: string;
  readonly jobs: string;
  readonly ids: string;
  readonly names: string;
}

export function runKeys(run: string): RunKeys {
  const base = `${FLEET_QUEUE}:run:${run}`;
  return { options: `${base}:options`, jobs: `${base}:jobs`, ids: `${base}:ids`, names: `${base}:names` };
}
