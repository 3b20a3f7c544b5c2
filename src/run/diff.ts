// The driver of `diff` over two event traces: each side read by one replay
// (the analyze pipeline, so every number is the one `analyze` prints), stopped
// at the instant both are judged at; analyzers/trace-diff.ts compares them.

import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace } from '../replay/replay-trace.js';
import { analyzeReplayed, judgedStateCapture } from '../analyzers/analyze.js';
import { ArenaPeakObserver } from '../analyzers/arena-peak.js';
import { DEFAULT_AT_MARK } from '../analyzers/instant.js';
import { DEFAULT_SITE_GROUPING } from '../analyzers/site-table.js';
import { liveBlocksSnapshot, type TraceDiffReplayOptions, type TraceSide } from '../analyzers/trace-diff.js';

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
