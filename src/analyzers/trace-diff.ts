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
// Blocks without a stack are grouped by domain and where the allocator put
// them (size class, C library) under a pseudo frame, named as every command
// names such sites (site-table.ts). --depth keeps the innermost N frames of
// every stack, as tracemalloc's traceback_limit does.

import { parseFrame } from '../events/frame-text.js';
import { SnapshotBuilder, type Snapshot, type SnapshotFrame } from '../events/snapshot.js';
import { HIGH_WATER_METRICS } from '../events/high-water-metrics.js';
import type { ReplayedTrace } from '../replay/replayed-trace.js';
import type { AnalyzeResult } from './analyze.js';
import { walkLiveSites } from './live-sites.js';
import { NATIVE_SITE_SEPARATOR, SiteTable } from './site-table.js';
import { compareSnapshots, type DiffKey, type StatisticDiff } from './snapshot-diff.js';

/** One replayed side of the comparison. */
export interface TraceSide {
  readonly analysis: AnalyzeResult;
  /** The live blocks at the end, as a snapshot summed per stack. */
  readonly live: Snapshot;
  /** Innermost frames kept per stack; null: all. */
  readonly depth: number | null;
  /** The instant of the side's figures: the mark the replay stopped at, or null for the end of the trace. */
  readonly at: string | null;
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
  /** The mark both traces were compared at; null: at their ends, or at different instants (each side's `at` says). */
  readonly at: string | null;
  readonly by: DiffKey;
  /** Innermost frames kept per stack; null: all. */
  readonly depth: number | null;
  readonly cumulative: boolean;
  readonly old: TraceSide;
  readonly new: TraceSide;
  readonly metrics: readonly MetricDiff[];
  /** The live-block groups, in tracemalloc's compare_to order. */
  readonly statistics: readonly StatisticDiff[];
}

/** `at`: the instant of both sides' figures when they agree (the mark, or null for the end); each side has its own. */
export function diffTraces(older: TraceSide, newer: TraceSide, by: DiffKey, cumulative: boolean): TraceDiffResult {
  if (older.depth !== newer.depth) throw new Error('both sides of a trace diff must keep the same frames per stack');
  return {
    at: older.at === newer.at ? older.at : null,
    by,
    depth: newer.depth,
    cumulative,
    old: older,
    new: newer,
    metrics: compareMetrics(older.analysis, newer.analysis),
    statistics: compareSnapshots(newer.live, older.live, by, cumulative),
  };
}

/**
 * The live blocks of a finished replay as a snapshot: one traceback per site
 * of a SiteTable by traceback (a distinct stack, or its innermost `depth`
 * frames, as tracemalloc's traceback_limit keeps them); blocks without a
 * stack under one pseudo frame per site, named as every command names them.
 */
export function liveBlocksSnapshot({ replayer: r, ctx }: ReplayedTrace, depth?: number): Snapshot {
  const table = new SiteTable(ctx.stacks, r.geometry, { by: 'traceback', ...(depth !== undefined ? { depth } : {}) });
  const walk = walkLiveSites(r, table);
  const builder = new SnapshotBuilder(ctx.fileName);
  for (const t of walk.sites) {
    const info = table.info(t.site);
    const kept = info.noStack !== null ? [] : table.exampleFrames(t.site).slice(depth === undefined ? 0 : -depth);
    const frames: SnapshotFrame[] =
      info.noStack !== null
        ? [builder.frame(info.key, 0, undefined, true)]
        : kept.map((text, i) => {
            const f = parseFrame(text);
            // A native frame is kept whole as its file (a C function has no Python file and line);
            // a native site's innermost one also names the Python line that led there, as every command names the site.
            if (f.native !== undefined) return builder.frame(i === kept.length - 1 && info.nativeFrame !== null && info.frame !== null ? text + NATIVE_SITE_SEPARATOR + info.frame : text, 0);
            return builder.frame(f.file, f.line, f.func === '' ? undefined : f.func);
          });
    builder.add(builder.traceback(frames), t.requestedBytes, t.blocks);
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
  metric('end.live_blocks', 'live blocks', 'count', (r) => r.judged.liveBlocks);
  metric('end.live_requested_bytes', 'live requested bytes', 'bytes', (r) => r.judged.liveRequestedBytes);
  metric('end.allocated_blocks', 'sys.getallocatedblocks()', 'count', (r) => r.judged.allocatedBlocks);
  metric('end.footprint_bytes', 'footprint', 'bytes', (r) => r.judged.footprintBytes);
  for (const m of HIGH_WATER_METRICS) {
    metric(`high_water.${m}`, PEAK_LABELS[m], BYTE_METRICS.has(m) ? 'bytes' : 'count', (r) => r.highWater[m].value);
  }
  for (const [at, label] of [['end', ''], ['arena_peak', ' at peak arenas']] as const) {
    const f = (r: AnalyzeResult) => (at === 'end' ? r.fragmentation.judged : r.fragmentation.arenaPeak);
    metric(`fragmentation.${at}.arenas`, `arenas${label}`, 'count', (r) => f(r)?.arenas ?? null);
    metric(`fragmentation.${at}.utilisation`, `arena utilisation${label}`, 'ratio', (r) => f(r)?.utilisation ?? null);
    metric(`fragmentation.${at}.free_ratio`, `free share of arenas${label}`, 'ratio', (r) => f(r)?.freeRatio ?? null);
  }
  return out;
}
