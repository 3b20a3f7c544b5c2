// Replay one trace file end to end: open it, import it (streaming) into the
// replayer, stopping early when asked (a mark, or --at-event N). It opens
// files, so it is the drivers' own step; what it returns
// (replay/replayed-trace.ts) is what analyzers read.

import { count } from '../text/units.js';
import { MemreplayError, TraceLimitError } from '../errors.js';
import { ArenaLimitError } from '../models/pymalloc/pymalloc-model.js';
import { LiveBlockLimitError } from '../replay/live-blocks.js';
import { MappingLimitError } from '../replay/mappings.js';
import { ImportContext } from '../import/import-context.js';
import { importTrace, type ImportOptions, type ImportSummary } from '../import/index.js';
import { traceDisplayName } from '../import/source.js';
import type { TraceFormatName } from '../import/types.js';
import { markCensusObserver, noMarkLabelled } from '../replay/missing-mark.js';
import { completenessOfReplay, type ReplayedTrace } from '../replay/replayed-trace.js';
import { Replayer, ReplayStop, type ReplayOptions } from '../replay/replayer.js';
import type { ReplayObserver } from '../replay/replay-view.js';

export type { ReplayedTrace } from '../replay/replayed-trace.js';

export interface ReplayTraceOptions extends ReplayOptions, Omit<ImportOptions, 'context'> {
  /**
   * The import context to fill (stack table, address space); default a new
   * one. Observers that name call sites during the replay pass their own.
   */
  context?: ImportContext;
  /**
   * With stopAtMark: a trace without that mark is replayed to its end instead
   * of being an error (a default instant, analyzers/instant.ts, not an --at).
   */
  markOptional?: boolean;
}

/**
 * What a driver's caller may add to its replay, beside its options: observers
 * riding the one pass, the import context to fill (observers that name call
 * sites pass theirs), progress, and the stream read for `-`.
 */
export interface ReplayHooks {
  readonly observers?: ReplayObserver[];
  readonly context?: ImportContext;
  readonly onProgress?: ImportOptions['onProgress'];
  readonly stdin?: ImportOptions['stdin'];
}



export async function replayTrace(path: string, options: ReplayTraceOptions = {}): Promise<ReplayedTrace> {
  const ctx = options.context ?? new ImportContext(traceDisplayName(path), options.lenient ?? false);
  // With --at, the marks are counted, so that a label not found can be answered with those there are.
  const marks = options.stopAtMark !== undefined ? markCensusObserver() : undefined;
  const replayer = new Replayer(ctx.addresses, marks ? { ...options, observers: [...(options.observers ?? []), marks] } : options);
  let summary: ImportSummary | null = null;
  let source: ReplayedTrace['source'] | undefined;
  const onFormat = (format: TraceFormatName, gzip: boolean): void => {
    source = { format, gzip };
    options.onFormat?.(format, gzip);
  };
  try {
    summary = await importTrace(path, { ...options, context: ctx, onFormat }, replayer);
  } catch (e) {
    if (e instanceof ArenaLimitError || e instanceof LiveBlockLimitError || e instanceof MappingLimitError) throw new TraceLimitError(ctx.fileName, replayer.line, e.message);
    if (!(e instanceof ReplayStop)) throw e;
  }
  // A replay stops only on a record, so the format was chosen before.
  if (source === undefined) throw new Error(`${ctx.fileName}: the import ended without choosing a format`);
  if (replayer.stopped) return { replayer, ctx, summary, source, stoppedEarly: true, completeness: completenessOfReplay(replayer, true) };
  if (!replayer.started) {
    // No header/meta reached the replayer: an empty trace is reported by the importer; this is a guard.
    throw new MemreplayError(`${ctx.fileName}: the trace has no events`);
  }
  replayer.finish();
  if (options.stopAtMark !== undefined && options.markOptional !== true) throw noMarkLabelled(ctx.fileName, options.stopAtMark, marks!.census());
  if (options.stopAtEvent !== undefined) {
    throw new MemreplayError(
      `${ctx.fileName}: --at-event ${options.stopAtEvent} is past the end of the trace (${count(replayer.events, 'event')})`,
    );
  }
  return { replayer, ctx, summary, source, stoppedEarly: false, completeness: completenessOfReplay(replayer, false) };
}
