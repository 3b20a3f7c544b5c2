// The flame graph in a form Markdown carries: the call tree of the live
// blocks at the footprint high-water mark (requested bytes), as `memreplay
// tree` prints it, pruned to the frames over 1% of the whole, in a fenced
// code block. Frame text is the trace's: tree-text.ts makes controls
// visible, and the fence is longer than any run of backticks inside, so no
// frame can close it.

import { unflattenCallTree, type CallTree, type CallTreeNode } from '../../analyzers/call-tree.js';
import type { ReportData } from '../../analyzers/report-data.js';
import { weightOf } from '../../analyzers/live-stacks.js';
import { formatCallTreeText } from '../flame/tree-text.js';
import { bytes, thousands } from '../../text/units.js';

/** Frames under this share of the whole are left out of the Markdown tree (their figures still count in their callers'). */
const MIN_FRACTION = 0.01;
/** Lines of tree at most: a flame graph in Markdown is a summary, the HTML report has the picture. */
const MAX_LINES = 60;

/** A fence of backticks longer than any run of them in `text` (at least three). */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The tree without the frames under `fraction` of the root (the report's trees keep frames down to 0.1%). */
export function prunedTree(tree: CallTree, fraction: number): CallTree {
  const floor = weightOf(tree.root, tree.weight) * fraction;
  let shown = 0;
  const keep = (n: CallTreeNode): CallTreeNode => ({
    ...n,
    children: n.children.filter((c) => weightOf(c, tree.weight) >= floor).map((c) => {
      shown++;
      return keep(c);
    }),
  });
  const root = keep(tree.root);
  return { ...tree, root, shownFrames: shown };
}

/** The tree as text, cut to MAX_LINES lines, without the heading (the section's own words say what it is). */
function treeText(full: CallTree): string {
  const tree = prunedTree(full, MIN_FRACTION);
  const lines = formatCallTreeText(tree, { heading: '', minFraction: MIN_FRACTION, width: 110 }).trimEnd().split('\n');
  // The heading (empty here) and its figures line: the section says them.
  const body = lines.slice(lines.indexOf('', 1) + 1);
  return (body.length > MAX_LINES ? [...body.slice(0, MAX_LINES), `… ${thousands(body.length - MAX_LINES)} more lines`] : body).join('\n');
}

export function flameSection(d: ReportData): string[] {
  const out: string[] = [];
  const flame = d.flame;
  if (flame !== undefined && flame !== null && (flame.trees.requested.nodes[0]?.blocks ?? 0) > 0) {
    const tree = unflattenCallTree(flame.trees.requested);
    const text = treeText(tree);
    const fence = fenceFor(text);
    out.push(
      '## Flame graph (as a call tree)',
      '',
      `The live blocks at the footprint high-water mark (${bytes(flame.footprintBytes)}, event ${thousands(flame.event)}) by full call stack: ` +
        `${bytes(weightOf(tree.root, 'requested'))} requested; frames under 1% of the whole are left out. The HTML report draws it as a flame graph.`,
      '',
      fence,
      text,
      fence,
      '',
    );
  }
  const leaks = d.leakFlame;
  if (leaks !== undefined && leaks !== null && (leaks.trees.requested.nodes[0]?.blocks ?? 0) > 0) {
    const text = treeText(unflattenCallTree(leaks.trees.requested));
    const fence = fenceFor(text);
    out.push('### The steady-state leak sites', '', `Their live blocks at event ${thousands(leaks.event)}, by full call stack (requested bytes).`, '', fence, text, fence, '');
  }
  return out;
}
