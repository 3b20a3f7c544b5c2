// How full the pools are: per size class (blocks in use against capacity) and
// per arena (the occupancy map), at the arena high-water mark and at the end.

import { instantHeading } from '../../instant-text.js';
import type { ReportData, SizeClassOccupancyAt } from '../../../analyzers/report-data.js';
import { arenaMapChart } from '../arena-map-chart.js';
import { bytes, count, instantHtml, percent, thousands } from '../format.js';
import { htmlTable } from '../html-table.js';
import type { ReportSection } from '../section.js';
import { sizeClassChart } from '../size-class-chart.js';

interface Instant<T> {
  readonly key: 'peak' | 'end';
  readonly label: string;
  readonly value: T;
}

function instants<T>(peak: T | null, judged: T, at: ReportData['at']): Instant<T>[] {
  return [
    ...(peak === null ? [] : [{ key: 'peak' as const, label: 'at the arena high-water mark', value: peak }]),
    { key: 'end' as const, label: instantHeading(at), value: judged },
  ];
}

export const sizeClassSection: ReportSection = {
  id: 'size-classes',
  title: 'Size classes',
  judged: true,
  applies: (d) => d.sizeClasses.judged.classes.length > 0 || (d.sizeClasses.arenaPeak?.classes.length ?? 0) > 0,
  charts: (d) =>
    instants(d.sizeClasses.arenaPeak, d.sizeClasses.judged, d.at)
      .filter((i) => i.value.classes.length > 0)
      .map((i) => sizeClassChart(`size-classes-${i.key}`, `Size-class occupancy ${i.label}`, i.value)),
  html: ({ data, figure }) =>
    instants(data.sizeClasses.arenaPeak, data.sizeClasses.judged, data.at)
      .map((i) =>
        i.value.classes.length === 0
          ? `${heading(i.label)}</h3><p class="muted">No pool in use.</p>`
          : [
              `${heading(i.label)}</h3>`,
              figure(`size-classes-${i.key}`, `Blocks in use (dark) against the blocks the pools in use can hold (light), ${instantHtml(i.value)}.`),
              `<details><summary>Table</summary>${sizeClassTable(i.value)}</details>`,
            ].join('\n'),
      )
      .join('\n'),
};

function heading(label: string): string {
  return `<h3>${label[0]!.toUpperCase()}${label.slice(1)}`;
}

function sizeClassTable(at: SizeClassOccupancyAt): string {
  return htmlTable(at.classes, [
    { header: 'class', numeric: true, cell: (c) => String(c.sizeClass) },
    { header: 'block size', numeric: true, cell: (c) => `${c.blockSizeBytes} B` },
    { header: 'pools', numeric: true, cell: (c) => thousands(c.pools) },
    { header: 'blocks in use', numeric: true, cell: (c) => thousands(c.blocksInUse) },
    { header: 'capacity', numeric: true, cell: (c) => thousands(c.blockCapacity) },
    { header: 'used', numeric: true, cell: (c) => percent(c.utilisation) },
    { header: 'free blocks', numeric: true, cell: (c) => bytes(c.availableBlockBytes) },
    { header: 'quantization', numeric: true, cell: (c) => bytes(c.quantizationBytes) },
  ]);
}

export const arenaMapSection: ReportSection = {
  id: 'arena-map',
  title: 'Arena map',
  judged: true,
  applies: (d) => d.arenaMap.judged.arenas.length > 0 || (d.arenaMap.arenaPeak?.arenas.length ?? 0) > 0,
  charts: (d) =>
    instants(d.arenaMap.arenaPeak, d.arenaMap.judged, d.at)
      .filter((i) => i.value.arenas.length > 0)
      .map((i) => arenaMapChart(`arena-map-${i.key}`, `Arena occupancy ${i.label}`, i.value)),
  html: ({ data, figure }) =>
    instants(data.arenaMap.arenaPeak, data.arenaMap.judged, data.at)
      .map((i) => {
        const m = i.value;
        const head = `${heading(i.label)}: ${count(m.totalArenas, 'arena')}</h3>`;
        if (m.arenas.length === 0) return `${head}<p class="muted">No arena.</p>`;
        const shown = m.arenasOmitted > 0 ? `${thousands(m.arenas.length)} of the ${count(m.totalArenas, 'arena')}, spread evenly over the address order` : 'Every arena';
        return [
          head,
          figure(
            `arena-map-${i.key}`,
            `${shown}, ${instantHtml(m)}; one row per arena of ${bytes(m.arenaSizeBytes)}, one cell per pool of ${bytes(m.poolSizeBytes)}, coloured by the share of its blocks in use. Empty pools (yellow) are free for any size class; a row with a few dark cells among yellow ones is an arena that a few live blocks keep from being released.`,
          ),
        ].join('\n');
      })
      .join('\n'),
};
