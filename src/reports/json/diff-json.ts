// The --json documents of `memreplay diff` (docs/json-output.md):
// SNAPSHOT_DIFF_SCHEMA for two snapshots, TRACE_DIFF_SCHEMA for two event
// traces. Pure functions of the results.

import type { SnapshotDiffResult, StatisticDiff } from '../../analyzers/snapshot-diff.js';
import type { TraceDiffResult, TraceSide } from '../../analyzers/trace-diff.js';
import type { Snapshot, SnapshotFrame } from '../../events/snapshot.js';
import { documentText } from './document-text.js';

export const SNAPSHOT_DIFF_SCHEMA = 'memreplay.snapshot-diff/1';
export const TRACE_DIFF_SCHEMA = 'memreplay.trace-diff/3';

export function formatSnapshotDiffJson(d: SnapshotDiffResult, top: number): string {
  return documentText(snapshotDiffDocument(d, top));
}

export function formatTraceDiffJson(d: TraceDiffResult, top: number): string {
  return documentText(traceDiffDocument(d, top));
}

function snapshotDiffDocument(d: SnapshotDiffResult, top: number): object {
  return {
    schema: SNAPSHOT_DIFF_SCHEMA,
    by: d.by,
    cumulative: d.cumulative,
    old: snapshotSide(d.old),
    new: snapshotSide(d.new),
    totals: totals(d.old.totalSize, d.old.traceCount, d.new.totalSize, d.new.traceCount),
    statisticsTotal: d.statistics.length,
    statistics: d.statistics.slice(0, top).map(statisticJson),
  };
}

function traceDiffDocument(d: TraceDiffResult, top: number): object {
  return {
    schema: TRACE_DIFF_SCHEMA,
    at: d.at,
    by: d.by,
    depth: d.depth,
    cumulative: d.cumulative,
    old: traceSide(d.old),
    new: traceSide(d.new),
    metrics: d.metrics,
    liveBlocks: {
      totals: totals(d.old.live.totalSize, d.old.live.traceCount, d.new.live.totalSize, d.new.live.traceCount),
      statisticsTotal: d.statistics.length,
      statistics: d.statistics.slice(0, top).map(statisticJson),
    },
  };
}

function snapshotSide(s: Snapshot): object {
  return { file: s.file, format: s.format, label: s.label, tracebackLimit: s.tracebackLimit, traces: s.traceCount, size: s.totalSize };
}

function traceSide(s: TraceSide): object {
  const a = s.analysis;
  return {
    file: a.file,
    format: a.format,
    gzip: a.gzip,
    python: a.python,
    events: a.events.total,
    anomalies: a.anomalies.total,
    at: s.at,
    /** The instant judged: event, ts, seconds, mark, end. */
    instant: a.at,
    completeness: a.completeness,
    exactness: a.exactness,
    fragmentation: a.fragmentation,
  };
}

function totals(oldSize: number, oldCount: number, newSize: number, newCount: number): object {
  return { size: newSize, sizeDiff: newSize - oldSize, count: newCount, countDiff: newCount - oldCount };
}

function statisticJson(s: StatisticDiff): object {
  return { frames: s.frames.map(frameJson), size: s.size, sizeDiff: s.sizeDiff, count: s.count, countDiff: s.countDiff };
}

function frameJson(f: SnapshotFrame): object {
  return { filename: f.filename, lineno: f.lineno, ...(f.name !== undefined ? { name: f.name } : {}), ...(f.pseudo === true ? { pseudo: true } : {}) };
}
