// The terminal report of `memreplay diff` (the default; --format tracemalloc
// prints Python's own lines instead): a header naming both inputs, totals,
// and a table of the largest changes in compare_to's order. For event traces
// also the high-water marks and fragmentation side by side. Text from the
// inputs (file names, frames) goes through terminalSafe.

import { instantPairHeading } from './instant-text.js';
import { INCOMPLETE_FIGURES, incompleteText } from './completeness-text.js';
import { INEXACT_FIGURES, inexactText } from './exactness-text.js';
import type { SnapshotDiffResult, StatisticDiff } from '../analyzers/snapshot-diff.js';
import type { MetricDiff, TraceDiffResult, TraceSide } from '../analyzers/trace-diff.js';
import { frameText, type Snapshot, type SnapshotFrame } from '../events/snapshot.js';
import { STACKLESS_GROUPING } from './site-words.js';
import { terminalSiteName } from './site-name.js';
import { bytes, count, percent, terminalSafe, thousands } from '../text/units.js';

/** Older frames shown under a --by traceback row. */
const MAX_CALLER_LINES = 8;

export function formatSnapshotDiffText(d: SnapshotDiffResult, top: number): string {
  const out: string[] = [];
  out.push(`snapshots compared by ${d.by}${d.cumulative ? ' (cumulative)' : ''}`);
  out.push(`  old  ${snapshotLine(d.old)}`);
  out.push(`  new  ${snapshotLine(d.new)}`);
  out.push(`  total ${bytes(d.new.totalSize)} (${signedBytes(d.new.totalSize - d.old.totalSize)}) in ${count(d.new.traceCount, 'block')} (${signed(d.new.traceCount - d.old.traceCount)})`);
  out.push('');
  out.push(...statisticsTable(d.statistics, d.by, top, { grouping: `by ${d.by}`, site: 'site' }));
  return out.join('\n') + '\n';
}

export function formatTraceDiffText(d: TraceDiffResult, top: number): string {
  const out: string[] = [];
  const quote = (t: string): string => JSON.stringify(terminalSafe(t, 40));
  // Each side at its own instant: its own event, and maybe not the same mark (one trace has the default stats mark, the other not).
  const when = instantPairHeading(d.old.analysis.at, d.new.analysis.at, quote);
  // Without a call stack on either side, every block is in a (no stack) group by domain and size class, whatever --by says.
  const stackless = d.old.analysis.events.stacks === 0 && d.new.analysis.events.stacks === 0;
  const words = stackless ? { grouping: STACKLESS_GROUPING, site: 'group' } : { grouping: `by ${d.by}`, site: 'site' };
  out.push(`event traces compared ${when} (live blocks ${stackless ? `${words.grouping}: neither trace has call stacks` : words.grouping}${d.depth !== null ? `, innermost ${count(d.depth, 'frame')} per stack` : ''}${d.cumulative ? ', cumulative' : ''})`);
  out.push(`  old  ${traceLine(d.old)}`);
  out.push(`  new  ${traceLine(d.new)}`);
  for (const side of [d.old, d.new]) {
    const incomplete = incompleteText(side.analysis.completeness);
    if (incomplete !== null) out.push(`warning: ${terminalSafe(side.analysis.file, 80)}: ${terminalSafe(incomplete, 300)}; ${INCOMPLETE_FIGURES}`);
    const inexact = inexactText(side.analysis.exactness);
    if (inexact !== null) out.push(`warning: ${terminalSafe(side.analysis.file, 80)}: ${inexact}; ${INEXACT_FIGURES}`);
  }
  out.push('');
  const width = Math.max(20, ...d.metrics.map((m) => m.description.length));
  out.push(`  ${`${when}:`.padEnd(width)} ${'old'.padStart(12)} ${'new'.padStart(12)} ${'diff'.padStart(12)}`);
  for (const m of d.metrics) {
    out.push(`  ${m.description.padEnd(width)} ${metricValue(m, m.old).padStart(12)} ${metricValue(m, m.new).padStart(12)} ${metricDiff(m).padStart(12)}`);
  }
  out.push('');
  out.push(`live blocks ${when}: ${bytes(d.new.live.totalSize)} (${signedBytes(d.new.live.totalSize - d.old.live.totalSize)}) in ${count(d.new.live.traceCount, 'block')} (${signed(d.new.live.traceCount - d.old.live.traceCount)})`);
  out.push(...statisticsTable(d.statistics, d.by, top, words));
  return out.join('\n') + '\n';
}

