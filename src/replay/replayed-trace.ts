// A replayed trace as a driver hands it to analyzers (run/replay-trace.ts
// replays it): the read-only replay, the import context that named its
// stacks, how it was read and how far, and whether it holds the whole run.

import type { ImportContext } from '../import/import-context.js';
import type { ImportSummary } from '../import/index.js';
import type { TraceFormatName } from '../import/types.js';
import { completenessOf, type Completeness } from './completeness.js';
import type { ReplayView } from './replay-view.js';

export interface ReplayedTrace {
  readonly replayer: ReplayView;
  readonly ctx: ImportContext;
  /** Null when the replay stopped before the end of the file. */
  readonly summary: ImportSummary | null;
  /** The format read and whether the file was gzip, known however early the replay stopped. */
  readonly source: { readonly format: TraceFormatName; readonly gzip: boolean };
  /** True when the replay stopped at the requested mark or event. */
  readonly stoppedEarly: boolean;
  /** Whether the trace holds the whole run (its `end` mark, or what its metadata says). */
  readonly completeness: Completeness;
}

/** The completeness of what a replayer has read so far. */
export function completenessOfReplay(replayer: ReplayView, stoppedEarly: boolean): Completeness {
  return completenessOf(replayer.traceMeta, { events: replayer.events, lastMark: replayer.lastMark, lastMarkEvent: replayer.lastMarkEvent, stoppedEarly });
}
