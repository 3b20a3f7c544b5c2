// The words for growth (analyzers/growth.ts, growth-rule.ts) shared by every
// report that shows it — `memreplay leaks` in a terminal and the report's
// leak section in HTML and Markdown — so they say the same thing alike.
// Plain text: callers escape it for their medium.

import type { LeaksResult, LeaksSite } from '../analyzers/leaks.js';
import type { GrowthClass } from '../analyzers/growth-rule.js';
import { bytes, thousands } from './units.js';

export const GROWTH_CLASS_NAMES: Readonly<Record<GrowthClass, string>> = {
  steady_leak: 'steady leak',
  retained_once: 'retained once',
  transient: 'transient',
};

/**
 * Why a listed site holds nothing at the reported instant: everything it
 * allocated was freed after the last growth sample (Python frees module
 * globals at exit, after the last mark), or it is transient.
 */
export function freedNote(r: LeaksResult, site: LeaksSite): string | null {
  if (site.blocks > 0 || site.growth.class === 'transient') return null;
  return `all freed ${r.at.end ? 'by the end of the trace' : 'by this mark'}, after the last sample`;
}

/** What one interval is: a mark or a window of events. */
export function intervalUnit(r: LeaksResult): 'mark' | 'window' {
  return r.growth.basis === 'marks' ? 'mark' : 'window';
}

/** "+1.50 KiB per mark": a site's least-squares slope after the warm-up. */
export function slopeText(r: LeaksResult, slope: number): string {
  const rounded = Math.round(slope);
  return `${rounded < 0 ? '−' : '+'}${bytes(Math.abs(rounded))} per ${intervalUnit(r)}`;
}

/**
 * "12 marks; warm-up 1 mark, 11 intervals after it: 1 steady-state leak
 * site, 20 retained once, 39 transient". `quote` renders the user's --marks
 * glob for the medium.
 */
export function growthSummary(r: LeaksResult, quote: (text: string) => string): string {
  const g = r.growth;
  const basis =
    g.basis === 'marks'
      ? `${thousands(g.boundaries)} marks${g.markFilter !== null ? ` matching ${quote(g.markFilter)}` : ''}`
      : `no usable marks, ${thousands(g.samples.length - 1)} windows of ${thousands(g.eventsPerWindow ?? 0)} events`;
  return (
    `${basis}; warm-up ${counted(g.warmup, intervalUnit(r))}, ${counted(g.steadyIntervals, 'interval')} after it: ` +
    `${counted(g.steadyLeakSites, 'steady-state leak site')}, ${thousands(g.retainedOnceSites)} retained once, ${thousands(g.transientSites)} transient`
  );
}

function counted(n: number, noun: string): string {
  return `${thousands(n)} ${noun}${n === 1 ? '' : 's'}`;
}
