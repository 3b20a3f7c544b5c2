// The native half of a trace recorded with --native (the native contract):
// the footprint by domain at the report's instant, the native peaks with
// when each was reached, and the largest native sites, each named by the C
// function that called malloc and the Python line that led there. Left out
// of the report of a trace without a native half.

import { ANOMALY_KINDS } from '../../../events/anomaly-kinds.js';
import { NATIVE_HIGH_WATER_METRICS } from '../../../events/high-water-metrics.js';
import type { NativeHalf } from '../../../analyzers/analyze.js';
import type { LiveGroup } from '../../../analyzers/live-sites.js';
import { escapeHtml } from '../escape.js';
import { bytes, count, instantHtml, shareOf, thousands } from '../format.js';
import { htmlTable, siteCell } from '../html-table.js';
import type { ReportSection } from '../section.js';

/** Native sites listed. */
const ROWS = 10;

export const nativeSection: ReportSection = {
  id: 'native',
  title: 'Native half',
  judged: true,
  applies: (d) => d.analyze.native !== undefined,
  charts: () => [],
  html: ({ data }) => nativeHtml(data.analyze.native!, data.analyze.liveBlocks.nativeGroups ?? []),
};

function nativeHtml(n: NativeHalf, groups: readonly LiveGroup[]): string {
  const f = n.footprint;
  const domains = [
    { what: 'pymalloc arenas', bytes: f.pymallocArenaBytes },
    { what: "Python's blocks in the C library (raw, size 0 or > 512)", bytes: f.pythonCLibraryBytes },
    { what: `native heap (${count(f.nativeHeapBlocks, 'block')} of C code's own malloc)`, bytes: f.nativeHeapBytes },
    { what: `anonymous mappings (${thousands(f.mappings)})`, bytes: f.mmapBytes },
  ];
  const anomalies = ANOMALY_KINDS.filter((k) => n.anomalies[k] > 0).map((k) => `${k} ${thousands(n.anomalies[k])}`);
  const out = [
    `<p>C code called the C library directly ${thousands(n.calls.alloc + n.calls.calloc + n.calls.realloc)} times (alloc ${thousands(n.calls.alloc)}, calloc ${thousands(n.calls.calloc)}, realloc ${thousands(n.calls.realloc)}) and freed ${thousands(n.calls.free)} times; it mapped ${thousands(n.mappingOps.mmap)}, unmapped ${thousands(n.mappingOps.munmap)} and remapped ${thousands(n.mappingOps.mremap)} times.${anomalies.length > 0 ? ` Native anomalies: ${escapeHtml(anomalies.join(', '))}.` : ''}</p>`,
    '<h3>Footprint by domain</h3>',
    htmlTable(domains, [
      { header: 'held by', cell: (r) => escapeHtml(r.what) },
      { header: 'bytes', numeric: true, cell: (r) => bytes(r.bytes) },
      { header: 'share', numeric: true, cell: (r) => shareOf(r.bytes, f.totalBytes) },
    ]),
    '<h3>Native peaks</h3>',
    htmlTable(
      NATIVE_HIGH_WATER_METRICS.map((m) => n.highWater[m]),
      [
        { header: 'metric', cell: (p) => escapeHtml(p.description) },
        { header: 'peak', numeric: true, cell: (p) => bytes(p.value) },
        { header: 'reached', cell: (p) => (p.event === 0 ? 'never' : instantHtml(p)) },
      ],
    ),
  ];
  if (groups.length > 0) {
    const total = groups.reduce((s, g) => s + g.requestedBytes, 0);
    out.push(
      '<h3>Largest native sites</h3>',
      '<p>Each is named by the C function that called <code>malloc</code> and the Python line that led there.</p>',
      htmlTable(groups.slice(0, ROWS), [
        { header: 'site', cell: (g) => siteCell(g.key, g.exampleStack) },
        { header: 'blocks', numeric: true, cell: (g) => thousands(g.blocks) },
        { header: 'requested', numeric: true, cell: (g) => bytes(g.requestedBytes) },
        { header: 'share', numeric: true, cell: (g) => shareOf(g.requestedBytes, total) },
      ]),
    );
  }
  return out.join('\n');
}
