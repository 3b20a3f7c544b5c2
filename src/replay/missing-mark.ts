// `--at LABEL` names a mark the trace does not have: the error says which
// marks it does have, counted by label shape (mark-census.ts) so that
// `iteration 1` ... `iteration 500` read as one entry, and bounded: a few
// shapes, then how many marks were left unlisted.

import { MemreplayError } from '../errors.js';
import { MarkCounter, marksSummary, type MarkCensus } from './mark-census.js';
import type { ReplayObserver } from './replay-view.js';

/** An observer that counts the marks of a replay by label shape. */
export function markCensusObserver(): ReplayObserver & { census(): MarkCensus } {
  const counter = new MarkCounter();
  return { onMark: (_r, label) => counter.add(label), census: () => counter.census() };
}

export function noMarkLabelled(file: string, label: string, marks: MarkCensus): MemreplayError {
  return new MemreplayError(`${file}: no mark labelled ${JSON.stringify(label.slice(0, 60))} in the trace; it has ${marksSummary(marks)}`);
}
