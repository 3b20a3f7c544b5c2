// The words for growth (analyzers/growth.ts, growth-rule.ts) shared by every
// report that shows it — `memreplay leaks` in a terminal and the report's
// leak section in HTML and Markdown — so they say the same thing alike.
// Plain text: callers escape it for their medium.

import type { LeaksResult, LeaksSite } from '../analyzers/leaks.js';
import type { GrowthClass } from '../analyzers/growth-rule.js';
import { bytes, count, thousands } from '../text/units.js';

export const GROWTH_CLASS_NAMES: Readonly<Record<GrowthClass, string>> = {
  steady_leak: 'steady leak',
  bounded: 'bounded',
  retained_once: 'retained once',
  transient: 'transient',
};

/**
 * Why a listed site holds nothing at the reported instant: everything it
 * allocated was freed after the last growth sample (Python frees module
 * globals at exit, after the last mark); null when it holds blocks or is
 * transient.
 */
export function freedNote(r: LeaksResult, site: LeaksSite): string | null {
  if (site.blocks > 0 || site.growth.class === 'transient') return null;
  return freedAfterSamplesText(r);
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

/** Renders text from the user or the trace (a glob, a mark label) for the medium: quoted, escaped, bounded. */
export type { Quote } from './instant-text.js';
import { instantText, type Quote } from './instant-text.js';

/**
 * "12 marks; warm-up 1 mark, 11 intervals after it; 62 sites seen (41 of them
 * live at the end of the trace): 1 steady-state leak site, 2 bounded, 20
 * retained once, 39 transient", or with too few intervals "…: no verdict (a
 * verdict needs 3), …". The classes count every site seen at a growth sample
 * or live at the instant, and add up to the sites seen; those live are the
 * sites the live figures count.
 */
export function growthSummary(r: LeaksResult, quote: Quote): string {
  const g = r.growth;
  const basis =
    g.basis === 'marks'
      ? `${count(g.boundaries, 'mark')}${g.markFilter !== null ? ` matching ${quote(g.markFilter)}` : ''}`
      : `no usable marks, ${count(g.samples.length - 1, 'window')} of ${count(g.eventsPerWindow ?? 0, 'event')}`;
  const leaks = g.noVerdict !== null ? `no verdict (a verdict needs ${g.minSteadyIntervals})` : count(g.steadyLeakSites, 'steady-state leak site');
  return (
    `${basis}; warm-up ${warmupText(r)}, ${count(g.steadyIntervals, 'interval')} after it; ` +
    `${count(g.sitesJudged, 'site')} seen (${thousands(r.totals.sites)} of them live ${instantText(r.at, quote)}): ` +
    `${leaks}, ${thousands(g.boundedSites)} bounded, ${thousands(g.retainedOnceSites)} retained once, ${thousands(g.transientSites)} transient`
  );
}

/** "10 marks", "25% (10 windows)": the warm-up as it was asked for. */
export function warmupText(r: LeaksResult): string {
  const n = count(r.growth.warmup, intervalUnit(r));
  return r.growth.warmupPercent === null ? n : `${r.growth.warmupPercent}% (${n})`;
}

/** "no verdict: only 2 intervals after … needs 3": why no site can be called a steady-state leak, or null. */
export function noVerdictText(r: LeaksResult): string | null {
  return r.growth.noVerdict === null ? null : `no leak verdict: ${r.growth.noVerdict}`;
}

/**
 * What to do about no verdict, for the command line. A lower --warmup is
 * offered only when it can help: when there is a warm-up to lower and the
 * trace has enough intervals without one (a single mark never gives 3).
 */
export function noVerdictAdvice(r: LeaksResult): string {
  const g = r.growth;
  const lower = g.firstSteadySample > 0 && g.samples.length - 1 >= g.minSteadyIntervals ? 'lower --warmup, ' : '';
  return g.basis === 'marks'
    ? `${lower}${lower === '' ? 'run' : 'or run'} more iterations (a mark after each)`
    : `${lower}run longer, or mark each iteration (memreplay_marks.mark)`;
}

/**
 * Why a steady-state leak holds nothing at the reported instant: its blocks
 * were freed after the last sample. At the end of a recorded trace that is
 * the interpreter's shutdown, which frees module globals; the `stats` mark
 * comes before it.
 */
export function freedAfterSamplesText(r: LeaksResult): string {
  if (!r.at.end) return 'freed after the last sample, before this mark';
  const stats = r.marks.labels.some((l) => l.label === 'stats');
  return stats
    ? 'freed after the last sample, at interpreter shutdown: --at stats shows the blocks while the interpreter is alive'
    : 'freed after the last sample';
}

/**
 * Where a report's live figures of the leak section are from, in a sentence:
 * the `stats` mark is the recorder's exit mark, with the interpreter alive.
 */
export function leakInstantSentence(r: LeaksResult, quote: Quote): string {
  if (r.at.end) return 'Live bytes are those at the end of the trace.';
  const exit = r.at.mark === 'stats' ? ' (the recorder\'s exit mark: the interpreter is still alive, before shutdown frees module globals)' : '';
  return `Live bytes are those ${instantText(r.at, quote)}${exit}.`;
}

/** A windows basis: the rule needs more intervals and judges fewer sites (docs/leaks.md). */
export const WINDOWS_RULE_TEXT =
  'the trace has no usable marks, so growth is measured over windows of events; windows are not iterations, so a verdict needs 8 windows after the warm-up ' +
  'and only sites with Python frames outside imports are judged';
