// What was live at the high-water marks. The first pass only learns when
// each peak was reached; keeping the live set at every new high would cost a
// walk of the live map per rise. Instead (as memray does) a second replay
// runs up to the last of those instants and, at each one, groups the live
// blocks by site and hands the replayer to `atPeak` for anything else
// (arena map, pinning). One pass serves every peak.

import type { ImportContext } from '../import/import-context.js';
import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import { groupLiveBlocks, type LiveBlocksSummary } from './live-sites.js';
import type { SiteGroupingOptions } from './site-table.js';
import { WalkScratch } from './walk-scratch.js';

export class PeakCapture implements ReplayObserver {
  private readonly targets: number[];
  private next = 0;
  readonly live = new Map<number, LiveBlocksSummary>();

  constructor(
    events: readonly number[],
    private readonly ctx: ImportContext,
    private readonly top: number,
    private readonly sites: SiteGroupingOptions,
    private readonly atPeak: (r: ReplayView, ctx: ImportContext) => void,
    private readonly scratch: WalkScratch,
  ) {
    this.targets = [...new Set(events.filter((e) => e > 0))].sort((a, b) => a - b);
  }

  get lastEvent(): number {
    return this.targets.at(-1) ?? 0;
  }

  onEvent(r: ReplayView): void {
    if (r.events !== this.targets[this.next]) return;
    this.next++;
    this.live.set(r.events, groupLiveBlocks(r, this.ctx.stacks, this.sites, this.top, this.scratch));
    this.atPeak(r, this.ctx);
  }
}

/** Other observers riding along the second replay, and the event they need it to reach. */
export interface AlongTheWay {
  readonly observers: readonly ReplayObserver[];
  readonly untilEvent: number;
}
