// What in the trace did not add up: anomalies by kind with the first
// examples (file:line), bad records skipped with --lenient, and where the
// model disagreed with the trace's addresses or arena records.

import type { ReportData } from '../../../analyzers/report-data.js';
import { ANOMALY_KINDS } from '../../../events/anomaly-kinds.js';
import { escapeHtml, traceText } from '../escape.js';
import { thousands } from '../format.js';
import { htmlTable } from '../html-table.js';
import type { ReportSection } from '../section.js';

function hasFindings(d: ReportData): boolean {
  const a = d.analyze;
  return a.anomalies.total > 0 || a.skippedRecords.count > 0 || a.verification.addressMismatches > 0 || a.verification.arenas.mismatches > 0;
}

export const anomaliesSection: ReportSection = {
  id: 'anomalies',
  title: 'Anomalies',
  applies: () => true,
  charts: () => [],
  html: ({ data }) => {
    const a = data.analyze;
    if (!hasFindings(data)) return '<p>None: every free matched a live allocation, every record was read, and the model agreed with the trace.</p>';
    const file = traceText(a.file, 120);
    const out: string[] = [];
    if (a.anomalies.total > 0) {
      const kinds = ANOMALY_KINDS.filter((k) => a.anomalies.byKind[k].count > 0);
      out.push(
        htmlTable(kinds, [
          { header: 'kind', cell: (k) => `<code>${escapeHtml(k)}</code>` },
          { header: 'count', numeric: true, cell: (k) => thousands(a.anomalies.byKind[k].count) },
          { header: 'meaning', cell: (k) => escapeHtml(a.anomalies.byKind[k].description) },
          {
            header: 'first examples',
            cell: (k) =>
              a.anomalies.byKind[k].examples
                .map((x) => `<code>${file}:${x.line}</code> event ${thousands(x.event)} <code>${escapeHtml(x.address)}</code>${x.detail ? ` ${traceText(x.detail, 120)}` : ''}`)
                .join('<br>'),
          },
        ]),
      );
    }
    if (a.skippedRecords.count > 0) {
      out.push(
        `<h3>Skipped records: ${thousands(a.skippedRecords.count)}</h3>`,
        `<ul>${a.skippedRecords.examples.map((x) => `<li><code>${file}:${x.line}</code> ${traceText(x.message, 200)}</li>`).join('')}</ul>`,
      );
    }
    const v = a.verification;
    if (v.addressMismatches > 0) {
      out.push(
        `<h3>Block addresses the model did not predict: ${thousands(v.addressMismatches)}</h3>`,
        `<ul>${v.addressExamples.map((x) => `<li><code>${file}:${x.line}</code> trace <code>${escapeHtml(x.trace)}</code>, model <code>${escapeHtml(x.model)}</code></li>`).join('')}</ul>`,
      );
    }
    if (v.arenas.mismatches > 0) {
      out.push(
        `<h3>Arena records the model disagreed with: ${thousands(v.arenas.mismatches)}</h3>`,
        `<ul>${v.arenas.examples.map((x) => `<li><code>${file}:${x.line}</code> ${traceText(x.detail, 200)}</li>`).join('')}</ul>`,
      );
    }
    return out.join('\n');
  },
};
