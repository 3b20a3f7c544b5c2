// A trace's marks, summed up by label shape for messages (--at, --marks).

import { describe, expect, it } from 'vitest';
import { MarkCounter, marksSummary } from '../../src/replay/mark-census.js';

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


  it('counts the marks of shapes past the census bound among those not named', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `step-${String.fromCharCode(97 + i)}`);
    const c = census(labels);
    expect(c.more).toBe(true);
    expect(marksSummary(c)).toBe('30 marks: "step-a", "step-b", "step-c", "step-d" and 26 more');
  });
});
