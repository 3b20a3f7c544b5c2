// The lines Python prints for `for stat in new.compare_to(old, key): print(stat)`:
// StatisticDiff.__str__ and _format_size of CPython 3.8-3.13 Lib/tracemalloc.py,
//   "<traceback>: size=<size> (<+size_diff>), count=<count> (<+count_diff>)[, average=<avg>]"
// where <traceback> is str(Traceback) = its oldest frame "filename:lineno",
// the average (size / count) is added only when count is not 0, and
// _format_size picks the unit: below 10 KiB whole bytes ("%.0f B"), then per
// unit one decimal under 100 ("%.1f KiB") or none under 10240 ("%.0f KiB"),
// dividing by 1024 up to TiB. File names are printed as they are, like Python.

import type { StatisticDiff } from '../analyzers/snapshot-diff.js';
import { pyFixed } from './python-format.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** tracemalloc._format_size(size, sign). */
export function formatSize(size: number, sign: boolean): string {
  let v = size === 0 ? 0 : size; // Python ints have no -0 (a -0 here is 0 - 0 of an int)
  for (const unit of UNITS) {
    if (Math.abs(v) < 100 && unit !== 'B') return `${pyFixed(v, 1, sign)} ${unit}`;
    if (Math.abs(v) < 10 * 1024 || unit === 'TiB') return `${pyFixed(v, 0, sign)} ${unit}`;
    v /= 1024;
  }
  throw new Error('unreachable: TiB always returns');
}

/** str(StatisticDiff). */
export function formatStatisticDiff(s: StatisticDiff): string {
  const oldest = s.frames[0]!;
  const countDiff = s.countDiff === 0 ? '+0' : s.countDiff > 0 ? `+${s.countDiff}` : String(s.countDiff);
  let text = `${oldest.filename}:${oldest.lineno}: size=${formatSize(s.size, false)} (${formatSize(s.sizeDiff, true)}), count=${s.count} (${countDiff})`;
  if (s.count !== 0) text += `, average=${formatSize(s.size / s.count, false)}`;
  return text;
}

/** One line per statistic, each ended by a newline, as print() writes them. */
export function formatTracemallocLines(stats: readonly StatisticDiff[]): string {
  let out = '';
  for (const s of stats) out += formatStatisticDiff(s) + '\n';
  return out;
}
