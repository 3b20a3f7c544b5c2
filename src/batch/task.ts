// What a batch task is: a named function from one input (a trace path, or
// `-` for stdin) and JSON-like options to a JSON-like result. Options and
// results cross thread boundaries by structured clone, so they must be plain
// data (no functions, no class instances whose methods matter).
//
// A task lives in its own module, exported under any name; the module is
// loaded by each worker (see task-registry.ts), so it must not depend on
// state set up by the main thread.

export interface TaskContext {
  /**
   * Report how far the input has been read (bytes of the file, compressed
   * when gzip); cheap to call once per chunk read.
   */
  progress(bytesRead: number, totalBytes: number | undefined): void;
}

export interface BatchTask<Options, Result> {
  /** The name the task is registered and looked up by, e.g. "analyze". */
  readonly name: string;
  run(input: string, options: Options, context: TaskContext): Promise<Result>;
}

/** Declare a task (an identity function: it only gives the types). */
export function defineTask<Options, Result>(task: BatchTask<Options, Result>): BatchTask<Options, Result> {
  return task;
}

/** A task object among a module's exports, by name; undefined when absent. */
export function findTaskExport(moduleExports: Record<string, unknown>, name: string): BatchTask<unknown, unknown> | undefined {
  for (const value of Object.values(moduleExports)) {
    if (isTask(value) && value.name === name) return value;
  }
  return undefined;
}

function isTask(value: unknown): value is BatchTask<unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { run?: unknown }).run === 'function'
  );
}
