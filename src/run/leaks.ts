// The `leaks` driver: a trace file read by one streaming replay with a
// LeaksAnalysis (analyzers/leaks.ts) riding it, and its result taken where
// the replay stopped, or at the default instant on the way.

import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace } from '../replay/replay-trace.js';
import { DEFAULT_AT_MARK } from '../analyzers/instant.js';
import { LeaksAnalysis, type LeaksOptions, type LeaksResult } from '../analyzers/leaks.js';

export async function findLeaks(path: string, options: LeaksOptions = {}): Promise<LeaksResult> {
  const ctx = new ImportContext(traceDisplayName(path), options.lenient ?? false);
  if (options.stopAtMark === undefined && options.atEnd !== true) {
    // The default instant: taken at the mark on the way, the replay reads on to the end (whether the trace is complete).
    const analysis = new LeaksAnalysis(ctx, { ...options, atMark: DEFAULT_AT_MARK });
    const { replayer, completeness } = await replayTrace(path, { ...options, context: ctx, observers: [analysis] });
    return { ...analysis.resultAt(replayer), completeness };
  }
  const analysis = new LeaksAnalysis(ctx, options);
  const { replayer, stoppedEarly } = await replayTrace(path, { ...options, context: ctx, observers: [analysis] });
  return analysis.result(replayer, stoppedEarly ? (options.stopAtMark ?? null) : null);
}
