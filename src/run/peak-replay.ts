// The report's second replay (analyzers/peak-sites.ts says why there is
// one): the trace read again up to the last high-water instant, with
// PeakCapture grouping the live blocks at each.

import type { ImportContext } from '../import/import-context.js';
import type { ReplayView } from '../replay/replay-view.js';
import { replayTrace } from './replay-trace.js';
import type { TraceOptions } from '../options/trace-options.js';
import type { LiveBlocksSummary } from '../analyzers/live-sites.js';
import { PeakCapture, type AlongTheWay } from '../analyzers/peak-sites.js';
import type { SiteGroupingOptions } from '../analyzers/site-table.js';
import { WalkScratch } from '../analyzers/walk-scratch.js';

/**
 * Replay `path` again up to the last of `events` (or `along.untilEvent`, if
 * later), calling `atPeak` and grouping the live blocks at each. `ctx` must
 * be a fresh import context; `scratch` serves the walks (and can serve
 * `atPeak`'s).
 */
export async function captureAtEvents(
  path: string,
  events: readonly number[],
  ctx: ImportContext,
  trace: TraceOptions,
  top: number,
  sites: SiteGroupingOptions,
  atPeak: (r: ReplayView, ctx: ImportContext) => void,
  along: AlongTheWay = { observers: [], untilEvent: 0 },
  scratch: WalkScratch = new WalkScratch(),
): Promise<Map<number, LiveBlocksSummary>> {
  const capture = new PeakCapture(events, ctx, top, sites, atPeak, scratch);
  const stop = Math.max(capture.lastEvent, along.untilEvent);
  if (stop === 0) return capture.live;
  await replayTrace(path, { ...trace, context: ctx, stopAtEvent: stop, observers: [capture, ...along.observers] });
  return capture.live;
}
