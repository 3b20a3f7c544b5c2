// Arena pinning: pymalloc releases an arena only when its last block is
// freed. These tables name the sites whose live blocks keep arenas (and
// the bytes around them) from going back to the system, and the arenas that
// are cheapest to set free (fewest live blocks).

import { capitalised, instantHeading } from '../../instant-text.js';
import type { ArenaPinning, PinningSite } from '../../../analyzers/report-data.js';
import { escapeHtml } from '../escape.js';
import { bytes, count, instantHtml, plural, thousands } from '../format.js';
import { htmlTable, siteCell, type Column } from '../html-table.js';
import type { ReportSection } from '../section.js';
import { siteNoun } from '../../site-words.js';

const SITE_ROWS = 15;
const ARENA_ROWS = 15;

export const pinningSection: ReportSection = {
  id: 'pinning',
  title: 'Arena pinning',
  judged: true,
  applies: (d) => d.pinning.judged.pinnedArenas > 0 || (d.pinning.arenaPeak?.pinnedArenas ?? 0) > 0,
  charts: () => [],
  html: ({ data }) => {
    const hasStacks = data.analyze.events.stacks > 0;
    const out = [pinningHtml(data.pinning.judged, capitalised(instantHeading(data.at)), hasStacks)];
    if (data.pinning.arenaPeak !== null) {
      out.push(`<details><summary>At the arena high-water mark</summary>${pinningHtml(data.pinning.arenaPeak, 'At the arena high-water mark', hasStacks)}</details>`);
    }
    return out.join('\n');
  },
};

function siteColumns(by: string): Column<PinningSite>[] {
  return [
    { header: by, cell: (s) => siteCell(s.site, s.exampleStack) },
    { header: 'arenas pinned', numeric: true, cell: (s) => thousands(s.arenasPinned) },
    { header: 'alone', numeric: true, cell: (s) => thousands(s.arenasSolelyPinned) },
    { header: 'pools pinned', numeric: true, cell: (s) => thousands(s.poolsPinned) },
    { header: 'alone', numeric: true, cell: (s) => thousands(s.poolsSolelyPinned) },
    { header: 'kept unusable', numeric: true, cell: (s) => bytes(s.keptUnusableBytes) },
    // Only pymalloc blocks live in arenas: a site's C-library blocks are left out here (the caption says so).
    { header: 'pymalloc blocks', numeric: true, cell: (s) => thousands(s.liveBlocks) },
    { header: 'requested (pymalloc)', numeric: true, cell: (s) => bytes(s.requestedBytes) },
  ];
}

function pinningHtml(p: ArenaPinning, label: string, hasStacks: boolean): string {
  const by = siteNoun(p.groupedBy, hasStacks);
  const out = [
    `<h3>${escapeHtml(label)}</h3>`,
    `<p>At ${instantHtml(p)}: <b>${count(p.pinnedArenas, 'arena')}</b> ${p.pinnedArenas === 1 ? 'holds' : 'hold'} at least one live block and cannot be released; ` +
      `besides blocks in use ${p.pinnedArenas === 1 ? 'it holds' : 'they hold'} <b>${bytes(p.heldBytes)}</b> (free blocks, empty pools, headers, quantization, alignment)` +
      `${p.emptyArenas > 0 ? `; ${count(p.emptyArenas, 'live arena')} ${p.emptyArenas === 1 ? 'is' : 'are'} empty` : ''}. ` +
      `“Alone”: the arenas or pools whose live blocks all belong to that ${by}, which freeing them would release. ` +
      `“Kept unusable”: its share, in proportion to its blocks, of the bytes the arenas it pins hold beyond their blocks in use. ` +
      `Only pymalloc blocks live in arenas, so the blocks and bytes here leave out each ${by}’s C-library blocks (size 0 or over 512 bytes, and the raw domain), which the summary’s live figures count too.</p>`,
  ];
  if (p.sitesByArenasPinned.length > 0) {
    out.push(htmlTable(p.sitesByArenasPinned.slice(0, SITE_ROWS), siteColumns(by), `${plural(by)} by arenas pinned (of ${thousands(p.totalSites)} with pymalloc blocks live)`));
  }
  if (p.sitesByKeptUnusableBytes.length > 0) {
    out.push(htmlTable(p.sitesByKeptUnusableBytes.slice(0, SITE_ROWS), siteColumns(by), `${plural(by)} by bytes kept unusable`));
  }
  if (p.arenas.length > 0) {
    const rows = p.arenas.slice(0, ARENA_ROWS);
    out.push(
      htmlTable(
        rows,
        [
          { header: 'arena', cell: (a) => `<code>${escapeHtml(a.base)}</code> <span class="muted">#${thousands(a.serial)}</span>` },
          { header: 'live blocks', numeric: true, cell: (a) => thousands(a.liveBlocks) },
          { header: 'requested', numeric: true, cell: (a) => bytes(a.requestedBytes) },
          { header: 'pools in use', numeric: true, cell: (a) => thousands(a.poolsInUse) },
          { header: 'held', numeric: true, cell: (a) => bytes(a.heldBytes) },
          {
            header: `owning ${plural(by)}`,
            cell: (a) =>
              a.sites.map((s) => `${siteCell(s.site)} <span class="muted">${count(s.blocks, 'block')}</span>`).join('<br>') +
              (a.sitesOmitted > 0 ? `<br><span class="muted">… ${thousands(a.sitesOmitted)} more</span>` : ''),
          },
        ],
        `pinned arenas with the fewest live blocks (the cheapest to set free)${p.arenasOmitted + p.arenas.length - rows.length > 0 ? `; ${thousands(p.arenasOmitted + p.arenas.length - rows.length)} more not listed` : ''}`,
      ),
    );
  }
  return out.join('\n');
}
