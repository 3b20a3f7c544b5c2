// `memreplay analyze --json` (docs/json-output.md): the results of every
// trace that replayed, in argument order, and the traces that failed.

import type { AnalyzeResult } from '../../analyzers/analyze.js';
import { documentText } from './document-text.js';

export const ANALYZE_SCHEMA = 'memreplay.analyze/3';

export function formatAnalyzeJson(traces: readonly AnalyzeResult[], failures: readonly { file: string; error: string }[]): string {
  return documentText({ schema: ANALYZE_SCHEMA, traces, failures });
}
