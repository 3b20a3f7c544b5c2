// The driver of `flamegraph` and `tree`: the live blocks by full stack at
// one instant. The footprint high-water mark (the default) is only known
// once the whole trace was read: one replay to the end keeps, with PeakLog,
// the records of what ended after each new high, and walks the live set as
// of the last one (no second read, unlike memray's two passes for its
// peak). A mark (--at), an event (--at-event) or the end (--at-end) take one
// replay that stops there.

import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace, type ReplayTraceOptions } from './replay-trace.js';
import type { ReplayView } from '../replay/replay-view.js';
import { instantAt, instantOf } from '../analyzers/instant.js';
import { PeakLog } from '../analyzers/peak-log.js';
import type { TraceInstant } from '../analyzers/report-data.js';
import { DEFAULT_AT_MARK } from '../options/instant-options.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import { liveStacksOf, type LiveStacksAt, type StacksInstant } from '../analyzers/live-stacks.js';
import { AllocatedStacks } from '../analyzers/allocated-stacks.js';
import { exactnessOf, type Exactness } from '../replay/exactness.js';
import type { Completeness } from '../replay/completeness.js';

export interface LiveStacksOptions {
  /** How the trace is read (absent: the declared defaults). */
  readonly trace?: TraceOptions;
  readonly instant: StacksInstant;
}

/** Every block allocated up to an instant by stack (`--total`): one replay, stopped at a mark or an event, or read to the end. */
export async function allocatedStacksAt(path: string, options: { readonly trace?: TraceOptions; readonly instant: Exclude<StacksInstant, { kind: 'footprint-peak' | 'judged' }> }): Promise<LiveStacksAt> {
  const trace = options.trace ?? DEFAULT_TRACE_OPTIONS;
  const ctx = new ImportContext(traceDisplayName(path), trace.lenient);
  const allocated = new AllocatedStacks(ctx.stacks);
  const replayed = await replayTrace(path, { ...trace, ...stopOf(options.instant), context: ctx, observers: [allocated] });
  const r = replayed.replayer;
  return {
    file: traceDisplayName(path),
    python: r.geometry.version,
    instant: options.instant.kind,
    at: instantOf(r),
    footprintBytes: null,
    leakSites: null,
    measure: 'allocated',
    completeness: replayed.completeness,
    exactness: exactnessOf(r),
    live: allocated.result(),
  };
}

export async function liveStacksAt(path: string, options: LiveStacksOptions): Promise<LiveStacksAt> {
  const trace = options.trace ?? DEFAULT_TRACE_OPTIONS;
  const replayOptions: ReplayTraceOptions = { ...trace };
  const newContext = (): ImportContext => new ImportContext(traceDisplayName(path), trace.lenient);
  const instant = options.instant;
  if (instant.kind === 'footprint-peak') {
    // One replay to the end: what was live at the peak is read from the
    // records PeakLog kept of what ended after it (peak-log.ts), as the report does.
    const ctx = newContext();
    const log = new PeakLog(['footprint_bytes']);
    const replayed = await replayTrace(path, { ...replayOptions, context: ctx, observers: [log] });
    const r = replayed.replayer;
    const peak = r.highWater.point('footprint_bytes');
    // The peak is the whole run's: whether the run is all there, and the
    // replay exact, is the whole replay's to say.
    const trust = { completeness: replayed.completeness, exactness: exactnessOf(r) };
    if (peak.event === 0) return walk(r, instantOf(r), ctx, path, instant.kind, null, trust);
    return walk(log.at(r, peak.event), instantAt(peak.event, peak.ts ?? NaN, peak.line, peak.mark), ctx, path, instant.kind, peak.value, trust);
  }
  const ctx = newContext();
  const replayed = await replayTrace(path, { ...replayOptions, ...stopOf(instant), context: ctx });
  const trust = { completeness: replayed.completeness, exactness: exactnessOf(replayed.replayer) };
  return walk(replayed.replayer, instantOf(replayed.replayer), ctx, path, resolvedKind(instant, replayed.stoppedEarly), null, trust);
}

/** Whether the figures can be trusted: the trace's completeness and the replay's exactness. */
interface Trust {
  readonly completeness: Completeness;
  readonly exactness: Exactness;
}

/** Where a replay that needs no first pass stops: a mark (the `stats` mark, if the trace has it, for `judged`), an event, or the end. */
export function stopOf(instant: Exclude<StacksInstant, { kind: 'footprint-peak' }>): Pick<ReplayTraceOptions, 'stopAtMark' | 'stopAtEvent' | 'markOptional'> {
  switch (instant.kind) {
    case 'mark':
      return { stopAtMark: instant.label };
    case 'judged':
      return { stopAtMark: DEFAULT_AT_MARK, markOptional: true };
    case 'event':
      return { stopAtEvent: instant.event };
    case 'end':
      return {};
  }
}

/** `judged` as what it turned out to be: the `stats` mark (the replay stopped there) or the end. */
export function resolvedKind(instant: StacksInstant, stoppedEarly: boolean): LiveStacksAt['instant'] {
  return instant.kind === 'judged' ? (stoppedEarly ? 'mark' : 'end') : instant.kind;
}

/** The live stacks of `r` (a replay stopped at `at`, or PeakLog's view of a past peak). */
function walk(r: ReplayView, at: TraceInstant, ctx: ImportContext, path: string, instant: LiveStacksAt['instant'], footprintBytes: number | null, trust: Trust): LiveStacksAt {
  return {
    file: traceDisplayName(path),
    python: r.geometry.version,
    instant,
    at,
    footprintBytes,
    leakSites: null,
    ...trust,
    live: liveStacksOf(r, ctx.stacks),
  };
}
