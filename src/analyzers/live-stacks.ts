// The live blocks at one instant by full call stack: one walk of the live
// set adds each block to its stack's figures (blocks, requested bytes, bytes
// the block occupies). State is three numbers per interned stack, in typed
// arrays indexed by the stack table's ids, so it is bounded by the table
// (stack-table.ts caps it), never by the number of blocks. Flame graphs,
// folded stacks, speedscope files and the call tree are all drawn from it.

import type { StackTable } from '../events/stack-table.js';
import { blockSize } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC, type PymallocView } from '../models/pymalloc/pymalloc-view.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import type { Completeness } from '../replay/completeness.js';
import type { Exactness } from '../replay/exactness.js';
import type { ReplayView } from '../replay/replay-view.js';
import type { TraceInstant } from './report-data.js';

/** What a flame graph's widths measure. */
export const STACK_WEIGHTS = ['requested', 'block-bytes', 'blocks'] as const;
export type StackWeight = (typeof STACK_WEIGHTS)[number];

export const STACK_WEIGHT_DESCRIPTIONS: Record<StackWeight, string> = {
  requested: 'bytes the program asked for (live requested bytes)',
  'block-bytes': 'bytes the blocks occupy: the pymalloc size class a request was rounded to, or what the C library was asked',
  blocks: 'live blocks',
};

export interface StackFigures {
  readonly blocks: number;
  readonly requestedBytes: number;
  /** pymalloc block sizes (size-class rounded), or what the C library was asked. */
  readonly blockBytes: number;
}

export interface LiveStack extends StackFigures {
  /** Frames oldest first; empty for blocks allocated without a stack. */
  readonly frames: readonly string[];
}

export interface LiveStacks {
  readonly total: StackFigures;
  /** Every stack with a live block, largest requested bytes first (ties: the table's order). */
  readonly stacks: readonly LiveStack[];
}

/** The figure `weight` picks out of `f`. */
export function weightOf(f: StackFigures, weight: StackWeight): number {
  return weight === 'requested' ? f.requestedBytes : weight === 'blocks' ? f.blocks : f.blockBytes;
}

/** Which live blocks to count: by stack, domain, pool (NOT_PYMALLOC: the C library) and the pymalloc state the pool belongs to. */
export type LiveBlockFilter = (stack: number, domain: number, pool: number, model: PymallocView) => boolean;

/** One walk of the live blocks, every interpreter's and the C library's (those `keep` accepts, when given), summed by stack. */
export function liveStacksOf(r: ReplayView, table: StackTable, keep?: LiveBlockFilter): LiveStacks {
  // Slot 0 holds blocks without a stack (stack id -1); slot s + 1 stack s.
  const slots = table.stackCount + 1;
  const blocks = new Float64Array(slots);
  const requested = new Float64Array(slots);
  const occupied = new Float64Array(slots);
  r.forEachLiveBlockBrief((pool, size, stack, domain, model) => {
    if (keep !== undefined && !keep(stack, domain, pool, model)) return;
    const i = stack + 1;
    blocks[i]!++;
    requested[i]! += size;
    occupied[i]! += pool === NOT_PYMALLOC ? SystemMallocAccount.bytesFor(size) : blockSize(r.geometry, model.poolSizeClass(pool));
  });
  const stacks: LiveStack[] = [];
  let totalBlocks = 0;
  let totalRequested = 0;
  let totalOccupied = 0;
  for (let i = 0; i < slots; i++) {
    if (blocks[i] === 0) continue;
    totalBlocks += blocks[i]!;
    totalRequested += requested[i]!;
    totalOccupied += occupied[i]!;
    stacks.push({ frames: i === 0 ? [] : table.frames(i - 1), blocks: blocks[i]!, requestedBytes: requested[i]!, blockBytes: occupied[i]! });
  }
  // A stable sort: equal stacks keep the table's order, so the output is the same every run.
  stacks.sort((a, b) => b.requestedBytes - a.requestedBytes);
  return { total: { blocks: totalBlocks, requestedBytes: totalRequested, blockBytes: totalOccupied }, stacks };
}

/** Which instant to look at. */
export type StacksInstant =
  | { readonly kind: 'footprint-peak' }
  /** The instant `leaks` judges: the `stats` mark when the trace has one, else the end (instant.ts). */
  | { readonly kind: 'judged' }
  | { readonly kind: 'mark'; readonly label: string }
  | { readonly kind: 'event'; readonly event: number }
  | { readonly kind: 'end' };

export interface LiveStacksAt {
  readonly file: string;
  readonly python: string;
  /** How the instant was chosen (`judged` resolves to the mark or the end), and where it is. */
  readonly instant: Exclude<StacksInstant['kind'], 'judged'>;
  readonly at: TraceInstant;
  /** The footprint (arenas x arena size + C library bytes) at that instant's peak; with `footprint-peak` only. */
  readonly footprintBytes: number | null;
  /** Only the blocks of steady-state leak sites: how many such sites there were (null: every live block). */
  readonly leakSites: number | null;
  /** What `live` counts: the blocks live at the instant, or every block allocated up to it (--total; allocated-stacks.ts). Absent: live. */
  readonly measure?: 'live' | 'allocated';
  /** Whether the trace holds the whole run and the replay followed it: every picture of these figures says when not. */
  readonly completeness: Completeness;
  readonly exactness: Exactness;
  readonly live: LiveStacks;
}
