// Live blocks at one instant, grouped: by call site (the innermost frame of
// the block's stack) when the trace has stacks, otherwise by where the
// allocator put them (pymalloc size class, the C library, or the raw domain).
// One pass over the live map; state is one entry per group.

import { DOMAIN_RAW } from '../events/ops.js';
import type { StackTable } from '../events/stack-table.js';
import { blockSize } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../models/pymalloc/pymalloc-model.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import type { Replayer } from '../replay/replayer.js';

export type LiveGrouping = 'call_site' | 'size_class';

export interface LiveGroup {
  /** The innermost frame (call_site), or a size-class / allocator label. */
  readonly key: string;
  readonly blocks: number;
  /** Sum of requested sizes. */
  readonly requestedBytes: number;
  /** Bytes the blocks occupy: pymalloc block sizes, or what the C library was asked. */
  readonly allocatedBytes: number;
  /** First and last event (1-based) that allocated one of these blocks. */
  readonly firstEvent: number;
  readonly lastEvent: number;
  /** The full stack of one of the blocks, oldest frame first (call_site only). */
  readonly exampleStack?: readonly string[];
}

export interface LiveBlocksSummary {
  readonly groupedBy: LiveGrouping;
  readonly totalBlocks: number;
  readonly totalRequestedBytes: number;
  readonly totalGroups: number;
  /** The largest groups by requested bytes (at most `top`). */
  readonly groups: readonly LiveGroup[];
}

const NO_STACK_SYSTEM = -1;
const NO_STACK_RAW = -2;
/** Groups for pymalloc blocks without a stack: -(3 + size class). */
const NO_STACK_CLASS_BASE = -3;
const EMPTY_STACK = NO_STACK_SYSTEM - 1000;

/**
 * The group ("site") of a live block, as a number: a frame id (>= 0) when
 * grouping by call site and the block has a stack, else a negative id for
 * its size class / the C library / the raw domain. Shared by every analyzer
 * that groups live blocks, so they all name sites alike.
 */
export class SiteKeys {
  constructor(
    private readonly r: Replayer,
    private readonly stacks: StackTable,
    /** Group by call site (the trace has stacks), else by where the allocator put the block. */
    readonly withStack: boolean,
  ) {}

  /** True when some live block has a stack: group by call site. */
  static liveBlocksHaveStacks(r: Replayer): boolean {
    let withStack = false;
    r.forEachLiveBlock((_pool, _size, stack) => {
      if (stack >= 0) withStack = true;
    });
    return withStack;
  }

  get grouping(): LiveGrouping {
    return this.withStack ? 'call_site' : 'size_class';
  }

  idOf(pool: number, stack: number, domain: number): number {
    if (this.withStack && stack >= 0) {
      const frames = this.stacks.frameIdsOf(stack);
      return frames.length > 0 ? frames[frames.length - 1]! : EMPTY_STACK;
    }
    if (pool !== NOT_PYMALLOC) return NO_STACK_CLASS_BASE - this.r.model.poolSizeClass(pool);
    return domain === DOMAIN_RAW ? NO_STACK_RAW : NO_STACK_SYSTEM;
  }

  keyOf(id: number): string {
    const withStack = this.withStack;
    if (id >= 0) return this.stacks.frameString(id);
    if (id === NO_STACK_SYSTEM) return withStack ? '(no stack) C library (size 0 or > 512)' : 'C library (size 0 or > 512)';
    if (id === NO_STACK_RAW) return withStack ? '(no stack) raw domain' : 'raw domain';
    if (id === EMPTY_STACK) return '(empty stack)';
    const c = NO_STACK_CLASS_BASE - id;
    const label = `size class ${c} (${blockSize(this.r.geometry, c)}-byte blocks)`;
    return withStack ? `(no stack) ${label}` : label;
  }

  /** The frames of a stack, oldest first, when the id is a call site; undefined otherwise. */
  exampleStack(id: number, stack: number): string[] | undefined {
    return id >= 0 && stack >= 0 ? this.stacks.frames(stack) : undefined;
  }
}

/** Bytes a live block occupies: its pymalloc block size, or what the C library was asked. */
export function allocatedBytesOf(r: Replayer, pool: number, size: number): number {
  return pool !== NOT_PYMALLOC ? blockSize(r.geometry, r.model.poolSizeClass(pool)) : SystemMallocAccount.bytesFor(size);
}

/** Live blocks of one site. */
export interface SiteAcc {
  blocks: number;
  requested: number;
  allocated: number;
  /** First and last allocating event. */
  first: number;
  last: number;
  /** The stack of one of its blocks. */
  stack: number;
}

/** Live blocks by site id, one pass over the live map. */
export function accumulateLiveSites(r: Replayer, sites: SiteKeys): Map<number, SiteAcc> {
  const groups = new Map<number, SiteAcc>();
  r.forEachLiveBlock((pool, size, stack, domain, event) => {
    const id = sites.idOf(pool, stack, domain);
    let acc = groups.get(id);
    if (acc === undefined) {
      acc = { blocks: 0, requested: 0, allocated: 0, first: event, last: event, stack };
      groups.set(id, acc);
    }
    acc.blocks++;
    acc.requested += size;
    acc.allocated += allocatedBytesOf(r, pool, size);
    if (event < acc.first) acc.first = event;
    if (event > acc.last) acc.last = event;
  });
  return groups;
}

/** Sites by requested bytes, then blocks, then id (a stable order). */
export function rankLiveSites(groups: Map<number, SiteAcc>): [number, SiteAcc][] {
  return [...groups.entries()].sort((a, b) => b[1].requested - a[1].requested || b[1].blocks - a[1].blocks || a[0] - b[0]);
}

export function groupLiveBlocks(r: Replayer, stacks: StackTable, top: number): LiveBlocksSummary {
  const sites = new SiteKeys(r, stacks, SiteKeys.liveBlocksHaveStacks(r));
  const groups = accumulateLiveSites(r, sites);
  let totalBlocks = 0;
  let totalRequested = 0;
  for (const acc of groups.values()) {
    totalBlocks += acc.blocks;
    totalRequested += acc.requested;
  }
  const sorted = rankLiveSites(groups);
  return {
    groupedBy: sites.grouping,
    totalBlocks,
    totalRequestedBytes: totalRequested,
    totalGroups: groups.size,
    groups: sorted.slice(0, top).map(([id, acc]) => ({
      key: sites.keyOf(id),
      blocks: acc.blocks,
      requestedBytes: acc.requested,
      allocatedBytes: acc.allocated,
      firstEvent: acc.first,
      lastEvent: acc.last,
      ...exampleStackField(sites.exampleStack(id, acc.stack)),
    })),
  };
}

/** `{ exampleStack }` when there is one, `{}` otherwise (the field is optional, never undefined). */
export function exampleStackField(stack: string[] | undefined): { exampleStack?: string[] } {
  return stack === undefined ? {} : { exampleStack: stack };
}
