// `memreplay check --per-test --json` (schema PER_TEST_SCHEMA, check/per-test-policy.ts).

import type { PerTestReport } from '../../check/per-test-policy.js';
import { documentText } from './document-text.js';

export function formatPerTestJson(report: PerTestReport): string {
  return documentText(report);
}
