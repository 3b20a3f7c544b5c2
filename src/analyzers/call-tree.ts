// Live stacks (live-stacks.ts) folded into a call tree, oldest frame at the
// root, and pruned to a bounded number of frames so that a picture or a
// terminal listing of a big trace stays small: a frame is kept when it
// weighs at least `minFraction` of the whole and is among the `maxFrames`
// heaviest; the children of a kept frame that are not kept are merged into
// one "other" child that says how many frames it holds and what they weigh.
// Every figure stays exact: a frame's figures are the sums over the stacks
// that pass through it, and a parent's are at least its children's (the rest
// is its own: blocks allocated with the stack ending there).

import { weightOf, type LiveStacks, type StackFigures, type StackWeight } from './live-stacks.js';

export interface CallTreeNode extends StackFigures {
  /** The frame's text as the trace wrote it; '' for the root. */
  readonly frame: string;
  /** Frames merged into this one: 0 for a frame of the trace, ≥ 1 for "other". */
  readonly merged: number;
  readonly children: readonly CallTreeNode[];
}

export interface CallTree {
  readonly weight: StackWeight;
  /** The root: all the live blocks. */
  readonly root: CallTreeNode;
  /** Frames of the full tree (the root aside), and how many are shown. */
  readonly totalFrames: number;
  readonly shownFrames: number;
}

export interface CallTreeLimits {
  /** At most this many frames of the trace are kept (each kept frame may add one "other"). */
  readonly maxFrames: number;
  /** Frames lighter than this share of the root are merged into "other". */
  readonly minFraction: number;
}

export const DEFAULT_CALL_TREE_LIMITS: CallTreeLimits = { maxFrames: 1000, minFraction: 0.001 };

/** The label of a merged frame. */
export const OTHER_FRAME = 'other';

/** The full tree, flat: node i's frame, parent, depth and figures. */
class FlatTree {
  readonly frame: string[] = [''];
  readonly parent: number[] = [-1];
  readonly depth: number[] = [0];
  readonly blocks: number[] = [0];
  readonly requested: number[] = [0];
  readonly occupied: number[] = [0];
  /** Frame text -> a small id, so that a child is found by a number, not by hashing a long key. */
  private readonly frameIds = new Map<string, number>();
  /** parent * FRAME_ID_SPAN + frame id -> child node. */
  private readonly childIndex = new Map<number, number>();

  child(parent: number, frame: string): number {
    let frameId = this.frameIds.get(frame);
    if (frameId === undefined) {
      frameId = this.frameIds.size;
      this.frameIds.set(frame, frameId);
    }
    const key = parent * FRAME_ID_SPAN + frameId;
    let id = this.childIndex.get(key);
    if (id === undefined) {
      id = this.frame.length;
      this.frame.push(frame);
      this.parent.push(parent);
      this.depth.push(this.depth[parent]! + 1);
      this.blocks.push(0);
      this.requested.push(0);
      this.occupied.push(0);
      this.childIndex.set(key, id);
    }
    return id;
  }

  add(node: number, f: StackFigures): void {
    this.blocks[node]! += f.blocks;
    this.requested[node]! += f.requestedBytes;
    this.occupied[node]! += f.blockBytes;
  }

  figures(node: number): StackFigures {
    return { blocks: this.blocks[node]!, requestedBytes: this.requested[node]!, blockBytes: this.occupied[node]! };
  }

  /** Every node's figure of one weight. */
  weights(weight: StackWeight): readonly number[] {
    return weight === 'requested' ? this.requested : weight === 'blocks' ? this.blocks : this.occupied;
  }
}

/**
 * Distinct frames are at most the stack table's 4 M (MAX_DISTINCT_FRAMES),
 * so parent * 2^23 + frame stays an exact double for up to 2^30 nodes, far
 * more than the table's stacks can make.
 */
const FRAME_ID_SPAN = 2 ** 23;

/** The "[no stack]" frame holds blocks a trace recorded without frames. */
export const NO_STACK_FRAME = '[no stack]';

