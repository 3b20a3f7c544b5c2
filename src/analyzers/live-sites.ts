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

interface Acc {
  blocks: number;
  requested: number;
  allocated: number;
  first: number;
  last: number;
  stack: number;
}

const NO_STACK_SYSTEM = -1;
const NO_STACK_RAW = -2;
/** Groups for pymalloc blocks without a stack: -(3 + size class). */
const NO_STACK_CLASS_BASE = -3;

export function groupLiveBlocks(r: Replayer, stacks: StackTable, top: number): LiveBlocksSummary {
  let withStack = false;
  r.forEachLiveBlock((_pool, _size, stack) => {
    if (stack >= 0) withStack = true;
  });
  const groups = new Map<number, Acc>();
  let totalBlocks = 0;
  let totalRequested = 0;
  r.forEachLiveBlock((pool, size, stack, domain, event) => {
    let id: number;
    if (withStack && stack >= 0) {
      const frames = stacks.frameIdsOf(stack);
      id = frames.length > 0 ? frames[frames.length - 1]! : NO_STACK_SYSTEM - 1000;
    } else if (pool !== NOT_PYMALLOC) {
      id = NO_STACK_CLASS_BASE - r.model.poolSizeClass(pool);
    } else {
      id = domain === DOMAIN_RAW ? NO_STACK_RAW : NO_STACK_SYSTEM;
    }
    const allocated =
      pool !== NOT_PYMALLOC ? blockSize(r.geometry, r.model.poolSizeClass(pool)) : SystemMallocAccount.bytesFor(size);
    let acc = groups.get(id);
    if (acc === undefined) {
      acc = { blocks: 0, requested: 0, allocated: 0, first: event, last: event, stack };
      groups.set(id, acc);
    }
    acc.blocks++;
    acc.requested += size;
    acc.allocated += allocated;
    if (event < acc.first) acc.first = event;
    if (event > acc.last) acc.last = event;
    totalBlocks++;
    totalRequested += size;
  });
  const keyOf = (id: number): string => {
    if (id >= 0) return stacks.frameString(id);
    if (id === NO_STACK_SYSTEM) return withStack ? '(no stack) C library (size 0 or > 512)' : 'C library (size 0 or > 512)';
    if (id === NO_STACK_RAW) return withStack ? '(no stack) raw domain' : 'raw domain';
    if (id === NO_STACK_SYSTEM - 1000) return '(empty stack)';
    const c = NO_STACK_CLASS_BASE - id;
    const label = `size class ${c} (${blockSize(r.geometry, c)}-byte blocks)`;
    return withStack ? `(no stack) ${label}` : label;
  };
  const sorted = [...groups.entries()].sort((a, b) => b[1].requested - a[1].requested || b[1].blocks - a[1].blocks || a[0] - b[0]);
  return {
    groupedBy: withStack ? 'call_site' : 'size_class',
    totalBlocks,
    totalRequestedBytes: totalRequested,
    totalGroups: groups.size,
    groups: sorted.slice(0, top).map(([id, acc]) => ({
      key: keyOf(id),
      blocks: acc.blocks,
      requestedBytes: acc.requested,
      allocatedBytes: acc.allocated,
      firstEvent: acc.first,
      lastEvent: acc.last,
      ...(id >= 0 && acc.stack >= 0 ? { exampleStack: stacks.frames(acc.stack) } : {}),
    })),
  };
}
