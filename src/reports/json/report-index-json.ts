// index.json of `memreplay report --format json` over many traces
// (docs/json-output.md): the index entries and the traces that failed.

import type { IndexEntry, IndexFailure } from '../report-index.js';
import { documentText } from './document-text.js';

export const REPORT_INDEX_SCHEMA = 'memreplay.report-index/2';

export function formatIndexJson(entries: readonly IndexEntry[], failures: readonly IndexFailure[]): string {
  return documentText({ schema: REPORT_INDEX_SCHEMA, traces: entries, failures });
}
