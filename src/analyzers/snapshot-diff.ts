// tracemalloc's Snapshot.compare_to(old, key_type, cumulative), reproduced
// exactly (CPython 3.8-3.13 Lib/tracemalloc.py, identical in this respect):
//
// Grouping (Snapshot._group_by), over each trace's traceback:
//   'traceback' - the whole traceback;
//   'lineno'    - its most recent frame;
//   'filename'  - (most recent frame's filename, 0);
//   cumulative ('lineno' / 'filename' only): every frame of the traceback
//   counts the trace, once per occurrence - a recursive function's line
//   counts a block as often as it is on the stack, as in Python.
// Comparing (_compare_grouped_stats): a group of the new snapshot gets
// size_diff = size - old size and count_diff = count - old count (the whole
// size and count when the old snapshot lacks it); a group only in the old
// snapshot becomes size 0, count 0 with negative diffs.
// Order (StatisticDiff._sort_key, sorted with reverse=True): descending by
// (abs(size_diff), size, abs(count_diff), count, traceback), where Traceback
// compares its frames oldest first as tuples of (filename, lineno): file
// names by code point (not UTF-16 unit, as JS would), then line numbers, a
// shorter traceback first when it is a prefix. Groups are distinct
// tracebacks, so there are no ties and the order is total.
//
// Traces are summed per traceback before this (snapshot.ts), which changes
// no sum; the domain plays no part, as in Python.

import { UsageError } from '../errors.js';
import { frameKey, frameKeyOf, type Snapshot, type SnapshotFrame } from '../events/snapshot.js';

export type DiffKey = 'lineno' | 'filename' | 'traceback';
export const DIFF_KEYS: readonly DiffKey[] = ['lineno', 'filename', 'traceback'];

export interface Statistic {
  /** tracemalloc.Statistic.traceback: the group's frames, oldest first. */
  readonly frames: readonly SnapshotFrame[];
  size: number;
  count: number;
}

export interface StatisticDiff {
  readonly frames: readonly SnapshotFrame[];
  readonly size: number;
  readonly sizeDiff: number;
  readonly count: number;
  readonly countDiff: number;
}

/** Snapshot._group_by: statistics by group key, in first-seen order. */
export function groupStatistics(snapshot: Snapshot, key: DiffKey, cumulative: boolean): Map<string, Statistic> {
  if (cumulative && key === 'traceback') {
    throw new UsageError("cumulative statistics group by 'lineno' or 'filename', not by 'traceback' (as in tracemalloc)");
  }
  const stats = new Map<string, Statistic>();
  const add = (k: string, frames: () => readonly SnapshotFrame[], size: number, count: number): void => {
    const s = stats.get(k);
    if (s === undefined) stats.set(k, { frames: frames(), size, count });
    else {
      s.size += size;
      s.count += count;
    }
  };
  // Once per file name (a long one is digested), not once per frame that names it.
  const fileKeys = new Map<string, string>();
  const fileKey = (filename: string): string => {
    let k = fileKeys.get(filename);
    if (k === undefined) fileKeys.set(filename, (k = frameKey(filename, 0)));
    return k;
  };
  for (const t of snapshot.tracebacks) {
    const frames = t.frames;
    if (key === 'traceback') {
      add(t.key, () => frames, t.size, t.count);
      continue;
    }
    const from = cumulative ? 0 : frames.length - 1;
    for (let i = from; i < frames.length; i++) {
      const f = frames[i]!;
      if (key === 'lineno') add(frameKeyOf(f), () => [f], t.size, t.count);
      else add(fileKey(f.filename), () => [fileFrame(f)], t.size, t.count);
    }
  }
  return stats;
}

/** Snapshot.compare_to: `newer` compared with `older`, in tracemalloc's order. */
export function compareSnapshots(newer: Snapshot, older: Snapshot, key: DiffKey, cumulative: boolean): StatisticDiff[] {
  const oldGroups = groupStatistics(older, key, cumulative);
  const newGroups = groupStatistics(newer, key, cumulative);
  const out: StatisticDiff[] = [];
  for (const [k, s] of newGroups) {
    const previous = oldGroups.get(k);
    oldGroups.delete(k);
    out.push({
      frames: s.frames,
      size: s.size,
      sizeDiff: previous === undefined ? s.size : s.size - previous.size,
      count: s.count,
      countDiff: previous === undefined ? s.count : s.count - previous.count,
    });
  }
  for (const s of oldGroups.values()) {
    out.push({ frames: s.frames, size: 0, sizeDiff: -s.size, count: 0, countDiff: -s.count });
  }
  return out.sort(compareStatisticDiffs);
}

/** StatisticDiff._sort_key, reversed: the first of two is the one Python lists first. */
export function compareStatisticDiffs(a: StatisticDiff, b: StatisticDiff): number {
  return (
    Math.abs(b.sizeDiff) - Math.abs(a.sizeDiff) ||
    b.size - a.size ||
    Math.abs(b.countDiff) - Math.abs(a.countDiff) ||
    b.count - a.count ||
    compareTracebacks(b.frames, a.frames)
  );
}

/** Traceback.__lt__: frames (oldest first) as tuples of (filename, lineno). */
export function compareTracebacks(a: readonly SnapshotFrame[], b: readonly SnapshotFrame[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const fa = a[i]!;
    const fb = b[i]!;
    if (fa === fb) continue;
    const byName = compareCodePoints(fa.filename, fb.filename);
    if (byName !== 0) return byName;
    if (fa.lineno !== fb.lineno) return fa.lineno < fb.lineno ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Python's str order: by code point. JS compares UTF-16 units, which puts
 * U+E000..U+FFFF after the surrogate pairs of U+10000 and above; at the first
 * differing unit, the code points that contain it are compared instead (a
 * lone surrogate, as surrogateescape file names have, is its own code point).
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    const start = i > 0 && isHigh(a.charCodeAt(i - 1)) && (isLow(x) || isLow(y)) ? i - 1 : i;
    return a.codePointAt(start)! - b.codePointAt(start)!;
  }
  return a.length - b.length;
}

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

const fileFrames = new WeakMap<SnapshotFrame, SnapshotFrame>();

/** (filename, 0): the frame of a 'filename' group. */
function fileFrame(f: SnapshotFrame): SnapshotFrame {
  let g = fileFrames.get(f);
  if (g === undefined) {
    g = { filename: f.filename, lineno: 0, ...(f.pseudo === true ? { pseudo: true } : {}) };
    fileFrames.set(f, g);
  }
  return g;
}

export interface SnapshotDiffResult {
  readonly by: DiffKey;
  readonly cumulative: boolean;
  readonly old: Snapshot;
  readonly new: Snapshot;
  /** compare_to's statistics, in its order. */
  readonly statistics: readonly StatisticDiff[];
}

export function diffSnapshots(older: Snapshot, newer: Snapshot, by: DiffKey, cumulative: boolean): SnapshotDiffResult {
  return { by, cumulative, old: older, new: newer, statistics: compareSnapshots(newer, older, by, cumulative) };
}
