// The `diff` driver: what OLD and NEW are comes from their first bytes; two
// snapshots are compared as tracemalloc's compare_to does, two event traces
// each by one replay (the analyze pipeline, so every number is the one
// `analyze` prints) stopped at the instant both are judged at;
// analyzers/trace-diff.ts compares them.

import { UsageError } from '../errors.js';
import { ImportContext } from '../import/import-context.js';
import { readDiffInput, type DiffInput } from '../import/snapshot-source.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace, type ReplayHooks } from './replay-trace.js';
import { analyzeReplayed, judgedStateCapture } from '../analyzers/analyze.js';
import { ArenaPeakObserver } from '../analyzers/arena-peak.js';
import { DEFAULT_SITE_GROUPING } from '../analyzers/site-table.js';
import { diffSnapshots, type DiffKey, type SnapshotDiffResult } from '../analyzers/snapshot-diff.js';
import { diffTraces, liveBlocksSnapshot, type TraceDiffResult, type TraceSide } from '../analyzers/trace-diff.js';
import { withDefaults, type Given } from '../options/given.js';
import { DEFAULT_INSTANT, isDefaultInstant, judgedMarkLabel, type InstantOptions } from '../options/instant-options.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';

/** How one side of a trace diff is replayed: read, judged, and the frames kept. */
export interface TraceSideOptions {
  readonly trace: TraceOptions;
  readonly instant: InstantOptions;
  /** Keep the innermost N frames of each stack (tracemalloc's traceback_limit); absent: all. */
  readonly depth?: number | undefined;
}

export const DEFAULT_TRACE_SIDE_OPTIONS: TraceSideOptions = { trace: DEFAULT_TRACE_OPTIONS, instant: DEFAULT_INSTANT, depth: undefined };

/**
 * Replay one trace for `diff` (a file, or `-` with hooks.stdin) to the
 * instant judged (instant-options.ts), where the replay stops: the default
 * mark is optional (a trace without it is compared at its end), an `at` is not.
 */
export async function replayForDiff(path: string, given: Given<TraceSideOptions> = {}, hooks: ReplayHooks = {}): Promise<TraceSide> {
  const { trace, instant, depth } = withDefaults(DEFAULT_TRACE_SIDE_OPTIONS, given);
  const peak = new ArenaPeakObserver();
  const ctx = hooks.context ?? new ImportContext(traceDisplayName(path), trace.lenient);
  const stopAt = judgedMarkLabel(instant);
  // The replay stops at the mark; the state is taken there (or at the end when the trace has none).
  const judged = judgedStateCapture(ctx, 0, DEFAULT_SITE_GROUPING, stopAt);
  const replayed = await replayTrace(path, {
    ...trace,
    ...hooks,
    context: ctx,
    ...(stopAt !== null ? { stopAtMark: stopAt, markOptional: isDefaultInstant(instant) } : {}),
    observers: [...(hooks.observers ?? []), peak, judged],
  });
  const at = replayed.stoppedEarly ? stopAt : null;
  return { analysis: analyzeReplayed(replayed, peak, judged.valueAt(replayed.replayer)), live: liveBlocksSnapshot(replayed, depth), depth: depth ?? null, at };
}

export interface DiffOptions {
  readonly by: DiffKey;
  readonly cumulative: boolean;
  /** Snapshot labels to read from OLD and NEW. */
  readonly oldLabel?: string | undefined;
  readonly newLabel?: string | undefined;
  /** Event traces only: how each is read and modelled, the instant compared, the frames kept. */
  readonly side: TraceSideOptions;
  /** OLD and NEW as the user wrote them, for the message when their kinds differ. */
  readonly names: { readonly old: string; readonly new: string };
}

export type DiffRun = { readonly kind: 'snapshot'; readonly result: SnapshotDiffResult } | { readonly kind: 'trace'; readonly result: TraceDiffResult };

export async function runDiff(oldPath: string, newPath: string, options: DiffOptions): Promise<DiffRun> {
  if (options.cumulative && options.by === 'traceback') throw new UsageError('--cumulative works with --by lineno or --by filename, not traceback (as in tracemalloc)');
  if (oldPath === '-' && newPath === '-') throw new UsageError('only one of OLD and NEW can be - (standard input)');
  const older = await readDiffInput(oldPath, { label: options.oldLabel, labelOption: '--old-label' });
  const newer = await readDiffInput(newPath, { label: options.newLabel, labelOption: '--new-label' });
  if (older.kind === 'snapshot' && newer.kind === 'snapshot') {
    const { instant, depth } = options.side;
    if (instant.at !== undefined) throw new UsageError('--at names a mark of an event trace; snapshots are one instant already');
    if (instant.atEnd === true) throw new UsageError('--at-end applies to event traces; snapshots are one instant already');
    if (depth !== undefined) throw new UsageError('--depth applies to event traces; a snapshot kept the frames tracemalloc was asked for (its traceback_limit)');
    return { kind: 'snapshot', result: diffSnapshots(older.snapshot, newer.snapshot, options.by, options.cumulative) };
  }
  if (older.kind === 'trace' && newer.kind === 'trace') {
    const replay = (input: typeof older) => replayForDiff(input.path, options.side, input.stdin !== undefined ? { stdin: input.stdin } : {});
    return { kind: 'trace', result: diffTraces(await replay(older), await replay(newer), options.by, options.cumulative) };
  }
  throw new UsageError(`${options.names.old} is ${kindName(older)} and ${options.names.new} is ${kindName(newer)}: diff compares two snapshots or two event traces`);
}

function kindName(input: DiffInput): string {
  return input.kind === 'snapshot' ? 'a snapshot' : 'an event trace';
}
