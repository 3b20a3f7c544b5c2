// Typed errors of the library. Only cli/ turns them into messages and exit
// codes; everything in src/ throws these and never prints.

/** Any failure the user can act on (bad input, bad usage). CLI exit code 2. */
export class MemreplayError extends Error {
  override name = 'MemreplayError';
}

/** A record of a trace that does not follow the format: names file and line. */
export class TraceFormatError extends MemreplayError {
  override name = 'TraceFormatError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
  }
}

/**
 * A trace that needs more than one of memreplay's documented limits (README,
 * "Limits and memory"): names file and line where the limit was met.
 */
export class TraceLimitError extends MemreplayError {
  override name = 'TraceLimitError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
  }
}

/** Wrong command-line or API usage. */
export class UsageError extends MemreplayError {
  override name = 'UsageError';
}

/**
 * The message of an internal error - a bug, not the user's input - asks for a
 * report: every path that prints one (a command, a trace of a batch) says it
 * through here.
 */
export function internalErrorText(message: string): string {
  return `${message} (this is a bug in memreplay; please report it with MEMREPLAY_DEBUG=1 output)`;
}
