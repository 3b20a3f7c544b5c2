// What every command says about a trace that does not hold the whole run
// (src/replay/completeness.ts): one line, the same words everywhere.

import type { Completeness } from '../analyzers/analyze.js';

/** "incomplete trace: the trace does not end with its "end" mark: ...", or null when it is complete or claims nothing. */
export function incompleteText(c: Completeness): string | null {
  return c.state === 'incomplete' ? `incomplete trace: ${c.reason}` : null;
}

/** What a figure of an incomplete trace means (after incompleteText in the commands' output). */
export const INCOMPLETE_FIGURES = 'its figures are of the run up to where the trace stops';

/** For check: how to let such a trace pass. */
export const ALLOW_INCOMPLETE_ADVICE = 'pass --allow-incomplete to judge it on its figures';
