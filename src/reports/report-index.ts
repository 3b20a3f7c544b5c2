// The index of a batch of reports: one entry per trace with the numbers that
// compare runs (peaks, utilisation, what stayed live, anomalies) and the file
// of its report; traces that failed are listed with their error. Rendered as
// index.html (html/index-page.ts), index.md or index.json.

import type { CompletenessState, Exactness } from '../analyzers/analyze.js';
import type { JudgedInstant } from '../analyzers/judged-instant.js';
import type { ReportData } from '../analyzers/report-data.js';
import { instantHeading } from './instant-text.js';
import { leakVerdictOf, leakVerdictText, type LeakVerdict } from './leak-verdict.js';
import { mdText } from './markdown/format.js';
import { bytes, percent, thousands } from '../text/units.js';

export interface IndexEntry {
  /** The trace as the user named it. */
  readonly file: string;
  /** The report's file, relative to the index. */
  readonly report: string;
  readonly python: string;
  readonly events: number;
  readonly peakFootprintBytes: number;
  readonly peakLiveRequestedBytes: number;
  readonly arenaHighWater: number;
  /** Arena utilisation at the arena high-water mark; null when no arena was used. */
  readonly utilisationAtArenaPeak: number | null;
  /** The instant the three figures below (and the leak verdict) are judged at: the report's. */
  readonly at: JudgedInstant;
  readonly judgedFootprintBytes: number;
  readonly judgedLiveRequestedBytes: number;
  readonly pinnedArenas: number;
  readonly anomalies: number;
  /** The growth rule's verdict on the trace, as its report's leak section gives it (--at, --warmup, --marks, suppressions). */
  readonly leakVerdict: LeakVerdict;
  /** Sites the growth rule calls steady-state leaks (0 with no verdict). */
  readonly steadyLeakSites: number;
  /** The replay matched every address and arena record of the trace. */
  readonly exact: boolean;
  /** Whether the trace holds the whole run (src/replay/completeness.ts). */
  readonly completeness: CompletenessState;
  /** Whether the model followed the trace exactly (addresses, arenas, no anomalies), with counts and why (src/replay/exactness.ts). */
  readonly exactness: Exactness;
}

export interface IndexFailure {
  readonly file: string;
  readonly error: string;
}

export function indexEntryOf(data: ReportData, report: string): IndexEntry {
  const a = data.analyze;
  return {
    file: a.file,
    report,
    python: a.python.version,
    events: a.events.total,
    peakFootprintBytes: a.highWater.footprint_bytes.value,
    peakLiveRequestedBytes: a.highWater.live_requested_bytes.value,
    arenaHighWater: a.highWater.arenas.value,
    utilisationAtArenaPeak: a.fragmentation.arenaPeak?.utilisation ?? null,
    at: data.at,
    judgedFootprintBytes: a.judged.footprintBytes,
    judgedLiveRequestedBytes: a.judged.liveRequestedBytes,
    pinnedArenas: data.pinning.judged.pinnedArenas,
    anomalies: a.anomalies.total,
    leakVerdict: leakVerdictOf(data.leaks),
    steadyLeakSites: data.leaks.growth.noVerdict === null ? data.leaks.growth.steadyLeakSites : 0,
    exact: a.verification.exact,
    completeness: a.completeness.state,
    exactness: a.exactness,
  };
}

/**
 * The index's "replay" column: whether the model followed the trace
 * (exact, inexact, or unverified without arena records) and, when the trace
 * was cut short, that it is incomplete. The figures of the row depend on it.
 */
export function replayStateText(e: IndexEntry): string {
  return `${e.exactness.state}${e.completeness === 'incomplete' ? ', incomplete' : ''}`;
}

/** True when the row's figures may not be the program's whole run: say it loudly. */
export function replayStateWarns(e: IndexEntry): boolean {
  return e.exactness.state === 'inexact' || e.completeness === 'incomplete';
}

export function formatIndexMarkdown(entries: readonly IndexEntry[], failures: readonly IndexFailure[]): string {
  const out = ['# memreplay reports', ''];
  out.push('| trace | CPython | events | peak footprint | peak live | arena peak | utilisation at arena peak | judged at | footprint | live | pinned arenas | anomalies | replay | leak verdict |');
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |');
  for (const e of entries) {
    out.push(
      `| [${mdText(e.file)}](${encodeURI(e.report)}) | ${e.python} | ${thousands(e.events)} | ${bytes(e.peakFootprintBytes)} | ${bytes(e.peakLiveRequestedBytes)} | ${thousands(e.arenaHighWater)} | ${e.utilisationAtArenaPeak === null ? '–' : percent(e.utilisationAtArenaPeak)} | ${mdText(instantHeading(e.at))} | ${bytes(e.judgedFootprintBytes)} | ${bytes(e.judgedLiveRequestedBytes)} | ${thousands(e.pinnedArenas)} | ${thousands(e.anomalies)} | ${replayStateWarns(e) ? `**${replayStateText(e)}**` : replayStateText(e)} | ${e.leakVerdict === 'steady_leak' ? `**${leakVerdictText(e.leakVerdict, e.steadyLeakSites)}**` : leakVerdictText(e.leakVerdict, 0)} |`,
    );
  }
  if (failures.length > 0) {
    out.push('', '## Failed', '');
    for (const f of failures) out.push(`- ${mdText(f.file)}: ${mdText(f.error, 300)}`);
  }
  return out.join('\n') + '\n';
}
