// The A/B table of a compare: per input and mode, the median wall time, CPU
// time and peak RSS of each side's runs, and B/A ratios of those medians.
//
// Why medians of each figure on its own: on a shared machine a run is slowed
// by whatever else runs then; the median of interleaved runs is what both
// sides would see on the same machine, and a ratio near 1.0 means "no change".

import { formatColumns, type TableColumn } from '../table.js';

export type Side = 'A' | 'B';

/** One run of one command on one side, in its own process. */
export interface AbRun {
  side: Side;
  input: string;
  mode: string;
  round: number;
  /** Whole process: Node start-up, module loading and the command. */
  wallSeconds: number;
  /** User + system CPU of the whole process, every thread. */
  cpuSeconds: number;
  peakRssBytes: number;
}

export interface AbSideSummary {
  runs: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

export interface AbRow {
  input: string;
  mode: string;
  a: AbSideSummary;
  b: AbSideSummary;
  /** B / A of the medians (NaN when A's is 0). */
  ratio: { wall: number; cpu: number; rss: number };
}

/** The median; the mean of the middle two for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function summary(runs: readonly AbRun[]): AbSideSummary {
  return {
    runs: runs.length,
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
  };
}

const ratio = (b: number, a: number): number => (a === 0 ? NaN : b / a);

/** One row per (input, mode), in the order they were first run; both sides must have runs. */
export function abRows(runs: readonly AbRun[]): AbRow[] {
  const groups = new Map<string, AbRun[]>();
  for (const r of runs) {
    const key = JSON.stringify([r.input, r.mode]);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  return [...groups.values()].map((g) => {
    const a = g.filter((r) => r.side === 'A');
    const b = g.filter((r) => r.side === 'B');
    if (a.length === 0 || b.length === 0) throw new Error(`${g[0]!.mode} on ${g[0]!.input}: runs of side ${a.length === 0 ? 'A' : 'B'} missing`);
    const sa = summary(a);
    const sb = summary(b);
    return {
      input: g[0]!.input,
      mode: g[0]!.mode,
      a: sa,
      b: sb,
      ratio: { wall: ratio(sb.wallSeconds, sa.wallSeconds), cpu: ratio(sb.cpuSeconds, sa.cpuSeconds), rss: ratio(sb.peakRssBytes, sa.peakRssBytes) },
    };
  });
}

const MB = 1e6;
const COLUMNS: readonly TableColumn<AbRow>[] = [
  { title: 'mode', right: false, cell: (r) => r.mode },
  { title: 'input', right: false, cell: (r) => r.input },
  { title: 'runs', right: true, cell: (r) => `${r.a.runs}+${r.b.runs}` },
  { title: 'wall s A', right: true, cell: (r) => r.a.wallSeconds.toFixed(2) },
  { title: 'wall s B', right: true, cell: (r) => r.b.wallSeconds.toFixed(2) },
  { title: 'B/A', right: true, cell: (r) => r.ratio.wall.toFixed(3) },
  { title: 'CPU s A', right: true, cell: (r) => r.a.cpuSeconds.toFixed(2) },
  { title: 'CPU s B', right: true, cell: (r) => r.b.cpuSeconds.toFixed(2) },
  { title: 'B/A', right: true, cell: (r) => r.ratio.cpu.toFixed(3) },
  { title: 'RSS MB A', right: true, cell: (r) => (r.a.peakRssBytes / MB).toFixed(0) },
  { title: 'RSS MB B', right: true, cell: (r) => (r.b.peakRssBytes / MB).toFixed(0) },
  { title: 'B/A', right: true, cell: (r) => r.ratio.rss.toFixed(3) },
];

/** The rows as a fixed-layout text table (the JSON report holds the same rows). */
export function formatAbTable(rows: readonly AbRow[]): string {
  return formatColumns(COLUMNS, rows);
}

/** The side that runs first in a round: A in even rounds, B in odd ones, so neither always meets a cold or a warm machine. */
export function roundOrder(round: number): [Side, Side] {
  return round % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
}
