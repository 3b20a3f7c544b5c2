// The summary: the arena high-water mark, the judged instant and the leak verdict.

import type { ReportData } from '../../analyzers/report-data.js';
import { capitalised, instantHeading } from '../instant-text.js';
import { leakVerdictOf, leakVerdictText } from '../leak-verdict.js';
import { bytes, count, percent, thousands } from '../../text/units.js';
import { quote, when } from './format.js';

export function summarySection(d: ReportData): string[] {
  const a = d.analyze;
  const peak = a.fragmentation.arenaPeak;
  const out: string[] = ['## Summary', ''];
  if (peak === null) {
    out.push('The trace never used a pymalloc arena.', '');
  } else {
    out.push(
      `At the arena high-water mark, ${when(peak)}, pymalloc held **${bytes(peak.arenaBytes)}** in ${count(peak.arenas, 'arena')}, of which **${bytes(peak.allocatedBlockBytes)}** (${percent(peak.utilisation)}) were blocks in use.`,
      `${capitalised(instantHeading(d.at, quote))}, ${count(a.fragmentation.judged.arenas, 'arena')} (${bytes(a.fragmentation.judged.arenaBytes)}) ${a.fragmentation.judged.arenas === 1 ? 'was' : 'were'} held, ${percent(a.fragmentation.judged.utilisation)} in blocks in use; ${thousands(d.pinning.judged.pinnedArenas)} pinned by live blocks.`,
      '',
    );
  }
  out.push(`Leak verdict: **${leakVerdictText(leakVerdictOf(d.leaks), d.leaks.growth.steadyLeakSites)}** (see Leaks).`, '');
  return out;
}
