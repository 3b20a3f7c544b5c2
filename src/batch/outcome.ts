// What running a task on one input gives: its result, or a failure that says
// whether the user can act on it (a MemreplayError: bad input, bad usage) or
// it is a bug (anything else). Failures are plain data, so they cross from a
// worker unchanged.

import { traceDisplayName } from '../import/source.js';
import { outOfMemoryOf } from '../memory-guard.js';
import type { BatchTask, TaskContext } from './task.js';

export interface BatchFailure {
  /**
   * One line: a MemreplayError's own message (it names the file), or for any
   * other error "internal error while processing FILE: MESSAGE".
   */
  readonly message: string;
  /** Not a MemreplayError: a bug, or a worker that stopped. */
  readonly internal: boolean;
  /** The stack of an internal error, for MEMREPLAY_DEBUG. */
  readonly stack?: string;
}

export type BatchOutcome<Result> =
  | { readonly input: string; readonly ok: true; readonly result: Result }
  | { readonly input: string; readonly ok: false; readonly error: BatchFailure };

/** Run `task` on `input`; never throws: a thrown error becomes a failed outcome. */
export async function settleTask<O, R>(task: BatchTask<O, R>, input: string, options: O, context: TaskContext): Promise<BatchOutcome<R>> {
  try {
    return { input, ok: true, result: await task.run(input, options, context) };
  } catch (e) {
    return { input, ok: false, error: failureOf(input, e) };
  }
}

export function failureOf(input: string, e: unknown): BatchFailure {
  if (isMemreplayError(e)) return { message: e.message, internal: false };
  // Memory that ran out (a worker past its heap limit, an allocation refused) is no bug either.
  const exhausted = outOfMemoryOf(e, traceDisplayName(input));
  if (exhausted !== null) return { message: exhausted.message, internal: false };
  return internalFailure(input, e instanceof Error ? e.message : String(e), e instanceof Error ? e.stack : undefined);
}

export function internalFailure(input: string, message: string, stack?: string): BatchFailure {
  const failure = { message: `internal error while processing ${traceDisplayName(input)}: ${message}`, internal: true };
  return stack === undefined ? failure : { ...failure, stack };
}

/**
 * A MemreplayError, also one thrown by another copy of the module (a task
 * module loaded from dist/ while the caller runs src/, or a second install):
 * `instanceof` alone would call those bugs.
 */
function isMemreplayError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  for (let p = Object.getPrototypeOf(e); p !== null && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === 'MemreplayError') return true;
  }
  return false;
}
