// `--at LABEL` names a mark the trace does not have: the error says which
// marks it does have, counted by label shape (mark-census.ts) so that
// `iteration 1` ... `iteration 500` read as one entry, and bounded: a few
// shapes, then how many marks were left unlisted.

import { MemreplayError } from '../errors.js';
import { MarkCounter, type MarkCensus } from './mark-census.js';
import { count } from '../text/units.js';
import type { ReplayObserver } from './replay-view.js';

/** Label shapes named in the message; the rest are counted. */
const SHAPES_SHOWN = 4;

/** An observer that counts the marks of a replay by label shape. */
export function markCensusObserver(): ReplayObserver & { census(): MarkCensus } {
  const counter = new MarkCounter();
  return { onMark: (_r, label) => counter.add(label), census: () => counter.census() };
}

/** `14 marks: "iteration *" x12, "stats" and 1 more`, or `no marks`. */
export function marksSummary(m: MarkCensus): string {
  if (m.count === 0) return 'no marks';
  const shown = m.labels.slice(0, SHAPES_SHOWN);
  const rest = m.count - shown.reduce((sum, l) => sum + l.count, 0);
  const names = shown.map((l) => `${JSON.stringify(l.label)}${l.count > 1 ? ` x${l.count}` : ''}`).join(', ');
  return `${count(m.count, 'mark')}: ${names}${rest > 0 ? ` and ${rest} more` : ''}`;
}

export function noMarkLabelled(file: string, label: string, marks: MarkCensus): MemreplayError {
  return new MemreplayError(`${file}: no mark labelled ${JSON.stringify(label.slice(0, 60))} in the trace; it has ${marksSummary(marks)}`);
}
