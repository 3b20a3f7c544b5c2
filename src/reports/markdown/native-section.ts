// The native half (traces recorded with --native): the footprint by domain,
// the native peaks and when each was reached, the largest native sites (by
// C function and the Python line that led there). Nothing for a trace
// without a native half.

import type { ReportData } from '../../analyzers/report-data.js';
import { ANOMALY_KINDS } from '../../events/anomaly-kinds.js';
import { NATIVE_HIGH_WATER_METRICS } from '../../events/high-water-metrics.js';
import { bytes, count, thousands } from '../../text/units.js';
import { mdSiteName, ROWS, table, when } from './format.js';

export function nativeSection(d: ReportData): string[] {
  const n = d.analyze.native;
  if (n === undefined) return [];
  const f = n.footprint;
  const out = ['## Native half', ''];
  out.push(
    `C code's own calls: alloc ${thousands(n.calls.alloc)}, calloc ${thousands(n.calls.calloc)}, realloc ${thousands(n.calls.realloc)}, free ${thousands(n.calls.free)}; mmap ${thousands(n.mappingOps.mmap)}, munmap ${thousands(n.mappingOps.munmap)}, mremap ${thousands(n.mappingOps.mremap)}.`,
    '',
  );
  const anomalies = ANOMALY_KINDS.filter((k) => n.anomalies[k] > 0).map((k) => `${k} ${thousands(n.anomalies[k])}`);
  if (anomalies.length > 0) out.push(`Native anomalies: ${anomalies.join(', ')}.`, '');
  out.push(
    table(
      ['footprint by domain', 'bytes'],
      [
        ['pymalloc arenas', bytes(f.pymallocArenaBytes)],
        ["Python's blocks in the C library", bytes(f.pythonCLibraryBytes)],
        [`native heap (${count(f.nativeHeapBlocks, 'block')})`, bytes(f.nativeHeapBytes)],
        [`anonymous mappings (${thousands(f.mappings)})`, bytes(f.mmapBytes)],
        ['total', bytes(f.totalBytes)],
      ],
      [false, true],
    ),
    '',
    table(
      ['native peak', 'peak', 'first reached at'],
      NATIVE_HIGH_WATER_METRICS.map((m) => [n.highWater[m].description, bytes(n.highWater[m].value), when(n.highWater[m])]),
      [false, true, false],
    ),
    '',
  );
  const groups = d.analyze.liveBlocks.nativeGroups ?? [];
  if (groups.length > 0) {
    out.push(
      '### Largest native sites (the C function that called malloc <- the Python line that led there)',
      '',
      table(['site', 'blocks', 'requested'], groups.slice(0, ROWS).map((g) => [mdSiteName(g.key), thousands(g.blocks), bytes(g.requestedBytes)]), [false, true, true]),
      '',
    );
  }
  return out;
}
