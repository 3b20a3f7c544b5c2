// Live stacks as folded stacks, the text flamegraph.pl and inferno read:
// one line per stack, its frames oldest first joined by `;`, a space, and
// its weight as a whole number. The format has no escape: a `;` inside a
// frame would split it, so it becomes `,`; control characters (a newline
// would end the line) are written as `\xNN`. Stacks of weight 0 (blocks of
// 0 requested bytes) are left out, as those tools ignore them. Every stack is
// written, none merged: the tools do their own pruning.

import { NO_STACK_FRAME } from '../../analyzers/call-tree.js';
import { weightOf, type LiveStacks, type StackWeight } from '../../analyzers/live-stacks.js';
import { visibleControls } from '../../text/visible-controls.js';

export function foldedFrame(frame: string): string {
  return visibleControls(frame).replace(/;/g, ',');
}

export function foldedStacks(live: LiveStacks, weight: StackWeight): string {
  const lines: string[] = [];
  for (const s of live.stacks) {
    const w = weightOf(s, weight);
    if (w === 0) continue;
    const frames = s.frames.length === 0 ? [NO_STACK_FRAME] : s.frames;
    lines.push(`${frames.map(foldedFrame).join(';')} ${w}`);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
