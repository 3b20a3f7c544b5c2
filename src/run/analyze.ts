// The `analyze` driver: a trace file read by one streaming replay, with the
// arena-peak and judged-state observers of analyzers/analyze.ts riding it,
// and, when asked, allocation churn by site (analyzers/churn.ts) counted on
// the way; the summary built from them.

import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace, type ReplayHooks } from './replay-trace.js';
import { analyzeReplayed, DEFAULT_ANALYZE_OPTIONS, judgedStateCapture, type AnalyzeOptions, type AnalyzeResult } from '../analyzers/analyze.js';
import { ArenaPeakObserver } from '../analyzers/arena-peak.js';
import { ChurnAnalysis } from '../analyzers/churn.js';
import { judgedMarkLabel } from '../options/instant-options.js';
import { churnWindowAt } from '../options/churn-options.js';
import { withDefaults, type Given } from '../options/given.js';

export async function analyzeTrace(path: string, given: Given<AnalyzeOptions> = {}, hooks: ReplayHooks = {}): Promise<AnalyzeResult> {
  const { trace, sites, instant, churn } = withDefaults(DEFAULT_ANALYZE_OPTIONS, given);
  const peak = new ArenaPeakObserver();
  const ctx = hooks.context ?? new ImportContext(traceDisplayName(path), trace.lenient);
  const judged = judgedStateCapture(ctx, sites.top, sites, judgedMarkLabel(instant));
  // Churn only when asked (ChurnOptions.count says why).
  const churning = churn.count === true ? new ChurnAnalysis(ctx, sites, churnWindowAt(churn, instant), sites.top) : null;
  const replayed = await replayTrace(path, {
    ...trace,
    ...hooks,
    context: ctx,
    observers: [...(hooks.observers ?? []), peak, judged, ...(churning === null ? [] : [churning])],
  });
  const result = analyzeReplayed(replayed, peak, judged.valueAt(replayed.replayer));
  return churning === null ? result : { ...result, churn: churning.result(replayed.replayer) };
}
