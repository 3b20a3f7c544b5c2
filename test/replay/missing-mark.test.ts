// The marks a trace has, for the message of `--at LABEL` when LABEL is not one.

import { describe, expect, it } from 'vitest';
import { MarkCounter } from '../../src/replay/mark-census.js';
import { marksSummary, noMarkLabelled } from '../../src/replay/missing-mark.js';

function census(labels: string[]) {
  const c = new MarkCounter();
  for (const l of labels) c.add(l);
  return c.census();
}

describe('marksSummary', () => {
  it('says so when there are none', () => {
    expect(marksSummary(census([]))).toBe('no marks');
  });

  it('names each label shape with its count', () => {
    const labels = [...Array.from({ length: 12 }, (_, i) => `iteration ${i + 1}`), 'stats', 'final'];
    expect(marksSummary(census(labels))).toBe('14 marks: "iteration *" x12, "stats", "final"');
  });

  it('bounds the list: a few shapes, then the number of marks not named', () => {
    const labels = Array.from({ length: 20 }, (_, i) => `label-${String.fromCharCode(97 + i)}`);
    expect(marksSummary(census(labels))).toBe('20 marks: "label-a", "label-b", "label-c", "label-d" and 16 more');
  });

  it('cuts a long label given with --at', () => {
    const e = noMarkLabelled('t.csv', 'x'.repeat(500), census(['stats']));
    expect(e.message).toBe(`t.csv: no mark labelled "${'x'.repeat(60)}" in the trace; it has 1 mark: "stats"`);
  });
});
