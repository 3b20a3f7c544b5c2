// The short churn section of `memreplay analyze` (analyzers/churn.ts): the
// window's totals, the rule a temporary allocation is counted by, the sites
// that allocate most often, and the size classes most requests round to.

import type { ChurnFigures, ChurnResult, SizeBucket } from '../analyzers/churn.js';
import { nameBudget, terminalSiteName } from './site-name.js';
import { bytes, count, percent, terminalSafe, thousands } from '../text/units.js';

/** Sites the analyze section lists at most (the JSON lists --top). */
const TEXT_SITES = 5;
/** Size buckets the section names. */
const TEXT_SIZES = 3;

const quote = (label: string): string => JSON.stringify(terminalSafe(label, 40));

/** `the whole run`, `from mark "a" (event 12) to the end`, `from the start to mark "b" (event 90)`. */
export function churnWindowText(c: ChurnResult): string {
  const { from, to, firstEvent, lastEvent } = c.window;
  if (from === null && to === null) return 'the whole run';
  const start = from === null ? 'the start' : `mark ${quote(from)} (event ${thousands(firstEvent - 1)})`;
  const end = to === null ? 'the end' : `mark ${quote(to)} (event ${thousands(lastEvent)})`;
  return `from ${start} to ${end}`;
}

/** churnWindowText at the head of a sentence: `Over the whole run`, `From the start to mark "b" (event 90)`. */
export function churnWindowOpening(c: ChurnResult): string {
  const text = churnWindowText(c);
  return text === 'the whole run' ? 'Over the whole run' : 'F' + text.slice(1);
}

/** A mean lifetime: `1,234 events`, with the time when the trace has timestamps. */
export function lifetimeText(f: ChurnFigures): string {
  if (f.meanLifetimeEvents === null) return 'none freed';
  const events = `${thousands(Math.round(f.meanLifetimeEvents))} events`;
  return f.meanLifetimeNs === null ? events : `${events}, ${durationText(f.meanLifetimeNs)}`;
}

/** Nanoseconds as ns, µs, ms or s, three significant digits. */
export function durationText(ns: number): string {
  const units: [number, string][] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs']];
  for (const [scale, unit] of units) if (Math.abs(ns) >= scale) return `${Number((ns / scale).toPrecision(3))} ${unit}`;
  return `${Math.round(ns)} ns`;
}

/** A bucket bound: `1 KiB`, `2 MiB` for the powers of two that end C-library buckets, else `1,025 B`. */
function boundText(n: number): string {
  for (const [scale, unit] of [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']] as const) if (n >= scale && n % scale === 0) return `${thousands(n / scale)} ${unit}`;
  return `${thousands(n)} B`;
}

/** A bucket in a few characters, for a chart's axis: `32 B` (the block size a class rounds to), `513 B-1 KiB` (C library). */
export function sizeBucketShort(b: SizeBucket): string {
  if (b.sizeClass !== null) return `${b.blockSize} B`;
  return b.minSize === b.maxSize ? boundText(b.minSize) : `${boundText(b.minSize)}-${boundText(b.maxSize)}`;
}

/** `17-32 B (class 1, 32-byte blocks)`, `0 B (C library)` or `513 B-1 KiB (C library)`. */
export function sizeBucketText(b: SizeBucket): string {
  if (b.sizeClass !== null) return `${thousands(b.minSize)}-${thousands(b.maxSize)} B (class ${b.sizeClass}, ${b.blockSize}-byte blocks)`;
  return `${b.minSize === b.maxSize ? boundText(b.minSize) : `${boundText(b.minSize)}-${boundText(b.maxSize)}`} (C library)`;
}

export function churnLines(c: ChurnResult, width?: number): string[] {
  const t = c.totals;
  const out = [
    `allocation churn, ${churnWindowText(c)}: ${count(t.allocations, 'allocation')}, ${bytes(t.allocatedBytes)} allocated, ` +
      `${thousands(t.temporary)} temporary${t.allocations === 0 ? '' : ` (${percent(t.temporary / t.allocations)})`}; mean lifetime ${lifetimeText(t)}`,
    `  temporary: ${c.temporaryRule}`,
  ];
  if (c.sites.length === 0) return out;
  const shown = c.sites.slice(0, TEXT_SITES);
  out.push(`  most allocations (top ${thousands(shown.length)} of ${count(c.totalSites, 'site')}):`);
  const nameColumn = nameBudget(width, 46, 90);
  out.push(`  ${'allocations'.padStart(12)} ${'allocated'.padStart(10)} ${'temporary'.padStart(11)} ${'lifetime'.padStart(9)}  site`);
  for (const s of shown) {
    out.push(`  ${thousands(s.allocations).padStart(12)} ${bytes(s.allocatedBytes).padStart(10)} ${percent(s.allocations === 0 ? 0 : s.temporary / s.allocations).padStart(11)} ${lifetimeShort(s).padStart(9)}  ${terminalSiteName(s.key, nameColumn)}`);
  }
  const sizes = [...c.sizes].sort((a, b) => b.allocations - a.allocations).slice(0, TEXT_SIZES);
  out.push(`  most requested sizes: ${sizes.map((b) => `${sizeBucketText(b)} ${percent(b.allocations / t.allocations)}`).join('; ')}`);
  return out;
}

/** A site's mean lifetime in a column: events only. */
function lifetimeShort(f: ChurnFigures): string {
  return f.meanLifetimeEvents === null ? '-' : `${thousands(Math.round(f.meanLifetimeEvents))} ev`;
}
