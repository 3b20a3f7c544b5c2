// Anomalies: what the trace did that CPython could not have, by kind, and the
// records --lenient skipped.

import type { ReportData } from '../../analyzers/report-data.js';
import { ANOMALY_KINDS } from '../../events/anomaly-kinds.js';
import { count, thousands } from '../../text/units.js';
import { table } from './format.js';

export function anomaliesSection(d: ReportData): string[] {
  const a = d.analyze;
  const out: string[] = ['## Anomalies', ''];
  if (a.anomalies.total === 0 && a.skippedRecords.count === 0) return [...out, 'None.', ''];
  const kinds = ANOMALY_KINDS.filter((k) => a.anomalies.byKind[k].count > 0);
  if (kinds.length > 0) {
    out.push(
      table(
        ['kind', 'count', 'first at'],
        kinds.map((k) => [k, thousands(a.anomalies.byKind[k].count), a.anomalies.byKind[k].examples.map((x) => `line ${x.line}`).join(', ')]),
        [false, true, false],
      ),
      '',
    );
  }
  if (a.skippedRecords.count > 0) out.push(`${count(a.skippedRecords.count, 'bad record')} skipped (--lenient).`, '');
  return out;
}
