// The marks a trace has, for the message of `--at LABEL` when LABEL is not one.

import { describe, expect, it } from 'vitest';
import { MarkCounter } from '../../src/replay/mark-census.js';
import { noMarkLabelled } from '../../src/replay/missing-mark.js';

function census(labels: string[]) {
  const c = new MarkCounter();
  for (const l of labels) c.add(l);
  return c.census();
}

describe('noMarkLabelled', () => {
  it('cuts a long label given with --at', () => {
    const e = noMarkLabelled('t.csv', 'x'.repeat(500), census(['stats']));
    expect(e.message).toBe(`t.csv: no mark labelled "${'x'.repeat(60)}" in the trace; it has 1 mark: "stats"`);
  });
});
