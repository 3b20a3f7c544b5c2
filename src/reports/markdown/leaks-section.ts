// Leaks: the verdict, how growth was measured, and the sites with their growth.

import type { ReportData } from '../../analyzers/report-data.js';
import { freedNote, GROWTH_CLASS_NAMES, growthSummary, leakInstantSentence, noVerdictText, slopeText, WINDOWS_RULE_TEXT } from '../growth-text.js';
import { instantHeading, instantText } from '../instant-text.js';
import { leakVerdictOf, leakVerdictText } from '../leak-verdict.js';
import { siteNoun } from '../site-words.js';
import { bytes, thousands } from '../../text/units.js';
import { mdSiteName, mdText, quote, ROWS, table, textSparkline } from './format.js';

export function leaksSection(d: ReportData): string[] {
  const leaks = d.leaks;
  if (leaks.sites.length === 0) return [];
  const out: string[] = [
    `## Leaks ${mdText(instantHeading(d.at, quote), 120)}`,
    '',
    `Leak verdict: **${leakVerdictText(leakVerdictOf(leaks), leaks.growth.steadyLeakSites)}**. Growth: ${mdText(growthSummary(leaks, quote), 400)}. ${mdText(leakInstantSentence(leaks, quote), 400)}`,
    '',
  ];
  if (leaks.growth.basis === 'windows') out.push(`Windows basis: ${mdText(WINDOWS_RULE_TEXT, 400)}.`, '');
  const noVerdict = noVerdictText(leaks);
  if (noVerdict !== null) out.push(`**${mdText(noVerdict, 400)}**: no site can be called a steady-state leak.`, '');
  out.push(
    table(
      [siteNoun(leaks.groupedBy, leaks.hasStacks), 'verdict', 'live bytes per sample', 'slope', mdText(`live ${instantText(leaks.at, quote)}`, 80), 'blocks'],
      leaks.sites.slice(0, ROWS).map((s) => {
        const note = freedNote(leaks, s);
        const live = bytes(s.requestedBytes) + (note === null ? '' : ` (${note})`);
        return [mdSiteName(s.key), GROWTH_CLASS_NAMES[s.growth.class], textSparkline(s.growth.liveBytes), slopeText(leaks, s.growth.slope), live, thousands(s.blocks)];
      }),
      [false, false, false, true, true, true],
    ),
    '',
  );
  return out;
}
