// The what-if comparison (`--python 3.8,3.11,3.13`): the same trace under
// each version's pymalloc geometry, side by side.

import { instantText } from '../../instant-text.js';
import type { WhatIfVersion } from '../../../analyzers/report-data.js';
import { escapeHtml } from '../escape.js';
import { bytes, percent, thousands } from '../format.js';
import { htmlTable, type Column } from '../html-table.js';
import type { ReportSection } from '../section.js';
import { whatIfChart } from '../what-if-chart.js';

export const whatIfSection: ReportSection = {
  id: 'what-if',
  title: 'What if',
  judged: true,
  applies: (d) => d.whatIf !== null && d.whatIf.length > 0,
  charts: (d) => [whatIfChart(d.whatIf!)],
  html: ({ data, figure }) => {
    const versions = data.whatIf!;
    const rows: { label: string; cell: (v: WhatIfVersion) => string }[] = [
      { label: 'arena size / pool size', cell: (v) => `${bytes(v.arenaSizeBytes)} / ${bytes(v.poolSizeBytes)}` },
      { label: 'arena addresses', cell: (v) => (v.arenasFromTrace ? 'from the trace' : 'placed by the model') },
      { label: 'peak footprint', cell: (v) => bytes(v.footprintPeak.value) },
      { label: 'arena high-water mark', cell: (v) => thousands(v.arenasPeak.value) },
      { label: 'peak pools in use', cell: (v) => thousands(v.poolsPeak.value) },
      { label: 'peak bytes in blocks', cell: (v) => bytes(v.blockBytesPeak.value) },
      { label: 'utilisation at the arena peak', cell: (v) => (v.arenaPeak === null ? '–' : percent(v.arenaPeak.utilisation)) },
      { label: 'free blocks + unused pools at the arena peak', cell: (v) => (v.arenaPeak === null ? '–' : bytes(v.arenaPeak.availableBlockBytes + v.arenaPeak.unusedPoolBytes)) },
      { label: `arenas ${instantText(data.at)}`, cell: (v) => thousands(v.judged.arenas) },
      { label: `footprint ${instantText(data.at)}`, cell: (v) => bytes(v.judged.footprintBytes) },
      { label: `utilisation ${instantText(data.at)}`, cell: (v) => percent(v.judged.utilisation) },
    ];
    const columns: Column<(typeof rows)[number]>[] = [
      { header: '', cell: (r) => escapeHtml(r.label) },
      ...versions.map((v) => ({ header: `CPython ${v.version}`, numeric: true, cell: (r: (typeof rows)[number]) => r.cell(v) })),
    ];
    return [
      '<p>The trace replayed under each version’s pymalloc geometry (arena and pool sizes, size classes). A version that places blocks and arenas as the trace’s own does (3.10 to 3.13 differ only in the radix tree) replays with the trace’s arena addresses; under any other the model places arenas itself, aligned to the arena size.</p>',
      figure('what-if', 'Arena bytes at each version’s own arena high-water mark, split by use; the red tick is the version’s peak footprint.'),
      htmlTable(rows, columns),
    ].join('\n');
  },
};
