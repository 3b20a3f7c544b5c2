// The `analyze` driver: a trace file read by one streaming replay, with the
// arena-peak and judged-state observers of analyzers/analyze.ts riding it,
// and the summary built from them.

import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace } from '../replay/replay-trace.js';
import { analyzeReplayed, judgedStateCapture, type AnalyzeOptions, type AnalyzeResult } from '../analyzers/analyze.js';
import { ArenaPeakObserver } from '../analyzers/arena-peak.js';
import { judgedMarkLabel } from '../analyzers/judged-instant.js';
import { siteGroupingFrom } from '../analyzers/site-table.js';

export async function analyzeTrace(path: string, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const peak = new ArenaPeakObserver();
  const ctx = options.context ?? new ImportContext(traceDisplayName(path), options.lenient ?? false);
  const top = options.top ?? 20;
  const sites = siteGroupingFrom(options);
  const judged = judgedStateCapture(ctx, top, sites, judgedMarkLabel(options));
  const replayed = await replayTrace(path, {
    ...options,
    context: ctx,
    observers: [...(options.observers ?? []), peak, judged],
  });
  return analyzeReplayed(replayed, peak, judged.valueAt(replayed.replayer));
}
