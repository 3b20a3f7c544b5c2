// The one place where errors become messages and exit codes.
// Exit codes: 0 success, 1 a check failed (e.g. `stats --verify` found a
// mismatch), 2 bad usage or bad input, 3 an internal error (a bug: the
// message asks for a report; MEMREPLAY_DEBUG=1 shows the stack).

import { internalErrorText, MemreplayError } from '../src/errors.js';
import { visibleControls } from '../src/text/visible-controls.js';
import { outOfMemoryOf } from '../src/memory-guard.js';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

export function fail(message: string, code = EXIT_USAGE): never {
  // A message may quote a file name or trace text: no raw ESC or BEL reaches the terminal.
  process.stderr.write(`memreplay: ${visibleControls(message, true)}\n`);
  process.exit(code);
}

/** Run a command body; map its outcome to an exit code. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = (await body()) ?? EXIT_OK;
    process.exitCode = code;
  } catch (e) {
    if (e instanceof MemreplayError) fail(e.message, EXIT_USAGE);
    // Memory ran out where no importer was there to say what it held: still no bug.
    const exhausted = outOfMemoryOf(e);
    if (exhausted !== null) fail(exhausted.message, EXIT_USAGE);
    const err = e as Error;
    if (process.env['MEMREPLAY_DEBUG']) process.stderr.write(`${err?.stack ?? String(e)}\n`);
    fail(internalErrorText(`internal error: ${err?.message ?? String(e)}`), EXIT_INTERNAL);
  }
}

/** Write to stdout (a closed pipe is no error: see below). */
export function writeStdout(text: string): void {
  process.stdout.write(text);
}

// A reader that went away (`memreplay ... 2>&1 | head -1`) is no error of
// ours: what is written to it after that is dropped, and the command runs to
// its end, so its exit code (2 for a trace that failed) is the one the shell
// sees - not 0 or a crash from whichever stream hit the closed pipe first.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    throw e;
  });
}
