// Where the bytes of the pymalloc arenas go at one instant: the split that
// _debugmallocstats prints, plus the derived ratios a user asks about
// ("my objects need X, the arenas hold Y").

import type { PymallocStats } from '../models/pymalloc/stats.js';

export interface FragmentationSummary {
  readonly arenas: number;
  readonly arenaBytes: number;
  readonly poolsInUse: number;
  readonly unusedPools: number;
  /** Bytes in blocks handed out (block sizes). */
  readonly allocatedBlockBytes: number;
  /** Free blocks inside pools in use (free-list and never-used blocks). */
  readonly availableBlockBytes: number;
  readonly unusedPoolBytes: number;
  readonly poolHeaderBytes: number;
  readonly quantizationBytes: number;
  readonly arenaAlignmentBytes: number;
  /** allocatedBlockBytes / arenaBytes (1 = every arena byte is a block in use; 0 when no arena). */
  readonly utilisation: number;
  /** Share of the arena bytes that are free blocks or empty pools: reusable but held. */
  readonly freeRatio: number;
}

export function fragmentationOf(s: PymallocStats): FragmentationSummary {
  const poolsInUse = s.classes.reduce((n, c) => n + c.pools, 0);
  const ratio = (x: number): number => (s.arenaBytes === 0 ? 0 : x / s.arenaBytes);
  return {
    arenas: s.arenasCurrent,
    arenaBytes: s.arenaBytes,
    poolsInUse,
    unusedPools: s.unusedPools,
    allocatedBlockBytes: s.bytesInAllocatedBlocks,
    availableBlockBytes: s.bytesInAvailableBlocks,
    unusedPoolBytes: s.unusedPoolBytes,
    poolHeaderBytes: s.poolHeaderBytes,
    quantizationBytes: s.quantizationBytes,
    arenaAlignmentBytes: s.arenaAlignmentBytes,
    utilisation: ratio(s.bytesInAllocatedBlocks),
    freeRatio: ratio(s.bytesInAvailableBlocks + s.unusedPoolBytes),
  };
}
