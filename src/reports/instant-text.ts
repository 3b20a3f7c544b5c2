// The words for the instant a result is judged at, for every text output
// (terminal, Markdown, HTML, SARIF, GitHub): one wording, so that `analyze`,
// `leaks`, `check`, `diff` and `report` name their instant alike.

import { thousands } from '../text/units.js';

/** Quotes a mark label for the output at hand (terminal-safe, Markdown, HTML). */
export type Quote = (text: string) => string;

/** The judged instant as results carry it (analyze's, report's `at`; leaks' `at`). */
export interface InstantFields {
  readonly event: number;
  readonly mark: string | null;
  readonly end: boolean;
  /** Seconds since the trace's first timestamp, when the result has them. */
  readonly seconds?: number | null;
}

/** JSON quoting, cut to 40 characters: for terminal text that has no quoting of its own. */
export const jsonQuote: Quote = (text) => JSON.stringify(text.length > 40 ? text.slice(0, 39) + '…' : text);

/** `at mark "stats"` or `at the end of the trace`: inside a sentence. */
export function instantText(at: InstantFields, quote: Quote = jsonQuote): string {
  return at.end || at.mark === null ? 'at the end of the trace' : `at mark ${quote(at.mark)}`;
}

/** `at mark "stats" (event 1,234, 0.52 s)`: after a heading, with where the instant lies in the trace. */
export function instantHeading(at: InstantFields, quote: Quote = jsonQuote): string {
  return `${instantText(at, quote)} (${placeText(at)})`;
}

/**
 * Two traces' instants (`diff`): `at mark "stats" (old event 1,234, 0.52 s;
 * new event 1,301, 0.55 s)` when both are the same mark or both the end,
 * else `old at the end of the trace (event …), new at mark "stats" (event …)`.
 */
export function instantPairHeading(older: InstantFields, newer: InstantFields, quote: Quote = jsonQuote): string {
  const same = older.end === newer.end && older.mark === newer.mark;
  return same
    ? `${instantText(older, quote)} (old ${placeText(older)}; new ${placeText(newer)})`
    : `old ${instantHeading(older, quote)}, new ${instantHeading(newer, quote)}`;
}

/** "event 1,234, 0.52 s", or "event 1,234" without timestamps. */
function placeText(at: InstantFields): string {
  const when = at.seconds === undefined || at.seconds === null ? '' : `, ${secondsText(at.seconds)}`;
  return `event ${thousands(at.event)}${when}`;
}

/** "0.52 s", "12.3 s", "1,234 s": seconds to three significant digits (whole seconds from 1,000). */
export function secondsText(seconds: number): string {
  if (seconds >= 1000) return `${thousands(Math.round(seconds))} s`;
  return `${Number(seconds.toPrecision(3))} s`;
}

/** "At mark …" for the start of a sentence or a caption. */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
