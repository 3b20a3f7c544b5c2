// `memreplay report --format json`: the ReportData itself (schema
// memreplay.report/3, documented in docs/json-output.md).

import type { ReportData } from '../analyzers/report-data.js';

export function formatReportJson(data: ReportData): string {
  return JSON.stringify(data, null, 2) + '\n';
}
