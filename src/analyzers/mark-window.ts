// The stretch of a trace where its marks crowd together. A request loop that
// marks each request often runs in a sliver of the trace (twelve requests
// in 1,600 of 166,000 events): on the whole timeline its marks fall within a
// few pixels and what happens between them cannot be seen. The report
// samples that stretch again, finely, reading the trace a second time up
// to the end of it (report.ts).

/** Consecutive marks at most this share of the trace apart belong to one run. */
const RUN_GAP = 0.01;
/** A run spanning more of the trace than this is already visible on the whole timeline. */
const MAX_SPAN = 0.1;
/** Fewer marks than this are no loop worth a closer look. */
const MIN_MARKS = 3;

export interface EventWindow {
  /** First and last event of the stretch (1-based, inclusive). */
  readonly firstEvent: number;
  readonly lastEvent: number;
  /** How many of the trace's (sampled) marks fall in it. */
  readonly marks: number;
}

/**
 * The run of at least MIN_MARKS marks, each within RUN_GAP of the trace from
 * the one before, with the most marks (the first of equals), widened on
 * each side by its median gap between marks (a request before the first
 * mark, one after the last); null when there is none, or it is not
 * narrow enough to need a closer look. `markEvents` are in trace order.
 */
export function denseMarkWindow(markEvents: readonly number[], totalEvents: number): EventWindow | null {
  const maxGap = totalEvents * RUN_GAP;
  let best: [number, number] | null = null;
  let start = 0;
  for (let i = 1; i <= markEvents.length; i++) {
    if (i < markEvents.length && markEvents[i]! - markEvents[i - 1]! <= maxGap) continue;
    const count = i - start;
    if (count >= MIN_MARKS && (best === null || count > best[1] - best[0] + 1)) best = [start, i - 1];
    start = i;
  }
  if (best === null) return null;
  const [first, last] = best;
  const e0 = markEvents[first]!;
  const e1 = markEvents[last]!;
  if (e1 - e0 > totalEvents * MAX_SPAN) return null;
  const gaps = markEvents.slice(first + 1, last + 1).map((e, k) => e - markEvents[first + k]!);
  gaps.sort((a, b) => a - b);
  const pad = Math.max(1, gaps[Math.floor(gaps.length / 2)]!);
  return { firstEvent: Math.max(1, e0 - pad), lastEvent: Math.min(totalEvents, e1 + pad), marks: last - first + 1 };
}
