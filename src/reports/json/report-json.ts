// `memreplay report --format json`: the ReportData itself (schema
// memreplay.report/3, documented in docs/json-output.md).

import type { ReportData } from '../../analyzers/report-data.js';
import { documentText } from './document-text.js';

export function formatReportJson(data: ReportData): string {
  return documentText(data);
}
