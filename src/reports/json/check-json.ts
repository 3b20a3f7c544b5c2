// `memreplay check --json` and the baseline `--update-baseline` writes
// (docs/json-output.md, docs/check.md): the check report (its schema,
// CHECK_SCHEMA, is set by check/run-check.ts, which also reads baselines back).

import type { CheckReport } from '../../check/run-check.js';
import { documentText } from './document-text.js';

export function formatCheckJson(report: CheckReport): string {
  return documentText(report);
}

/** The baseline: the report without per-site details (each trace keeps `at`, its instant). */
export function formatBaselineJson(report: CheckReport): string {
  return documentText({ ...report, traces: report.traces.map(({ leaks: _leaks, ...rest }) => rest) });
}
