// A call tree (analyzers/call-tree.ts) as an indented tree for the terminal,
// as memray's `tree` reporter prints one: each frame on its line under its
// caller, heaviest first, with its figure and its share of the whole; frames
// under the threshold are merged into one "other" line per caller. Frame text
// is untrusted: controls become visible escapes and long frames are cut to
// the line's width. An "other" line under the threshold is left out, as the
// frames it merged were: its figures still count in its caller's.

import type { CallTree, CallTreeNode } from '../../analyzers/call-tree.js';
import { weightOf } from '../../analyzers/live-stacks.js';
import { bytes, count, percent, terminalSafe, thousands } from '../../text/units.js';

export interface TreeTextOptions {
  /** The heading line (the trace and the instant). */
  readonly heading: string;
  /** Printed under the heading as `warning: …` lines: the trace is incomplete, the replay inexact (stacks-heading.ts). */
  readonly warnings?: readonly string[];
  /** The threshold the tree was pruned at, as a share of the whole (said under the heading). */
  readonly minFraction: number;
  /** Line width; default 100. */
  readonly width?: number;
}

const MIN_WIDTH = 60;

export function formatCallTreeText(tree: CallTree, options: TreeTextOptions): string {
  const width = Math.max(MIN_WIDTH, options.width ?? 100);
  const total = weightOf(tree.root, tree.weight);
  const floor = total * options.minFraction;
  const figure = (n: number): string => (tree.weight === 'blocks' ? thousands(n) : bytes(n));
  const unit = tree.weight === 'blocks' ? 'blocks' : tree.weight === 'requested' ? 'requested bytes' : 'bytes in blocks';
  const figureWidth = Math.max(...[tree.root, ...tree.root.children].map((n) => figure(weightOf(n, tree.weight)).length));
  const lines = [
    // The heading may run past the width (a long trace path): cut, it would lose the instant.
    terminalSafe(options.heading, 400),
    ...(options.warnings ?? []).map((w) => `warning: ${terminalSafe(w, 400)}`),
    `${unit}: ${figure(total)}${tree.weight === 'blocks' ? '' : ` in ${count(tree.root.blocks, 'block')}`}; ` +
      (tree.shownFrames < tree.totalFrames
        ? `${thousands(tree.shownFrames)} of ${count(tree.totalFrames, 'frame')} shown;\nthe rest is merged into "other" lines, ` +
          `left out under ${percent(options.minFraction)} of the whole (their figures still count in their callers')`
        : `all ${count(tree.totalFrames, 'frame')} shown`),
    '',
  ];
  const line = (node: CallTreeNode, prefix: string, branch: string): void => {
    const w = weightOf(node, tree.weight);
    const head = `${figure(w).padStart(figureWidth)} ${percent(total === 0 ? 0 : w / total).padStart(6)}  ${prefix}${branch}`;
    const name = node === tree.root ? 'all' : node.merged > 0 ? `other (${count(node.merged, 'frame')} merged)` : node.frame;
    lines.push(head + terminalSafe(name, Math.max(20, width - head.length)));
  };
  const walk = (node: CallTreeNode, prefix: string): void => {
    // An "other" under the threshold is left out, as the frames it merged were.
    const shown = node.children.filter((c) => c.merged === 0 || weightOf(c, tree.weight) >= floor);
    shown.forEach((c, i) => {
      const last = i === shown.length - 1;
      line(c, prefix, last ? '└── ' : '├── ');
      walk(c, prefix + (last ? '    ' : '│   '));
    });
  };
  line(tree.root, '', '');
  walk(tree.root, '');
  return lines.join('\n') + '\n';
}
