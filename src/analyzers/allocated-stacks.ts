// Every block allocated up to an instant, freed or not, by full call stack
// (`tree --total`, `flamegraph --total`): where the program allocated most
// in total, which live-byte views miss for blocks freed soon after. One
// pass on the replay's block hooks (onBlockAllocated), three numbers per
// interned stack in typed arrays, so state is bounded by the stack table.
// An allocation is what churn.ts counts as one (a realloc that kept its
// address is none).

import type { StackTable } from '../events/stack-table.js';
import { DOMAIN_RAW } from '../events/ops.js';
import { blockSize, sizeClassOf } from '../models/pymalloc/geometry.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import type { LiveStack, LiveStacks } from './live-stacks.js';

export class AllocatedStacks implements ReplayObserver {
  /** Slot 0: blocks without a stack; slot s + 1: stack s. Three numbers a slot: blocks, requested bytes, bytes in blocks. */
  private figures = new Float64Array(3 * 1024);

  constructor(private readonly table: StackTable) {}

  onBlockAllocated(r: ReplayView): void {
    const b = r.changedBlock;
    const o = 3 * (b.stack + 1);
    if (o + 3 > this.figures.length) {
      const grown = new Float64Array(Math.max(2 * this.figures.length, o + 3));
      grown.set(this.figures);
      this.figures = grown;
    }
    const cls = b.domain === DOMAIN_RAW ? -1 : sizeClassOf(r.geometry, b.size);
    this.figures[o]!++;
    this.figures[o + 1]! += b.size;
    this.figures[o + 2]! += cls < 0 ? SystemMallocAccount.bytesFor(b.size) : blockSize(r.geometry, cls);
  }

  /** The allocations so far, in the shape of live stacks (live-stacks.ts): blocks are allocations, bytes are bytes allocated. */
  result(): LiveStacks {
    const f = this.figures;
    const stacks: LiveStack[] = [];
    const total = { blocks: 0, requestedBytes: 0, blockBytes: 0 };
    for (let o = 0; o < f.length; o += 3) {
      if (f[o] === 0) continue;
      const slot = o / 3;
      total.blocks += f[o]!;
      total.requestedBytes += f[o + 1]!;
      total.blockBytes += f[o + 2]!;
      stacks.push({ frames: slot === 0 ? [] : this.table.frames(slot - 1), blocks: f[o]!, requestedBytes: f[o + 1]!, blockBytes: f[o + 2]! });
    }
    stacks.sort((a, b) => b.requestedBytes - a.requestedBytes);
    return { total, stacks };
  }
}
