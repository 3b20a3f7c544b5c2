// High-water marks: each quantity's peak and when it was first reached, then
// what was live at the peaks that have sites.

import { PEAK_SITE_METRICS, type ReportData } from '../../analyzers/report-data.js';
import { HIGH_WATER_METRICS } from '../../events/high-water-metrics.js';
import { siteNoun, STACKLESS_GROUPING } from '../site-words.js';
import { bytes, count, thousands } from '../../text/units.js';
import { mdSiteName, ROWS, table, when } from './format.js';

/** Metrics counted in bytes; the others are counts. */
const BYTE_METRICS = new Set(['live_requested_bytes', 'block_bytes', 'system_bytes', 'footprint_bytes']);

export function highWaterSection(d: ReportData): string[] {
  const a = d.analyze;
  const out: string[] = ['## High-water marks', ''];
  out.push(
    table(
      ['quantity', 'peak', 'first reached at'],
      HIGH_WATER_METRICS.map((m) => {
        const p = a.highWater[m];
        return [p.description, BYTE_METRICS.has(m) ? bytes(p.value) : thousands(p.value), when(p)];
      }),
      [false, true, false],
    ),
    '',
  );
  // A trace without call stacks has groups by domain and size class, not sites (site-words.ts).
  const hasStacks = a.events.stacks > 0;
  for (const m of PEAK_SITE_METRICS) {
    const p = d.highWater[m];
    if (p.event === 0) continue;
    const by = siteNoun(p.live.groupedBy, hasStacks);
    out.push(
      `### Live at the peak of ${p.description}`,
      '',
      `${when(p)}: ${count(p.live.totalBlocks, 'block')}, ${bytes(p.live.totalRequestedBytes)} requested, in ${count(p.live.totalGroups, by)}${hasStacks ? '' : ` ${STACKLESS_GROUPING} (the trace has no call stacks)`}.`,
      '',
    );
    out.push(table([by, 'blocks', 'requested'], p.live.groups.slice(0, ROWS).map((g) => [mdSiteName(g.key), thousands(g.blocks), bytes(g.requestedBytes)]), [false, true, true]), '');
  }
  return out;
}
