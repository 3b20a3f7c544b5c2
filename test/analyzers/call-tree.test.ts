// The call tree of live stacks (call-tree.ts) on the pinning trace
// (pinning-trace.ts): shared callers, exact figures, pruning into "other",
// and the flat form the report's JSON carries.

import { describe, expect, it } from 'vitest';
import { liveStacksOf, weightOf } from '../../src/analyzers/live-stacks.js';
import { callTreeOf, flattenCallTree, OTHER_FRAME, unflattenCallTree, type CallTreeNode } from '../../src/analyzers/call-tree.js';
import { replayText } from './trace-text.js';
import { LEAK_EVENT, pinningTrace } from './pinning-trace.js';

const LEAK_SIZE = 10;

describe('the call tree of live stacks', () => {
  const { replayer, ctx } = replayText(pinningTrace(), '3.8.18', { stopAtEvent: LEAK_EVENT });
  const live = liveStacksOf(replayer, ctx.stacks);

  it('shares the common callers and keeps every figure exact', () => {
    const tree = callTreeOf(live, 'block-bytes', { maxFrames: 100, minFraction: 0 });
    expect(tree.root.blockBytes).toBe(live.total.blockBytes);
    expect(tree.root.children.map((c) => c.frame)).toEqual(['main.py:1', 'main.py:2']);
    const [app, leak] = tree.root.children as [CallTreeNode, CallTreeNode];
    expect(app.children.map((c) => [c.frame, c.blocks])).toEqual([['app.py:10', LEAK_EVENT - 1]]);
    expect(leak.children.map((c) => [c.frame, c.requestedBytes])).toEqual([['leak.py:5', LEAK_SIZE]]);
    expect(tree.totalFrames).toBe(4);
    expect(tree.shownFrames).toBe(4);
  });

  it('merges frames lighter than the threshold into one "other" that says how many and how much', () => {
    const share = LEAK_SIZE / live.total.requestedBytes;
    const tree = callTreeOf(live, 'requested', { maxFrames: 100, minFraction: share * 2 });
    const other = tree.root.children.at(-1)!;
    expect(other).toMatchObject({ frame: OTHER_FRAME, merged: 2, blocks: 1, requestedBytes: LEAK_SIZE });
    expect(tree.shownFrames).toBe(2);
    expect(tree.root.children.reduce((n, c) => n + weightOf(c, 'requested'), 0)).toBe(tree.root.requestedBytes);
  });

  it('keeps at most maxFrames frames, heaviest first, callers before callees', () => {
    const tree = callTreeOf(live, 'blocks', { maxFrames: 1, minFraction: 0 });
    expect(tree.shownFrames).toBe(1);
    expect(tree.root.children.map((c) => [c.frame, c.merged, c.children.length])).toEqual([
      ['main.py:1', 0, 1],
      [OTHER_FRAME, 2, 0],
    ]);
    expect(tree.root.children[0]!.children[0]).toMatchObject({ frame: OTHER_FRAME, merged: 1, blocks: LEAK_EVENT - 1 });
  });

  it('flattens to depth-first nodes for JSON and back to the same tree', () => {
    const tree = callTreeOf(live, 'blocks', { maxFrames: 1, minFraction: 0 });
    const flat = flattenCallTree(tree);
    expect(flat.nodes.map((n) => [n.depth, n.frame])).toEqual([
      [0, ''],
      [1, 'main.py:1'],
      [2, OTHER_FRAME],
      [1, OTHER_FRAME],
    ]);
    expect(unflattenCallTree(JSON.parse(JSON.stringify(flat)))).toEqual(tree);
  });
});
