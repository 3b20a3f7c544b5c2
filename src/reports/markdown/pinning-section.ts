// Arena pinning: the sites whose live blocks keep arenas from being freed.

import type { ReportData } from '../../analyzers/report-data.js';
import { instantHeading } from '../instant-text.js';
import { siteNoun } from '../site-words.js';
import { bytes, count, thousands } from '../../text/units.js';
import { mdSiteName, mdText, quote, ROWS, table } from './format.js';

export function pinningSection(d: ReportData): string[] {
  const pin = d.pinning.judged;
  if (pin.sitesByArenasPinned.length === 0) return [];
  const hasStacks = d.analyze.events.stacks > 0;
  return [
    `## Arena pinning ${mdText(instantHeading(d.at, quote), 120)}`,
    '',
    `${count(pin.pinnedArenas, 'arena')} ${pin.pinnedArenas === 1 ? 'holds' : 'hold'} live blocks; besides them ${pin.pinnedArenas === 1 ? 'it holds' : 'they hold'} ${bytes(pin.heldBytes)}.`,
    '',
    table(
      [siteNoun(pin.groupedBy, hasStacks), 'arenas pinned', 'alone', 'pools pinned', 'kept unusable', 'quantization waste'],
      pin.sitesByArenasPinned
        .slice(0, ROWS)
        .map((s) => [mdSiteName(s.site), thousands(s.arenasPinned), thousands(s.arenasSolelyPinned), thousands(s.poolsPinned), bytes(s.keptUnusableBytes), bytes(s.quantizationWasteBytes)]),
      [false, true, true, true, true, true],
    ),
    '',
  ];
}
