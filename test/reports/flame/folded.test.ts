// Folded stacks: one line per stack, frames oldest first, the weight asked for.

import { describe, expect, it } from 'vitest';
import { NO_STACK_FRAME } from '../../../src/analyzers/call-tree.js';
import { foldedStacks } from '../../../src/reports/flame/folded.js';
import { liveOf, stack } from './stacks.js';

describe('folded stacks', () => {
  const live = liveOf([stack(['main (a.py:1)', 'f (b.py:2)'], 2, 48, 64), stack([], 1, 0, 16)]);

  it('writes each stack with the chosen weight, and blocks without a stack under their own frame', () => {
    expect(foldedStacks(live, 'requested')).toBe('main (a.py:1);f (b.py:2) 48\n');
    expect(foldedStacks(live, 'block-bytes')).toBe(`main (a.py:1);f (b.py:2) 64\n${NO_STACK_FRAME} 16\n`);
    expect(foldedStacks(live, 'blocks')).toBe(`main (a.py:1);f (b.py:2) 2\n${NO_STACK_FRAME} 1\n`);
  });

  it('keeps a frame one frame and a stack one line: `;` becomes `,`, controls are escaped', () => {
    const folded = foldedStacks(liveOf([stack(['a;b (x.py:1)', 'line\nbreak (y.py:2)'], 1, 8)]), 'requested');
    expect(folded).toBe('a,b (x.py:1);line\\x0abreak (y.py:2) 8\n');
  });

  it('is empty when nothing is live', () => {
    expect(foldedStacks(liveOf([]), 'requested')).toBe('');
  });
});
