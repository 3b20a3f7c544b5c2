// One pymalloc state of the replay: the model, its arena feed and the live
// blocks it placed. CPython has one per interpreter that has its own
// allocator: the main interpreter, and from 3.12 every isolated
// sub-interpreter (`use_main_obmalloc=0`, `interp->obmalloc`); events name it
// in the trace's `interp` field. Each state places its own arenas, pools and
// blocks, as CPython's get_state() does, so two interpreters whose pools would
// collide in one model never meet.

import type { PymallocGeometry } from '../models/pymalloc/geometry.js';
import { PymallocModel } from '../models/pymalloc/pymalloc-model.js';
import { ArenaFeed, SYNTHETIC_TOP } from './arena-feed.js';
import type { LiveBlocks } from './live-blocks.js';
import { PoolBlocks } from './pool-blocks.js';

/**
 * Most pymalloc states a replay keeps (interpreters with an allocator of
 * their own): each costs a model, and the ids come from an untrusted trace.
 */
export const MAX_INTERPRETER_STATES = 1024;

/**
 * Address space given to each state's own arenas when the trace has no arena
 * records: below the main state's, one slice a state, so that arenas placed by
 * the model never overlap another state's.
 */
const SYNTHETIC_SLICE = 2 ** 36;

export interface ReplayClock {
  readonly events: number;
  readonly lastTs: number;
  readonly line: number;
}

export class InterpreterState {
  readonly model: PymallocModel;
  readonly arenas: ArenaFeed;
  readonly pool: PoolBlocks;

  constructor(
    /** The trace's interpreter id (0: the main interpreter). */
    readonly id: number,
    /** Order of first appearance in the trace (0: the main interpreter). */
    readonly index: number,
    geometry: PymallocGeometry,
    format: (key: number) => string,
    decode: (key: number) => bigint,
    clock: ReplayClock,
    live: LiveBlocks,
    /** Arena slots the model may use (tests lower it; the default is the model's 64 GiB). */
    arenaSlotLimit?: number,
  ) {
    this.arenas = new ArenaFeed(geometry.arenaSize, format, () => clock.line, SYNTHETIC_TOP - index * SYNTHETIC_SLICE);
    this.model = new PymallocModel(geometry, this.arenas, decode, arenaSlotLimit);
    this.pool = new PoolBlocks(this.model, clock);
    this.model.onArenaAssigned = (arena) => {
      this.pool.resetSlot(arena);
      // A block the trace left live where an arena now lies (a corrupt trace:
      // the C library and pymalloc never share addresses) is inside an arena
      // from now on; the hash must know, or lookups inside arenas skip it.
      const base = this.model.arenaBase(arena);
      live.flagInside(base, base + geometry.arenaSize);
    };
    this.model.onPoolInit = (pool, sizeClass) => this.pool.initPool(pool, sizeClass);
    this.model.onArenaReleased = (arena) => this.pool.releaseArena(arena);
  }
}
