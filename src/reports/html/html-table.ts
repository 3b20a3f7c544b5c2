// Tables and small pieces of markup shared by the report sections. Cells are
// markup: callers build them from escapeHtml/traceText and our own numbers.

import { MAX_CORE, shortSiteName } from '../site-name.js';
import { clip, escapeHtml } from './escape.js';
import { count } from './format.js';
import { leakVerdictText, type LeakVerdict } from '../leak-verdict.js';

export interface Column<R> {
  /** Our words; escaped here. */
  readonly header: string;
  /** The cell's markup. */
  readonly cell: (row: R, index: number) => string;
  /** Right-aligned, tabular digits. */
  readonly numeric?: boolean;
}

export function htmlTable<R>(rows: readonly R[], columns: readonly Column<R>[], caption?: string): string {
  const cls = (c: Column<R>) => (c.numeric ? ' class="num"' : '');
  const head = columns.map((c) => `<th${cls(c)}>${escapeHtml(c.header)}</th>`).join('');
  const body = rows.map((r, i) => `<tr>${columns.map((c) => `<td${cls(c)}>${c.cell(r, i)}</td>`).join('')}</tr>`).join('\n');
  // In a box of its own that scrolls sideways: a wide table never widens the page.
  return `<div class="table-wrap"><table>${caption === undefined ? '' : `<caption>${escapeHtml(caption)}</caption>`}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * Trace text (clipped, escaped) with a line-break opportunity after each
 * slash: a call site's file path wraps between its directories, so a table of
 * sites shrinks to its column instead of scrolling sideways. (overflow-wrap
 * cannot do this: it never lets a table cell get narrower than its longest
 * word, and a path is one word.)
 */
export function slashWrapText(text: string, max = 160): string {
  return clip(text, max).split('/').map(escapeHtml).join('/<wbr>');
}

/** A call site (or any trace text) in monospace, with its full stack behind a disclosure when there is one. */
export function siteCell(site: string, stack?: readonly string[]): string {
  // Shortened in its path, never in its function, file name or line (a traceback: outer frames first).
  const name = `<span class="site">${slashWrapText(shortSiteName(site, 200), MAX_CORE)}</span>`;
  if (stack === undefined || stack.length <= 1) return name;
  // Innermost frame first, as tracebacks read from the allocation outwards; at most 12 frames.
  const frames = [...stack].reverse().slice(0, 12);
  const more = stack.length - frames.length;
  return `<details><summary>${name}</summary><ol class="stack">${frames.map((f) => `<li class="site">${slashWrapText(f, 200)}</li>`).join('')}${more > 0 ? `<li class="muted">… ${count(more, 'more frame')}</li>` : ''}</ol></details>`;
}

/**
 * A file path (trace text) that wraps only after a slash: each part between
 * slashes is kept whole, so "reclaim-3.11.csv.gz" never splits at its hyphen.
 */
export function pathHtml(path: string, max = 160): string {
  return clip(path, max)
    .split('/')
    .map((part) => (part === '' ? '' : `<span class="nowrap">${escapeHtml(part)}</span>`))
    .join('/<wbr>');
}

/** A paragraph of our own text (escaped). */
export function para(text: string, cls?: string): string {
  return `<p${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</p>`;
}

/** A trace's leak verdict, as the index and the report's summary say it: a steady leak in bold red. */
export function leakVerdictHtml(verdict: LeakVerdict, steadyLeakSites: number): string {
  const text = escapeHtml(leakVerdictText(verdict, steadyLeakSites));
  return verdict === 'steady_leak' ? `<b class="warn">${text}</b>` : text;
}
