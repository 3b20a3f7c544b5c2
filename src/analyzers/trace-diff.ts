// `diff` of two event traces: each is replayed once (the analyze pipeline:
// replayTrace + analyzeReplayed, so every number is the one `analyze`
// prints), and the two are compared on
// - the live blocks at the end (or at the first mark with a label, --at),
//   summed per stack and then grouped and ordered
//   exactly as tracemalloc's compare_to groups snapshot traces (--by
//   lineno / filename / traceback, --cumulative): a leak shows up as the
//   call site whose live bytes grew;
// - the high-water marks (arenas, pools, footprint, ...) and the live totals
//   at that instant;
// - fragmentation at that instant and at the arena high-water mark.
// Blocks without a stack are grouped by where the allocator put them (size
// class, C library, raw domain) under a pseudo frame, as `analyze` groups them.

import { DOMAIN_RAW } from '../events/ops.js';
import { parseFrameText } from '../import/frame-text.js';
import { SnapshotBuilder, type Snapshot, type SnapshotFrame } from '../import/snapshot.js';
import { blockSize } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../models/pymalloc/pymalloc-model.js';
import { HIGH_WATER_METRICS } from '../replay/high-water.js';
import { replayTrace, type ReplayedTrace, type ReplayTraceOptions } from '../replay/replay-trace.js';
import { analyzeReplayed, type AnalyzeResult } from './analyze.js';
import { ArenaPeakObserver } from './arena-peak.js';
import { compareSnapshots, type DiffKey, type StatisticDiff } from './snapshot-diff.js';

export const TRACE_DIFF_SCHEMA = 'memreplay.trace-diff/1';

/** One replayed side of the comparison. */
export interface TraceSide {
  readonly analysis: AnalyzeResult;
  /** The live blocks at the end, as a snapshot summed per stack. */
  readonly live: Snapshot;
}

export type MetricUnit = 'bytes' | 'count' | 'ratio';

export interface MetricDiff {
  /** e.g. `high_water.arenas`, `fragmentation.end.utilisation`. */
  readonly name: string;
  readonly description: string;
  readonly unit: MetricUnit;
  /** null when the metric does not apply (no arena was ever used). */
  readonly old: number | null;
  readonly new: number | null;
  readonly diff: number | null;
}

export interface TraceDiffResult {
  /** The mark both traces were compared at; null: at their ends. */
  readonly at: string | null;
  readonly by: DiffKey;
  readonly cumulative: boolean;
  readonly old: TraceSide;
  readonly new: TraceSide;
  readonly metrics: readonly MetricDiff[];
  /** The live-block groups, in tracemalloc's compare_to order. */
  readonly statistics: readonly StatisticDiff[];
}

/** Replay one trace for `diff` (a file, or `-` with options.stdin), to its end or options.stopAtMark. */
export async function replayForDiff(path: string, options: ReplayTraceOptions = {}): Promise<TraceSide> {
  const peak = new ArenaPeakObserver();
  const replayed = await replayTrace(path, { ...options, observers: [...(options.observers ?? []), peak] });
  return { analysis: analyzeReplayed(replayed, peak, 0), live: liveBlocksSnapshot(replayed) };
}

export function diffTraces(older: TraceSide, newer: TraceSide, by: DiffKey, cumulative: boolean, at: string | null = null): TraceDiffResult {
  return {
    at,
    by,
    cumulative,
    old: older,
    new: newer,
    metrics: compareMetrics(older.analysis, newer.analysis),
    statistics: compareSnapshots(newer.live, older.live, by, cumulative),
  };
}

