// Numbers and instants as the HTML report writes them (markup, escaped).

import type { TraceInstant } from '../../analyzers/report-data.js';
import { bytes, count, percent, plural, thousands } from '../../text/units.js';
import { escapeHtml, traceText } from './escape.js';

export { bytes, count, percent, plural, thousands };

/** "event 1,234 (line 1,240, ts 99, after mark “warm-up”)": when something happened. */
export function instantHtml(i: TraceInstant): string {
  if (i.event === 0) return 'never';
  const parts = [`line ${thousands(i.line)}`];
  if (i.ts !== null) parts.push(`ts ${escapeHtml(String(i.ts))}`);
  if (i.mark !== null) parts.push(`after mark “${traceText(i.mark, 60)}”`);
  return `event ${thousands(i.event)} (${parts.join(', ')})`;
}

/** `part` of `whole` as a percentage, or an empty string when the whole is 0. */
export function shareOf(part: number, whole: number): string {
  return whole === 0 ? '' : percent(part / whole);
}
