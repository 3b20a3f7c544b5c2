// Live blocks by full stack (live-stacks.ts): on the pinning trace
// (pinning-trace.ts), where every block of a call site has the same size,
// each stack's figures follow from how many of its blocks are live.

import { describe, expect, it } from 'vitest';
import { liveStacksOf } from '../../src/analyzers/live-stacks.js';
import { callTreeOf, NO_STACK_FRAME } from '../../src/analyzers/call-tree.js';
import { alloc, replayText } from './trace-text.js';
import { APP, LEAK, LEAK_EVENT, pinningTrace } from './pinning-trace.js';

const APP_SIZE = 512;
const LEAK_SIZE = 10;
/** 3.8 rounds requests up to a multiple of 16 (pymalloc-model.md). */
const roundUp16 = (n: number): number => Math.ceil(n / 16) * 16;

describe('live blocks by full stack', () => {
  it('sums blocks, requested bytes and block bytes per stack at the instant the replay stopped', () => {
    const { replayer, ctx } = replayText(pinningTrace(), '3.8.18', { stopAtEvent: LEAK_EVENT });
    const live = liveStacksOf(replayer, ctx.stacks);
    const appBlocks = LEAK_EVENT - 1;
    expect(live.stacks.map((s) => [s.frames.join(';'), s.blocks, s.requestedBytes, s.blockBytes])).toEqual([
      [APP, appBlocks, appBlocks * APP_SIZE, appBlocks * roundUp16(APP_SIZE)],
      [LEAK, 1, LEAK_SIZE, roundUp16(LEAK_SIZE)],
    ]);
    expect(live.total).toEqual({
      blocks: appBlocks + 1,
      requestedBytes: appBlocks * APP_SIZE + LEAK_SIZE,
      blockBytes: appBlocks * roundUp16(APP_SIZE) + roundUp16(LEAK_SIZE),
    });
    expect(live.total.requestedBytes).toBe(replayer.liveRequestedBytes);
    expect(live.total.blocks).toBe(replayer.liveBlockCount);
  });

  it('counts blocks allocated without a stack under an empty stack', () => {
    const { replayer, ctx } = replayText([alloc(0x1000, 24), alloc(0x2000, 40, 'a.py:1')], '3.11.7');
    const live = liveStacksOf(replayer, ctx.stacks);
    expect(live.stacks.map((s) => [s.frames, s.requestedBytes])).toEqual([
      [['a.py:1'], 40],
      [[], 24],
    ]);
    expect(callTreeOf(live, 'requested').root.children.map((c) => c.frame)).toEqual(['a.py:1', NO_STACK_FRAME]);
  });
});