/** The live blocks of a finished replay, summed per stack (or per allocator place without one). */
export function liveBlocksSnapshot({ replayer: r, ctx }: ReplayedTrace): Snapshot {
  // Negative ids: blocks without a stack, by where they live.
  const NO_STACK_SYSTEM = -1;
  const NO_STACK_RAW = -2;
  const NO_STACK_CLASS_BASE = -3;
  const perStack = new Map<number, { size: number; count: number }>();
  r.forEachLiveBlock((pool, size, stack, domain) => {
    const id =
      stack >= 0
        ? stack
        : pool !== NOT_PYMALLOC
          ? NO_STACK_CLASS_BASE - r.model.poolSizeClass(pool)
          : domain === DOMAIN_RAW
            ? NO_STACK_RAW
            : NO_STACK_SYSTEM;
    const acc = perStack.get(id);
    if (acc === undefined) perStack.set(id, { size, count: 1 });
    else {
      acc.size += size;
      acc.count++;
    }
  });
  const builder = new SnapshotBuilder(ctx.fileName);
  const pseudo = (label: string): SnapshotFrame[] => [builder.frame(`(no stack) ${label}`, 0, undefined, true)];
  for (const [id, acc] of perStack) {
    let frames: SnapshotFrame[];
    if (id >= 0) {
      frames = ctx.stacks.frames(id).map((text) => {
        const f = parseFrameText(text);
        return builder.frame(f.filename, f.lineno, f.name);
      });
    } else if (id === NO_STACK_SYSTEM) {
      frames = pseudo('C library (size 0 or > 512)');
    } else if (id === NO_STACK_RAW) {
      frames = pseudo('raw domain');
    } else {
      const c = NO_STACK_CLASS_BASE - id;
      frames = pseudo(`size class ${c} (${blockSize(r.geometry, c)}-byte blocks)`);
    }
    builder.add(builder.traceback(frames), acc.size, acc.count);
  }
  return builder.build('trace', null, null);
}

const BYTE_METRICS = new Set<string>(['live_requested_bytes', 'block_bytes', 'system_bytes', 'footprint_bytes']);

/** Short names for the table; HIGH_WATER_DESCRIPTIONS (in analyze) says what each one is. */
const PEAK_LABELS: Readonly<Record<(typeof HIGH_WATER_METRICS)[number], string>> = {
  live_requested_bytes: 'peak live requested bytes',
  block_bytes: 'peak bytes in pymalloc blocks',
  pools_in_use: 'peak pools in use',
  arenas: 'peak arenas',
  system_bytes: 'peak C library bytes',
  footprint_bytes: 'peak footprint',
};

function compareMetrics(a: AnalyzeResult, b: AnalyzeResult): MetricDiff[] {
  const out: MetricDiff[] = [];
  const metric = (name: string, description: string, unit: MetricUnit, of: (r: AnalyzeResult) => number | null): void => {
    const o = of(a);
    const n = of(b);
    out.push({ name, description, unit, old: o, new: n, diff: o === null || n === null ? null : n - o });
  };
  metric('events', 'events replayed', 'count', (r) => r.events.total);
  metric('end.live_blocks', 'live blocks', 'count', (r) => r.end.liveBlocks);
  metric('end.live_requested_bytes', 'live requested bytes', 'bytes', (r) => r.end.liveRequestedBytes);
  metric('end.allocated_blocks', 'sys.getallocatedblocks()', 'count', (r) => r.end.allocatedBlocks);
  metric('end.footprint_bytes', 'footprint', 'bytes', (r) => r.end.footprintBytes);
  for (const m of HIGH_WATER_METRICS) {
    metric(`high_water.${m}`, PEAK_LABELS[m], BYTE_METRICS.has(m) ? 'bytes' : 'count', (r) => r.highWater[m].value);
  }
  for (const [at, label] of [['end', ''], ['arena_peak', ' at peak arenas']] as const) {
    const f = (r: AnalyzeResult) => (at === 'end' ? r.fragmentation.end : r.fragmentation.arenaPeak);
    metric(`fragmentation.${at}.arenas`, `arenas${label}`, 'count', (r) => f(r)?.arenas ?? null);
    metric(`fragmentation.${at}.utilisation`, `arena utilisation${label}`, 'ratio', (r) => f(r)?.utilisation ?? null);
    metric(`fragmentation.${at}.free_ratio`, `free share of arenas${label}`, 'ratio', (r) => f(r)?.freeRatio ?? null);
  }
  return out;
}
