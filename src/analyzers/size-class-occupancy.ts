// Per size class: how full the pools of that class are (blocks in use vs
// the blocks those pools can hold), from the stats at one instant.

import { blocksPerPool, geometryFor, quantizationPerPool } from '../models/pymalloc/geometry.js';
import type { PymallocStats } from '../models/pymalloc/stats.js';
import type { SizeClassOccupancy, SizeClassOccupancyAt, TraceInstant } from './report-data.js';

export function sizeClassOccupancy(stats: PymallocStats, at: TraceInstant): SizeClassOccupancyAt {
  const g = geometryFor(stats.python);
  const classes: SizeClassOccupancy[] = stats.classes.map((c) => {
    const capacity = c.pools * blocksPerPool(g, c.sizeClass);
    return {
      sizeClass: c.sizeClass,
      blockSizeBytes: c.blockSize,
      pools: c.pools,
      blocksInUse: c.blocksInUse,
      blockCapacity: capacity,
      utilisation: capacity === 0 ? 0 : c.blocksInUse / capacity,
      availableBlockBytes: c.availBlocks * c.blockSize,
      quantizationBytes: c.pools * quantizationPerPool(g, c.sizeClass),
    };
  });
  return { ...at, classes };
}
