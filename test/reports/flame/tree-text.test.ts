// The call tree as terminal text: callers above callees, heaviest first,
// figures and shares per line, small "other" lines left out, trace text made
// safe for a terminal.

import { describe, expect, it } from 'vitest';
import { callTreeOf } from '../../../src/analyzers/call-tree.js';
import { formatCallTreeText } from '../../../src/reports/flame/tree-text.js';
import { bytes, percent } from '../../../src/text/units.js';
import { liveOf, stack } from './stacks.js';

describe('the call tree as text', () => {
  const live = liveOf([
    stack(['main (a.py:1)', 'load (a.py:5)'], 3, 6000),
    stack(['main (a.py:1)', 'parse (b.py:7)'], 1, 3000),
    stack(['main (a.py:1)', 'tiny (c.py:9)'], 1, 10),
    stack(['evil\u001b[31m (d.py:1)'], 1, 990),
  ]);
  const total = live.total.requestedBytes;
  const text = (minFraction: number): string[] =>
    formatCallTreeText(callTreeOf(live, 'requested', { maxFrames: 100, minFraction }), { heading: 'Live blocks of t.csv', minFraction }).split('\n');

  it('prints each frame under its caller with its bytes and share, heaviest first', () => {
    const lines = text(0);
    expect(lines[0]).toBe('Live blocks of t.csv');
    const body = lines.slice(lines.indexOf('') + 1, -1);
    expect(body.map((l) => l.slice(l.indexOf('%') + 3))).toEqual([
      'all',
      '├── main (a.py:1)',
      '│   ├── load (a.py:5)',
      '│   ├── parse (b.py:7)',
      '│   └── tiny (c.py:9)',
      '└── evil\\x1b[31m (d.py:1)',
    ]);
    expect(body[2]!.trim().split(/ +/).slice(0, 3)).toEqual([...bytes(6000).split(' '), percent(6000 / total)]);
  });

  it('merges frames under the threshold and leaves out an "other" under it too', () => {
    const lines = text(0.005);
    const body = lines.slice(lines.indexOf('') + 1);
    expect(body.some((l) => l.includes('tiny'))).toBe(false);
    expect(body.some((l) => l.includes('other'))).toBe(false);
    expect(lines[1]).toMatch(/^requested bytes: .* in 6 blocks; 4 of 5 frames shown;$/);
    const withOther = formatCallTreeText(callTreeOf(live, 'requested', { maxFrames: 2, minFraction: 0 }), { heading: 'h', minFraction: 0 });
    expect(withOther).toMatch(/└── other \(2 frames merged\)/);
  });
});
