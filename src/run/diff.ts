// The `diff` driver: what OLD and NEW are comes from their first bytes; two
// snapshots are compared as tracemalloc's compare_to does, two event traces
// each by one replay (the analyze pipeline, so every number is the one
// `analyze` prints) stopped at the instant both are judged at;
// analyzers/trace-diff.ts compares them.

import { UsageError } from '../errors.js';
import { ImportContext } from '../import/import-context.js';
import { readDiffInput, type DiffInput } from '../import/snapshot-source.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace } from '../replay/replay-trace.js';
import { analyzeReplayed, judgedStateCapture } from '../analyzers/analyze.js';
import { ArenaPeakObserver } from '../analyzers/arena-peak.js';
import { DEFAULT_AT_MARK } from '../analyzers/instant.js';
import { DEFAULT_SITE_GROUPING } from '../analyzers/site-table.js';
import { diffSnapshots, type DiffKey, type SnapshotDiffResult } from '../analyzers/snapshot-diff.js';
import { diffTraces, liveBlocksSnapshot, type TraceDiffReplayOptions, type TraceDiffResult, type TraceSide } from '../analyzers/trace-diff.js';
import type { PythonVersion } from '../models/pymalloc/geometry.js';

/**
 * Replay one trace for `diff` (a file, or `-` with options.stdin) to
 * options.stopAtMark; without one, to the default instant (instant.ts: the
 * `stats` mark when the trace has it, else the end), or the end with atEnd.
 */
export async function replayForDiff(path: string, options: TraceDiffReplayOptions = {}): Promise<TraceSide> {
  const peak = new ArenaPeakObserver();
  const byDefault = options.stopAtMark === undefined && options.atEnd !== true;
  const ctx = options.context ?? new ImportContext(traceDisplayName(path), options.lenient ?? false);
  // The replay stops at the mark; the state is taken there (or at the end when the trace has none).
  const judged = judgedStateCapture(ctx, 0, DEFAULT_SITE_GROUPING, options.stopAtMark ?? (byDefault ? DEFAULT_AT_MARK : null));
  const replayed = await replayTrace(path, {
    ...options,
    context: ctx,
    ...(byDefault ? { stopAtMark: DEFAULT_AT_MARK, markOptional: true } : {}),
    observers: [...(options.observers ?? []), peak, judged],
  });
  const at = replayed.stoppedEarly ? (options.stopAtMark ?? DEFAULT_AT_MARK) : null;
  return { analysis: analyzeReplayed(replayed, peak, judged.valueAt(replayed.replayer)), live: liveBlocksSnapshot(replayed, options.depth), depth: options.depth ?? null, at };
}

export interface DiffOptions {
  readonly by: DiffKey;
  readonly cumulative: boolean;
  /** Snapshot labels to read from OLD and NEW. */
  readonly oldLabel?: string | undefined;
  readonly newLabel?: string | undefined;
  /** Event traces only: the instant compared, the model, bad records, frames kept. */
  readonly at?: string | undefined;
  readonly atEnd?: boolean | undefined;
  readonly python?: PythonVersion | undefined;
  readonly lenient: boolean;
  readonly depth?: number | undefined;
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
    if (options.at !== undefined) throw new UsageError('--at names a mark of an event trace; snapshots are one instant already');
    if (options.atEnd === true) throw new UsageError('--at-end applies to event traces; snapshots are one instant already');
    if (options.depth !== undefined) throw new UsageError('--depth applies to event traces; a snapshot kept the frames tracemalloc was asked for (its traceback_limit)');
    return { kind: 'snapshot', result: diffSnapshots(older.snapshot, newer.snapshot, options.by, options.cumulative) };
  }
  if (older.kind === 'trace' && newer.kind === 'trace') {
    const replay = (input: typeof older) =>
      replayForDiff(input.path, {
        python: options.python,
        lenient: options.lenient,
        ...(options.at !== undefined ? { stopAtMark: options.at } : {}),
        ...(options.atEnd === true ? { atEnd: true } : {}),
        ...(options.depth !== undefined ? { depth: options.depth } : {}),
        ...(input.stdin !== undefined ? { stdin: input.stdin } : {}),
      });
    return { kind: 'trace', result: diffTraces(await replay(older), await replay(newer), options.by, options.cumulative) };
  }
  throw new UsageError(`${options.names.old} is ${kindName(older)} and ${options.names.new} is ${kindName(newer)}: diff compares two snapshots or two event traces`);
}

function kindName(input: DiffInput): string {
  return input.kind === 'snapshot' ? 'a snapshot' : 'an event trace';
}
