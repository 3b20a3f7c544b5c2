// `stats --interp N`: the pymalloc statistics of one interpreter's state. An
// isolated sub-interpreter (CPython 3.12+) has a pymalloc state of its own, and
// its _debugmallocstats() prints that state, not the main interpreter's.

import { UsageError } from '../errors.js';
import { walkStats, type PymallocStats } from '../models/pymalloc/stats.js';
import type { ReplayView } from '../replay/replay-view.js';

export interface InterpreterStats {
  /** The interpreter id, as the trace's `interp` field names it (0: the main interpreter). */
  readonly interp: number;
  readonly stats: PymallocStats;
  /**
   * sys.getallocatedblocks() of the main interpreter; null for a
   * sub-interpreter: the C library's share of its OBJ/MEM blocks is not kept
   * per interpreter.
   */
  readonly allocatedBlocks: number | null;
}

/** The statistics of interpreter `interp` at the replay's instant; a usage error when the trace never named it. */
export function interpreterStats(r: ReplayView, interp: number): InterpreterStats {
  const state = r.interpreter(interp);
  if (state === undefined) {
    const ids = r.interpreters.map((s) => s.id);
    const shown = ids.length > 20 ? `${ids.slice(0, 20).join(', ')}, ... (${ids.length} in all)` : ids.join(', ');
    throw new UsageError(`--interp ${interp}: the trace has no event of that interpreter up to this instant; it has interpreters ${shown}`);
  }
  return { interp, stats: walkStats(state.model), allocatedBlocks: state.index === 0 ? r.allocatedBlocks : null };
}
