// The sites holding the most bytes at the end, with how those bytes built up:
// for each site, the requested bytes of its blocks still live at the end
// that had been allocated by each of `points` evenly spaced events (the
// growth line of a leak). Computed at the end from the live map alone (every
// live block knows the event that allocated it), so the replay keeps no
// history.

import type { Replayer } from '../replay/replayer.js';
import { accumulateLiveSites, exampleStackField, rankLiveSites, type SiteKeys } from './live-sites.js';
import type { LeakSite, LeakSites } from './report-data.js';

export function leakSites(r: Replayer, sites: SiteKeys, top: number, points: number): LeakSites {
  const total = Math.max(1, r.events);
  const n = Math.max(1, Math.min(points, total));
  const growthEvents = Array.from({ length: n }, (_, k) => Math.round((total * (k + 1)) / n));
  const groups = accumulateLiveSites(r, sites);
  const chosen = rankLiveSites(groups).slice(0, top);
  const row = new Map<number, Float64Array>(chosen.map(([id]) => [id, new Float64Array(n)]));
  r.forEachLiveBlock((pool, size, stack, domain, event) => {
    const bins = row.get(sites.idOf(pool, stack, domain));
    if (bins === undefined) return;
    // The first growth point at or after the allocating event.
    let k = Math.max(0, Math.ceil((event * n) / total) - 1);
    while (k > 0 && growthEvents[k - 1]! >= event) k--;
    while (growthEvents[k]! < event) k++;
    bins[k]! += size;
  });
  const out: LeakSite[] = chosen.map(([id, acc]) => {
    const bins = row.get(id)!;
    const growthBytes: number[] = [];
    let sum = 0;
    for (const b of bins) growthBytes.push((sum += b));
    return {
      site: sites.keyOf(id),
      ...exampleStackField(sites.exampleStack(id, acc.stack)),
      blocks: acc.blocks,
      requestedBytes: acc.requested,
      allocatedBytes: acc.allocated,
      firstEvent: acc.first,
      lastEvent: acc.last,
      growthBytes,
    };
  });
  return { groupedBy: sites.grouping, growthEvents, totalSites: groups.size, sites: out };
}
