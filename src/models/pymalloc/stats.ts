// The numbers of the pymalloc part of sys._debugmallocstats()
// (pymalloc-model.md §8.2), computed two ways:
// - walkStats: CPython's own walk over every arena and carved pool;
// - countersStats: from the model's running totals, in O(size classes), for
//   analyzers that need the numbers at many instants.
// Tests check that both agree at every mark of every shared trace.

import { blockSize, blocksPerPool, quantizationPerPool, type PymallocGeometry, type PythonVersion } from './geometry.js';
import type { PymallocView } from './pymalloc-view.js';

export interface SizeClassRow {
  readonly sizeClass: number;
  readonly blockSize: number;
  readonly pools: number;
  readonly blocksInUse: number;
  readonly availBlocks: number;
}

export interface ArenaMapStats {
  readonly midNodes: number;
  readonly botNodes: number;
  readonly rootBytes: number;
  readonly midBytes: number;
  readonly botBytes: number;
  readonly totalBytes: number;
}

export interface PymallocStats {
  readonly python: PythonVersion;
  readonly smallRequestThreshold: number;
  readonly sizeClasses: number;
  readonly arenaSize: number;
  readonly poolSize: number;
  /** Rows of size classes with at least one pool in use, ascending. */
  readonly classes: readonly SizeClassRow[];
  readonly arenasAllocatedTotal: number;
  readonly arenasReclaimed: number;
  readonly arenasHighwater: number;
  readonly arenasCurrent: number;
  readonly arenaBytes: number;
  readonly bytesInAllocatedBlocks: number;
  readonly bytesInAvailableBlocks: number;
  readonly unusedPools: number;
  readonly unusedPoolBytes: number;
  readonly poolHeaderBytes: number;
  readonly quantizationBytes: number;
  readonly arenaAlignmentBytes: number;
  /** Sum of the six byte lines; equals arenaBytes. */
  readonly totalBytes: number;
  /** The "arena map counts" section (3.10+), null before. */
  readonly arenaMap: ArenaMapStats | null;
}

/** Assemble the stats from per-class pools/blocks and the arena-wide figures. */
function assemble(
  g: PymallocGeometry,
  model: PymallocView,
  pools: ArrayLike<number>,
  blocks: ArrayLike<number>,
  unusedPools: number,
  unalignedArenas: number,
): PymallocStats {
  const classes: SizeClassRow[] = [];
  let allocated = 0;
  let available = 0;
  let headers = 0;
  let quantization = 0;
  for (let c = 0; c < g.sizeClasses; c++) {
    const p = pools[c]!;
    if (p === 0) continue;
    const size = blockSize(g, c);
    const avail = p * blocksPerPool(g, c) - blocks[c]!;
    classes.push({ sizeClass: c, blockSize: size, pools: p, blocksInUse: blocks[c]!, availBlocks: avail });
    allocated += blocks[c]! * size;
    available += avail * size;
    headers += p * g.poolOverhead;
    quantization += p * quantizationPerPool(g, c);
  }
  const arenas = model.arenaCounters;
  const unusedPoolBytes = unusedPools * g.poolSize;
  const alignment = unalignedArenas * g.poolSize;
  let arenaMap: ArenaMapStats | null = null;
  if (g.radix !== null) {
    const mid = g.radix.midBytes * model.radixMidNodes;
    const bot = g.radix.botBytes * model.radixBotNodes;
    arenaMap = {
      midNodes: model.radixMidNodes,
      botNodes: model.radixBotNodes,
      rootBytes: g.radix.rootBytes,
      midBytes: mid,
      botBytes: bot,
      totalBytes: g.radix.rootBytes + mid + bot,
    };
  }
  return {
    python: g.version,
    smallRequestThreshold: g.smallRequestThreshold,
    sizeClasses: g.sizeClasses,
    arenaSize: g.arenaSize,
    poolSize: g.poolSize,
    classes,
    arenasAllocatedTotal: arenas.allocatedTotal,
    arenasReclaimed: arenas.allocatedTotal - arenas.current,
    arenasHighwater: arenas.highwater,
    arenasCurrent: arenas.current,
    arenaBytes: arenas.current * g.arenaSize,
    bytesInAllocatedBlocks: allocated,
    bytesInAvailableBlocks: available,
    unusedPools,
    unusedPoolBytes,
    poolHeaderBytes: headers,
    quantizationBytes: quantization,
    arenaAlignmentBytes: alignment,
    totalBytes: allocated + available + unusedPoolBytes + headers + quantization + alignment,
    arenaMap,
  };
}

/** _PyObject_DebugMallocStats's walk over every live arena and carved pool. */
export function walkStats(model: PymallocView): PymallocStats {
  const g = model.g;
  const pools = new Float64Array(g.sizeClasses);
  const blocks = new Float64Array(g.sizeClasses);
  let unusedPools = 0;
  let unaligned = 0;
  for (let a = 0; a < model.arenaSlots; a++) {
    const base = model.arenaBase(a);
    if (base === 0) continue;
    unusedPools += model.arenaFreePools(a);
    if (base % g.poolSize !== 0) unaligned++;
  }
  model.forEachCarvedPool((pool) => {
    const count = model.poolBlockCount(pool);
    if (count === 0) return;
    const c = model.poolSizeClass(pool);
    pools[c]!++;
    blocks[c]! += count;
  });
  return assemble(g, model, pools, blocks, unusedPools, unaligned);
}

/** The same numbers from the model's running totals. */
export function countersStats(model: PymallocView): PymallocStats {
  return assemble(model.g, model, model.poolsInUse, model.blocksInUse, model.freePools, model.unalignedArenaCount);
}
