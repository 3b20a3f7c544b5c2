// Leaks: the classification `memreplay leaks` makes (steady-state leak,
// bounded, retained once, transient), from the same analysis (ReportData.leaks), with
// each site's evidence — its live bytes at every growth sample — as a
// sparkline. Steady-state leaks first, then the sites with the most bytes
// live at the section's instant: the `stats` mark when the trace has one
// (report.ts), else the end.

import { instantText } from '../../instant-text.js';
import { freedNote, GROWTH_CLASS_NAMES, growthSummary, leakInstantSentence, noVerdictText, slopeText, WINDOWS_RULE_TEXT } from '../../growth-text.js';
import { siteNoun } from '../../site-words.js';
import { escapeHtml } from '../escape.js';
import { bytes, count, plural, thousands } from '../format.js';
import { htmlTable, leakVerdictHtml, siteCell } from '../html-table.js';
import { leakVerdictOf } from '../../leak-verdict.js';
import type { ReportSection } from '../section.js';
import { leakSparklineChart } from '../sparkline-chart.js';

/** Sites listed, each with its sparkline (one small chart each). */
export const LEAK_ROWS = 15;

export const leaksSection: ReportSection = {
  id: 'leaks',
  title: 'Leaks',
  judged: true,
  applies: (d) => d.leaks.sites.length > 0,
  charts: (d) => d.leaks.sites.slice(0, LEAK_ROWS).map((s, i) => leakSparklineChart(i, s, d.leaks.growth)),
  html: ({ data, svg }) => {
    const l = data.leaks;
    const by = siteNoun(l.groupedBy, l.hasStacks);
    const rows = l.sites.slice(0, LEAK_ROWS);
    const quote = (text: string): string => JSON.stringify(text.slice(0, 40));
    const when = instantText(l.at, quote);
    const out = [
      `<p>Leak verdict: ${leakVerdictHtml(leakVerdictOf(l), l.growth.steadyLeakSites)}. Growth: ${escapeHtml(growthSummary(l, quote))}. ${escapeHtml(leakInstantSentence(l, quote))}</p>`,
      `<p>The live bytes of each ${escapeHtml(by)} at every growth sample, as <code>memreplay leaks</code> reports them (the dashed rule ends the warm-up). ` +
        `A <b>steady leak</b> kept growing after the warm-up, at a steady rate, to the last sample; <b>bounded</b> grew after the warm-up and levelled off (a cache nearing its bound); ` +
        `<b>retained once</b> holds bytes it allocated once (a cache filled during warm-up, an import); <b>transient</b> freed everything. ` +
        `Steady leaks come first, largest slope first, then the bounded ones, then the ${escapeHtml(plural(by))} with the most bytes live ${escapeHtml(when)} ` +
        `(${count(rows.length, 'row')}; ${count(l.totals.sites, by)} live ${escapeHtml(when)}).</p>`,
    ];
    if (l.growth.basis === 'windows') out.push(`<p class="muted">Windows basis: ${escapeHtml(WINDOWS_RULE_TEXT)}.</p>`);
    const noVerdict = noVerdictText(l);
    if (noVerdict !== null) {
      out.push(
        `<p class="muted"><b>${escapeHtml(noVerdict)}</b>: no site can be called a steady-state leak. Record more iterations (a mark after each), or pass fewer <code>--warmup</code> intervals.</p>`,
      );
    }
    if (l.totals.suppressedBlocks > 0) {
      out.push(`<p class="muted">Suppressed: ${count(l.totals.suppressedBlocks, 'block')}, ${bytes(l.totals.suppressedBytes)} (left out of the sites and their growth).</p>`);
    }
    out.push(
      htmlTable(rows, [
        { header: '#', numeric: true, cell: (_s, i) => String(i + 1) },
        { header: by, cell: (s) => siteCell(s.key, s.stack.length > 0 ? s.stack : undefined) },
        {
          header: 'verdict',
          cell: (s) => {
            const name = GROWTH_CLASS_NAMES[s.growth.class];
            return s.growth.class === 'steady_leak' ? `<b>${name}</b>` : name;
          },
        },
        { header: 'live bytes per sample', cell: (_s, i) => `<div class="spark">${svg(`leak-growth-${i + 1}`)}</div>` },
        // "+37.5 KiB / per mark": may wrap before "per", so a narrow window still fits the table.
        { header: 'slope', numeric: true, cell: (s) => `<span class="wraps">${escapeHtml(slopeText(l, s.growth.slope)).replace(/ /g, '&nbsp;').replace('&nbsp;per&nbsp;', ' per&nbsp;')}</span>` },
        {
          header: `live ${when}`,
          numeric: true,
          cell: (s) => {
            const note = freedNote(l, s);
            return bytes(s.requestedBytes) + (note === null ? '' : `<br><span class="muted wraps">${escapeHtml(note)}</span>`);
          },
        },
        { header: 'blocks', numeric: true, cell: (s) => thousands(s.blocks) },
        { header: 'pools (alone)', numeric: true, cell: (s) => `${thousands(s.pools)} (${thousands(s.poolsAlone)})` },
        { header: 'arenas (alone)', numeric: true, cell: (s) => `${thousands(s.arenas)} (${thousands(s.arenasAlone)})` },
      ]),
    );
    return out.join('\n');
  },
};
