// Which instant of a trace a command judges (--at, --at-end), declared once.
//
// `at` is the first mark with that label: the state right after its event,
// as a replay stopped there would see it. A trace without such a mark is an
// error that lists the marks it has. Without `at`, the default instant is
// the recorder's exit mark DEFAULT_AT_MARK when the trace has it, else the
// end; `atEnd` asks for the end even when the trace has that mark. The
// replay itself may read on past the instant (totals and high-water marks
// stay whole-trace): only what is judged is taken there.

/**
 * The mark judged when no --at is given: `stats`, written from an atexit
 * callback (the program has finished, the interpreter is still alive).
 * After it comes the interpreter's shutdown, which frees module globals,
 * leaks included: judged at the end, a leaking program looks clean.
 */
export const DEFAULT_AT_MARK = 'stats';

export interface InstantOptions {
  /** --at: judge the first mark with this label (an error when the trace has none). */
  readonly at?: string | undefined;
  /** --at-end: judge the end of the trace even when it has the default mark; not with `at`. */
  readonly atEnd?: boolean | undefined;
}

export const DEFAULT_INSTANT: InstantOptions = {};

/** Which mark to judge at: `at`, else the default mark; null (the end) with atEnd. */
export function judgedMarkLabel(instant: InstantOptions): string | null {
  if (instant.atEnd === true) return null;
  return instant.at ?? DEFAULT_AT_MARK;
}

/** Whether no instant was asked for: the default mark when the trace has it, else the end. */
export function isDefaultInstant(instant: InstantOptions): boolean {
  return instant.at === undefined && instant.atEnd !== true;
}