export function callTreeOf(live: LiveStacks, weight: StackWeight, limits: CallTreeLimits = DEFAULT_CALL_TREE_LIMITS): CallTree {
  const tree = new FlatTree();
  for (const s of live.stacks) {
    tree.add(0, s);
    let node = 0;
    const frames = s.frames.length === 0 ? [NO_STACK_FRAME] : s.frames;
    for (const frame of frames) {
      node = tree.child(node, frame);
      tree.add(node, s);
    }
  }
  const count = tree.frame.length;
  const weights = tree.weights(weight);
  const w = (i: number): number => weights[i]!;
  const floor = w(0) * limits.minFraction;
  // Heaviest first; a parent weighs at least its child, and on a tie the
  // shallower comes first, so a frame is only ever kept after its parent.
  const order: number[] = [];
  for (let i = 1; i < count; i++) if (w(i) >= floor && w(i) > 0) order.push(i);
  order.sort((a, b) => w(b) - w(a) || tree.depth[a]! - tree.depth[b]! || a - b);
  const kept = new Uint8Array(count);
  kept[0] = 1;
  let shown = 0;
  for (const i of order) {
    if (shown >= limits.maxFrames) break;
    if (kept[tree.parent[i]!] === 1) {
      kept[i] = 1;
      shown++;
    }
  }
  const children: number[][] = Array.from({ length: count }, () => []);
  for (let i = 1; i < count; i++) children[tree.parent[i]!]!.push(i);

  const build = (i: number): CallTreeNode => {
    const keptChildren: CallTreeNode[] = [];
    let merged = 0;
    let blocks = 0;
    let requestedBytes = 0;
    let blockBytes = 0;
    for (const c of children[i]!) {
      if (kept[c] === 1) {
        keptChildren.push(build(c));
        continue;
      }
      merged += subtreeSize(children, c);
      blocks += tree.blocks[c]!;
      requestedBytes += tree.requested[c]!;
      blockBytes += tree.occupied[c]!;
    }
    // Heaviest first, then by frame text: the same order every run.
    keptChildren.sort((a, b) => weightOf(b, weight) - weightOf(a, weight) || (a.frame < b.frame ? -1 : a.frame > b.frame ? 1 : 0));
    if (merged > 0) keptChildren.push({ frame: OTHER_FRAME, merged, blocks, requestedBytes, blockBytes, children: [] });
    return { frame: tree.frame[i]!, merged: 0, ...tree.figures(i), children: keptChildren };
  };
  return { weight, root: build(0), totalFrames: count - 1, shownFrames: shown };
}

/** Frames in the subtree under (and including) node i. */
function subtreeSize(children: readonly number[][], i: number): number {
  let n = 0;
  const todo = [i];
  while (todo.length > 0) {
    const j = todo.pop()!;
    n++;
    for (const c of children[j]!) todo.push(c);
  }
  return n;
}

/** A call tree as a flat list, for JSON documents: nested trees of deep stacks pretty-print to many times their size. */
export interface FlatCallTree {
  readonly weight: StackWeight;
  readonly totalFrames: number;
  readonly shownFrames: number;
  /** The nodes in depth-first order, the root first; a node's children follow it, one level deeper. */
  readonly nodes: readonly FlatCallTreeNode[];
}

export interface FlatCallTreeNode extends StackFigures {
  /** 0 for the root. */
  readonly depth: number;
  readonly frame: string;
  readonly merged: number;
}

export function flattenCallTree(tree: CallTree): FlatCallTree {
  const nodes: FlatCallTreeNode[] = [];
  const visit = (n: CallTreeNode, depth: number): void => {
    nodes.push({ depth, frame: n.frame, merged: n.merged, blocks: n.blocks, requestedBytes: n.requestedBytes, blockBytes: n.blockBytes });
    for (const c of n.children) visit(c, depth + 1);
  };
  visit(tree.root, 0);
  return { weight: tree.weight, totalFrames: tree.totalFrames, shownFrames: tree.shownFrames, nodes };
}

/** The tree a flat list was made of (flattenCallTree), children in the same order. */
export function unflattenCallTree(flat: FlatCallTree): CallTree {
  type Building = { -readonly [K in keyof CallTreeNode]: CallTreeNode[K] } & { children: CallTreeNode[] };
  const path: Building[] = [];
  let root: Building | undefined;
  for (const n of flat.nodes) {
    const node: Building = { frame: n.frame, merged: n.merged, blocks: n.blocks, requestedBytes: n.requestedBytes, blockBytes: n.blockBytes, children: [] };
    path.length = n.depth;
    if (n.depth === 0) root = node;
    else path[n.depth - 1]!.children.push(node);
    path.push(node);
  }
  if (root === undefined) throw new Error('a flat call tree without its root');
  return { weight: flat.weight, root, totalFrames: flat.totalFrames, shownFrames: flat.shownFrames };
}
