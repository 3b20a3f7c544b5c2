import { describe, expect, it } from 'vitest';
import { describeDifference } from './text-difference.js';

describe('describeDifference', () => {
  it('names the first differing line and shows the changed lines with context', () => {
    const golden = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const output = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h'].join('\n');
    expect(describeDifference(golden, output)).toBe(
      ['first difference at line 5: 1 golden line(s) became 1', '  b', '  c', '  d', '- e', '+ E', '  f', '  g', '  h'].join('\n'),
    );
  });

  it('tells lines added at the end', () => {
    expect(describeDifference('a\nb\n', 'a\nb\nc\n')).toBe(['first difference at line 3: 0 golden line(s) became 1', '  a', '  b', '+ c', '  '].join('\n'));
  });

  it('cuts a long changed part short', () => {
    const many = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const shown = describeDifference('', many).split('\n');
    expect(shown).toContain('+ ... 70 more lines');
    expect(shown.length).toBeLessThan(40);
  });
});
