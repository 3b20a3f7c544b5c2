// Number formatting shared by the text reporters.

import { visibleControls } from './visible-controls.js';

/** Decimal with a comma every three digits, as CPython's printone does. */
export function withCommas(value: number): string {
  return Math.trunc(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1234567 -> "1,234,567", as CPython's stats print numbers. */
export const thousands = withCommas;

/** Bytes in binary units with three significant digits: "1.50 MiB". */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${v} B`;
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}

/**
 * "1 arena", "3 arenas", "1 mismatch", "2 size classes": a count with its
 * noun, for every report (text, Markdown, HTML). Nouns are ours, never from a
 * trace, so the English rule below is enough for them.
 */
export function count(n: number, noun: string): string {
  return `${thousands(n)} ${nounFor(n, noun)}`;
}

/** "block" for 1, "blocks" for any other number: the noun alone, for a column or a sentence that puts the number elsewhere. */
export function nounFor(n: number, noun: string): string {
  return n === 1 ? noun : plural(noun);
}

/** "arenas", "mismatches", "size classes", "entries": the plural of one of our nouns. */
export function plural(noun: string): string {
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return /(s|sh|ch|x)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** Make untrusted trace text safe for a terminal: control characters as visible escapes (`\x1b`), bounded length. */
export function terminalSafe(text: string, max = 120): string {
  return visibleControls(text.length > max ? text.slice(0, max - 1) + '…' : text);
}
