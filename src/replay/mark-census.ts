// The marks a trace has, counted by label shape — `iteration 1` ...
// `iteration 500` are one shape, `iteration *` — so a message can say what
// the trace has ("--marks matches none of its 14 marks: "iteration *" x12,
// "stats", "final"") and the shape is a glob the user can pass to --marks.
// Bounded: labels are cut before they are shaped, and at most MAX_SHAPES
// shapes are kept (the recorder's exit marks always are, so a report can say
// whether the trace has a `stats` mark).

import { count } from '../text/units.js';

export const MAX_SHAPES = 8;
/** Label shapes a message names; the marks of the others are counted. */
const SHAPES_SHOWN = 4;
/** Characters of a label looked at; longer labels are cut (and end in `*`). */
export const MAX_SHAPE_CHARS = 60;

export interface MarkCensus {
  /** Marks seen, every label. */
  readonly count: number;
  /** Label shapes in first-seen order, with how many marks had each. */
  readonly labels: readonly { readonly label: string; readonly count: number }[];
  /** True when marks of other shapes were seen than those listed. */
  readonly more: boolean;
}

/** The shape of a label: each run of digits becomes `*` (and so does a cut tail). */
export function labelShape(label: string): string {
  const cut = label.length > MAX_SHAPE_CHARS;
  const shape = (cut ? label.slice(0, MAX_SHAPE_CHARS) : label).replace(/[0-9]+/g, '*');
  return cut && !shape.endsWith('*') ? shape + '*' : shape;
}

export class MarkCounter {
  private count = 0;
  private readonly shapes = new Map<string, number>();
  private more = false;

  constructor(private readonly alwaysKept: readonly string[] = []) {}

  add(label: string): void {
    this.count++;
    const shape = labelShape(label);
    const known = this.shapes.get(shape);
    if (known !== undefined) this.shapes.set(shape, known + 1);
    else if (this.shapes.size < MAX_SHAPES || this.alwaysKept.includes(label)) this.shapes.set(shape, 1);
    else this.more = true;
  }

  has(label: string): boolean {
    return this.shapes.has(labelShape(label));
  }

  census(): MarkCensus {
    return { count: this.count, labels: [...this.shapes].map(([label, count]) => ({ label, count })), more: this.more };
  }
}

/**
 * The marks of a census for a message, bounded: `14 marks: "iteration *" x12,
 * "stats", "final"`, `20 marks: "a", "b", "c", "d" and 16 more`, or `no marks`.
 * The tail counts marks rather than saying "others", so the reader knows how
 * much was left out.
 */
export function marksSummary(m: MarkCensus): string {
  if (m.count === 0) return 'no marks';
  const shown = m.labels.slice(0, SHAPES_SHOWN);
  const rest = m.count - shown.reduce((sum, l) => sum + l.count, 0);
  const names = shown.map((l) => `${JSON.stringify(l.label)}${l.count > 1 ? ` x${l.count}` : ''}`).join(', ');
  return `${count(m.count, 'mark')}: ${names}${rest > 0 ? ` and ${rest} more` : ''}`;
}
