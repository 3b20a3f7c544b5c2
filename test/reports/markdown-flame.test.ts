// The Markdown report's flame section: the call tree in a fenced block that
// no frame text can close, pruned at 1% of the whole.

import { describe, expect, it } from 'vitest';
import { callTreeOf, flattenCallTree } from '../../src/analyzers/call-tree.js';
import { STACK_WEIGHTS, type StackWeight } from '../../src/analyzers/live-stacks.js';
import type { FlatCallTree } from '../../src/analyzers/call-tree.js';
import { fenceFor, flameSection, prunedTree } from '../../src/reports/markdown/flame-section.js';
import { sampleReportData } from './sample-report-data.js';
import { liveOf, stack } from './flame/stacks.js';

describe('the Markdown flame section', () => {
  it('fences the tree with more backticks than any frame holds', () => {
    expect(fenceFor('no ticks')).toBe('```');
    expect(fenceFor('a ```` b ` c')).toBe('`````');
    const live = liveOf([stack(['main (app.py:1)', 'evil ```` frame (x.py:2)'], 1, 900), stack(['main (app.py:1)', 'tiny (y.py:3)'], 1, 5)]);
    const trees = {} as Record<StackWeight, FlatCallTree>;
    for (const w of STACK_WEIGHTS) trees[w] = flattenCallTree(callTreeOf(live, w, { maxFrames: 300, minFraction: 0.001 }));
    const data = { ...sampleReportData(), flame: { event: 5, ts: null, line: 6, mark: null, footprintBytes: 4096, trees } };
    const md = flameSection(data).join('\n');
    const fences = md.split('\n').filter((l) => /^`{3,}$/.test(l));
    expect(fences).toEqual(['`````', '`````']);
    expect(md).toContain('evil ```` frame (x.py:2)');
    // 5 of 905 bytes is under 1%: left out.
    expect(md).not.toContain('tiny (y.py:3)');
  });

  it('prunes frames under the share, keeping the figures of those it keeps', () => {
    const live = liveOf([stack(['a (m.py:1)', 'b (m.py:2)'], 1, 980), stack(['a (m.py:1)', 'c (m.py:3)'], 1, 20)]);
    const tree = callTreeOf(live, 'requested', { maxFrames: 100, minFraction: 0 });
    const pruned = prunedTree(tree, 0.05);
    expect(pruned.root.children[0]!.children.map((c) => [c.frame, c.requestedBytes])).toEqual([['b (m.py:2)', 980]]);
    expect(pruned.root.children[0]!.requestedBytes).toBe(1000);
    expect(pruned.shownFrames).toBe(2);
  });
});
