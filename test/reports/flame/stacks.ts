// Live stacks built by hand for the flame output tests: figures chosen so
// that every expected width and line follows from them.

import type { LiveStack, LiveStacks } from '../../../src/analyzers/live-stacks.js';

export function stack(frames: string[], blocks: number, requestedBytes: number, blockBytes = requestedBytes): LiveStack {
  return { frames, blocks, requestedBytes, blockBytes };
}

export function liveOf(stacks: LiveStack[]): LiveStacks {
  const sum = (f: (s: LiveStack) => number): number => stacks.reduce((n, s) => n + f(s), 0);
  return {
    total: { blocks: sum((s) => s.blocks), requestedBytes: sum((s) => s.requestedBytes), blockBytes: sum((s) => s.blockBytes) },
    stacks: [...stacks].sort((a, b) => b.requestedBytes - a.requestedBytes),
  };
}
