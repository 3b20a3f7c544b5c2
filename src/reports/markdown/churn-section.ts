// Allocation churn (analyzers/churn.ts): the window's totals, the sites with
// the most allocations, and the requested sizes by size class.

import type { ReportData } from '../../analyzers/report-data.js';
import { churnWindowOpening, lifetimeText, sizeBucketText } from '../churn-text.js';
import { bytes, percent, thousands } from '../../text/units.js';
import { mdSiteName, mdText, ROWS, table } from './format.js';

export function churnSection(d: ReportData): string[] {
  const c = d.churn;
  if (c === undefined || c.totals.allocations === 0) return [];
  const t = c.totals;
  const share = (n: number, of: number): string => (of === 0 ? '' : ` (${percent(n / of)})`);
  return [
    '## Allocation churn',
    '',
    `${mdText(churnWindowOpening(c), 200)}: ${thousands(t.allocations)} allocations, ${bytes(t.allocatedBytes)} requested, ` +
      `${thousands(t.temporary)} temporary${share(t.temporary, t.allocations)}; mean lifetime ${mdText(lifetimeText(t))}. ` +
      `Temporary: ${mdText(c.temporaryRule, 200)}.`,
    '',
    table(
      ['site', 'allocations', 'allocated', 'temporary', 'mean lifetime'],
      c.sites.slice(0, ROWS).map((s) => [mdSiteName(s.key), thousands(s.allocations), bytes(s.allocatedBytes), `${thousands(s.temporary)}${share(s.temporary, s.allocations)}`, mdText(lifetimeText(s))]),
      [false, true, true, true, true],
    ),
    '',
    table(
      ['requested size', 'allocations', 'requested', 'in blocks'],
      c.sizes.map((b) => [mdText(sizeBucketText(b)), thousands(b.allocations), bytes(b.requestedBytes), bytes(b.blockBytes)]),
      [false, true, true, true],
    ),
    '',
  ];
}
