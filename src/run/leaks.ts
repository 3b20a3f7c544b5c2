// The `leaks` driver: a trace file read by one streaming replay with a
// LeaksAnalysis (analyzers/leaks.ts) riding it, and its result taken where
// the replay stopped (--at), or at the default instant on the way.

import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace, type ReplayHooks } from './replay-trace.js';
import { DEFAULT_LEAKS_OPTIONS, LeaksAnalysis, type LeaksOptions, type LeaksResult } from '../analyzers/leaks.js';
import { judgedMarkLabel } from '../options/instant-options.js';
import { withDefaults, type Given } from '../options/given.js';

export async function findLeaks(path: string, given: Given<LeaksOptions> = {}, hooks: ReplayHooks = {}): Promise<LeaksResult> {
  const { trace, sites, instant, growth, listing } = withDefaults(DEFAULT_LEAKS_OPTIONS, given);
  const ctx = new ImportContext(traceDisplayName(path), trace.lenient);
  if (instant.at === undefined) {
    // The default instant, or the end: taken on the way, the replay reads on to the end (whether the trace is complete).
    const analysis = new LeaksAnalysis(ctx, { sites, growth, listing, captureAtMark: judgedMarkLabel(instant) });
    const { replayer, completeness } = await replayTrace(path, { ...trace, ...hooks, context: ctx, observers: [...(hooks.observers ?? []), analysis] });
    return { ...analysis.resultAt(replayer), completeness };
  }
  // --at: the replay stops at the mark (an error when the trace has none).
  const analysis = new LeaksAnalysis(ctx, { sites, growth, listing });
  const { replayer, stoppedEarly } = await replayTrace(path, { ...trace, ...hooks, context: ctx, stopAtMark: instant.at, observers: [...(hooks.observers ?? []), analysis] });
  return analysis.result(replayer, stoppedEarly ? instant.at : null);
}
