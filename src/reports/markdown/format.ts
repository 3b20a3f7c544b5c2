// What every Markdown section writes with: trace text made inert, tables,
// instants, text sparklines.

import type { TraceInstant } from '../../analyzers/report-data.js';
import type { Quote } from '../instant-text.js';
import { MAX_CORE, shortSiteName } from '../site-name.js';
import { thousands } from '../../text/units.js';
import { visibleControls } from '../../text/visible-controls.js';

/** Rows of a ranking table. */
export const ROWS = 10;
const SPARK = '▁▂▃▄▅▆▇█';

/**
 * Trace text made inert in Markdown, and shown as it is: one line, bounded,
 * with a backslash before exactly what Markdown (CommonMark and GitHub's
 * extensions) would read as syntax in a table cell or a list item — `\`,
 * backticks, emphasis (`*`, `_`, `~`), brackets (links, images), `<` (HTML
 * and autolinks), `|` (table cells), an `&` that starts an entity, and the
 * `://`, `//`, `www.` and `@` of bare links GitHub would turn into links (and a
 * leading `-`, `+`, `#`, `>`, `=` or `1.` that would start a block). No HTML
 * entities: "C library (size 0 or > 512)" stays as it is. Line breaks become
 * spaces, other control characters visible `\x1b` escapes.
 */
export function mdText(text: string, max = 120): string {
  const clipped = text.length > max ? text.slice(0, max - 1) + '…' : text;
  return visibleControls(clipped.replace(/[\r\n\u2028\u2029]/g, ' '))
    .replace(/[\\`*_~[\]<|@]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\/(?=\/)/g, '/\\')
    .replace(/\b(www)\./gi, '$1\\.')
    // At the start of a list item's text, these would open a nested list, quote or heading.
    .replace(/^([-+#>=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A site name in a table cell: shortened in its path, never in its function, file name or line (site-name.ts). */
export function mdSiteName(key: string): string {
  return mdText(shortSiteName(key, 120), MAX_CORE);
}

/** A sparkline of `values` in eight block heights, scaled to their maximum. */
export function textSparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => SPARK[max === 0 ? 0 : Math.min(7, Math.floor((v / max) * 7.999))]).join('');
}

/** A table; columns marked numeric are aligned right. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const align = header.map((_, i) => (numeric[i] ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** An instant of the trace in prose: event, line, timestamp and the mark before it. */
export function when(i: TraceInstant): string {
  if (i.event === 0) return 'never';
  return `event ${thousands(i.event)} (line ${thousands(i.line)}${i.ts !== null ? `, ts ${i.ts}` : ''}${i.mark !== null ? `, after mark “${mdText(i.mark, 60)}”` : ''})`;
}

/** Mark labels in Markdown prose: typographic quotes, cut to 40 characters. */
export const quote: Quote = (text) => `“${text.slice(0, 40)}”`;