function snapshotLine(s: Snapshot): string {
  const what = [s.format === 'pickle' ? 'Snapshot.dump() pickle' : 'JSONL snapshot'];
  if (s.label !== null) what.push(`label ${JSON.stringify(terminalSafe(s.label, 40))}`);
  if (s.tracebackLimit !== null) what.push(`traceback limit ${s.tracebackLimit}`);
  return `${terminalSafe(s.file)}  (${what.join(', ')}; ${count(s.traceCount, 'block')}, ${bytes(s.totalSize)})`;
}

function traceLine(s: TraceSide): string {
  const a = s.analysis;
  return `${terminalSafe(a.file)}  (${a.format}${a.gzip ? ', gzip' : ''}; CPython ${a.python.version} model; ${count(a.events.total, 'event')}${a.anomalies.total > 0 ? `, ${count(a.anomalies.total, 'anomaly')}` : ''})`;
}

/** `words`: "by lineno" and "site", or for blocks without any stack "by domain and size class" and "group". */
function statisticsTable(stats: readonly StatisticDiff[], by: string, top: number, words: { grouping: string; site: string }): string[] {
  const out: string[] = [];
  if (stats.length === 0) {
    out.push('no blocks in either input');
    return out;
  }
  const shown = stats.slice(0, top);
  out.push(`largest changes ${words.grouping} (${thousands(shown.length)} of ${thousands(stats.length)}):`);
  out.push(`  ${'size'.padStart(10)} ${'diff'.padStart(11)} ${'blocks'.padStart(10)} ${'diff'.padStart(9)}  ${words.site}`);
  for (const s of shown) {
    const innermost = s.frames[s.frames.length - 1]!;
    out.push(`  ${bytes(s.size).padStart(10)} ${signedBytes(s.sizeDiff).padStart(11)} ${thousands(s.count).padStart(10)} ${signed(s.countDiff).padStart(9)}  ${site(innermost)}`);
    if (by === 'traceback') {
      const callers = s.frames.slice(0, -1).reverse();
      for (const f of callers.slice(0, MAX_CALLER_LINES)) out.push(`  ${''.padStart(43)}  from ${site(f)}`);
      if (callers.length > MAX_CALLER_LINES) out.push(`  ${''.padStart(43)}  ... ${callers.length - MAX_CALLER_LINES} more`);
    }
  }
  if (shown.length < stats.length) out.push(`(${thousands(stats.length - shown.length)} more; --top N lists more)`);
  return out;
}

function site(f: SnapshotFrame): string {
  return terminalSiteName(f.name !== undefined ? `${f.name} (${frameText(f)})` : frameText(f), 100);
}

function metricValue(m: MetricDiff, v: number | null): string {
  if (v === null) return '-';
  if (m.unit === 'bytes') return bytes(v);
  if (m.unit === 'ratio') return percent(v);
  return thousands(v);
}

function metricDiff(m: MetricDiff): string {
  if (m.diff === null) return '-';
  if (m.unit === 'bytes') return signedBytes(m.diff);
  if (m.unit === 'ratio') return `${m.diff >= 0 ? '+' : '-'}${(Math.abs(m.diff) * 100).toFixed(1)} pt`;
  return signed(m.diff);
}

function signed(n: number): string {
  return n > 0 ? `+${thousands(n)}` : n < 0 ? `-${thousands(-n)}` : '0';
}

function signedBytes(n: number): string {
  return n > 0 ? `+${bytes(n)}` : n < 0 ? `-${bytes(-n)}` : '0 B';
}
