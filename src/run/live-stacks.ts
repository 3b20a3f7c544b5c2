// The driver of `flamegraph` and `tree`: the live blocks by full stack at
// one instant. The footprint high-water mark (the default) is only known
// once the whole trace was read, so that instant takes two replays, as
// memray does for its peak: the first finds the event, the second stops
// right after it and walks the live set. A mark (--at), an event
// (--at-event) or the end (--at-end) take one replay that stops there.

import { MemreplayError } from '../errors.js';
import { ImportContext } from '../import/import-context.js';
import { requireRegularFile, traceDisplayName } from '../import/source.js';
import type { TraceFormatName } from '../import/types.js';
import type { PythonVersion } from '../models/pymalloc/geometry.js';
import { replayTrace, type ReplayTraceOptions } from '../replay/replay-trace.js';
import type { ReplayView } from '../replay/replay-view.js';
import { instantOf } from '../analyzers/instant.js';
import { liveStacksOf, type LiveStacksAt, type StacksInstant } from '../analyzers/live-stacks.js';
import { fullCollection } from '../memory-guard.js';

export interface LiveStacksOptions {
  readonly python?: PythonVersion;
  readonly format?: TraceFormatName;
  readonly lenient?: boolean;
  readonly instant: StacksInstant;
}

export async function liveStacksAt(path: string, options: LiveStacksOptions): Promise<LiveStacksAt> {
  const replayOptions: ReplayTraceOptions = {
    ...(options.python !== undefined ? { python: options.python } : {}),
    ...(options.format !== undefined ? { format: options.format } : {}),
    lenient: options.lenient ?? false,
  };
  const newContext = (): ImportContext => new ImportContext(traceDisplayName(path), options.lenient ?? false);
  const instant = options.instant;
  if (instant.kind === 'footprint-peak') {
    const twice = 'the footprint high-water mark takes two reads of the trace (one to find it, one to stop there)';
    if (path === '-') throw new MemreplayError(`${twice}; give a file, not standard input, or choose --at, --at-event or --at-end`);
    requireRegularFile(path, twice);
    const first = await replayTrace(path, { ...replayOptions, context: newContext() });
    const peak = first.replayer.highWater.point('footprint_bytes');
    const python = first.replayer.geometry.version;
    fullCollection();
    if (peak.event === 0) return walk(first.replayer, first.ctx, path, instant, null);
    const ctx = newContext();
    const second = await replayTrace(path, { ...replayOptions, python, context: ctx, stopAtEvent: peak.event });
    return walk(second.replayer, ctx, path, instant, peak.value);
  }
  const ctx = newContext();
  const stop = instant.kind === 'mark' ? { stopAtMark: instant.label } : instant.kind === 'event' ? { stopAtEvent: instant.event } : {};
  const replayed = await replayTrace(path, { ...replayOptions, ...stop, context: ctx });
  return walk(replayed.replayer, ctx, path, instant, null);
}

function walk(r: ReplayView, ctx: ImportContext, path: string, instant: StacksInstant, footprintBytes: number | null): LiveStacksAt {
  return {
    file: traceDisplayName(path),
    python: r.geometry.version,
    instant: instant.kind,
    at: instantOf(r),
    footprintBytes,
    live: liveStacksOf(r, ctx.stacks),
  };
}
