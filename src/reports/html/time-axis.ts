// The x axis of the report's charts over the trace: time in seconds since
// the trace's first timestamp when the trace has timestamps, else the event
// number — labelled either way. A chart places each bucket of events at its
// last event; with timestamps, at that event's time.
//
// Timestamps are the trace's (integer nanoseconds from any origin) and need
// not rise: threads write theirs out of order. The axis keeps to the order
// of the events: an instant is never placed left of the one before it.

import type { Timeline, TimelineBucket, TraceInstant } from '../../analyzers/report-data.js';
import { COUNT_LABEL } from './chart-theme.js';

export interface TraceAxis {
  /** The axis title: "event", or "seconds since the first timestamp". */
  readonly title: string;
  /** The vega expression printing its tick values. */
  readonly labelExpr: string;
  /** True when x is in seconds. */
  readonly seconds: boolean;
  /** The x of each instant given, in the order given (instants in trace order). */
  positions(instants: readonly TraceInstant[]): number[];
  /** The x of the start of the trace (event 0, or the first timestamp). */
  readonly origin: number;
}

const NS_PER_SECOND = 1e9;
export const EVENT_AXIS_TITLE = 'event';
export const SECONDS_AXIS_TITLE = 'seconds since the first timestamp';

const EVENT_AXIS: TraceAxis = {
  title: EVENT_AXIS_TITLE,
  labelExpr: COUNT_LABEL,
  seconds: false,
  positions: (instants) => instants.map((i) => i.event),
  origin: 0,
};

/**
 * Seconds when the timeline has a first timestamp and every bucket drawn a
 * timestamp of its own (a trace that has them on some records only is drawn
 * by event: its gaps would have no place in time); else events. `buckets`
 * are those the chart draws (default: the whole timeline's); an instant is
 * placed at its own timestamp within the bucket that holds it, or, without
 * one, between the bucket ends around it in proportion to its event.
 * `eventLabel` overrides how event numbers print.
 */
export function traceAxisOf(timeline: Timeline, buckets: readonly TimelineBucket[] = timeline.buckets, eventLabel?: string): TraceAxis {
  const first = timeline.firstTs;
  if (first === null || buckets.length === 0 || buckets.some((b) => b.ts === null)) {
    return eventLabel === undefined ? EVENT_AXIS : { ...EVENT_AXIS, labelExpr: eventLabel };
  }
  // Each bucket end's event and time, the time never going back.
  const ends = buckets.map((b) => b.event);
  const times: number[] = [];
  let latest = 0;
  for (const b of buckets) {
    latest = Math.max(latest, (b.ts! - first) / NS_PER_SECOND);
    times.push(latest);
  }
  const place = (i: TraceInstant): number => {
    let lo = 0;
    let hi = ends.length - 1;
    if (i.event > ends[hi]!) return times[hi]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! < i.event) lo = mid + 1;
      else hi = mid;
    }
    const e0 = lo === 0 ? 0 : ends[lo - 1]!;
    const t0 = lo === 0 ? 0 : times[lo - 1]!;
    const t1 = times[lo]!;
    if (i.ts !== null) return Math.min(t1, Math.max(t0, (i.ts - first) / NS_PER_SECOND));
    const e1 = ends[lo]!;
    return e1 <= e0 ? t1 : t0 + ((t1 - t0) * Math.max(0, i.event - e0)) / (e1 - e0);
  };
  return {
    title: SECONDS_AXIS_TITLE,
    // 0.25, 1.5, 12, 1,200: no SI suffix, whose "m" would read as minutes.
    labelExpr: "format(datum.value, ',~g')",
    seconds: true,
    positions: (instants) => instants.map(place),
    origin: 0,
  };
}
