// What every command says about a replay that did not follow the trace
// exactly (src/replay/exactness.ts): one line, the same words everywhere.

import type { Exactness } from '../analyzers/analyze.js';

/** "inexact replay: 1 of 2 block addresses differ from the trace", or null when the replay is exact or unverified. */
export function inexactText(e: Exactness): string | null {
  return e.state === 'inexact' ? `inexact replay: ${e.reason}` : null;
}

/** What a figure of an inexact replay means (after inexactText in the commands' output). */
export const INEXACT_FIGURES = "the model's figures (arenas, footprint, fragmentation, leaks) may not be the program's";

/** For check: how to let such a trace pass. */
export const ALLOW_INEXACT_ADVICE = "pass --allow-inexact to judge it on the model's figures";
