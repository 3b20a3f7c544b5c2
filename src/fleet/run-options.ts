// What a run was submitted with that its report needs: the check's options
// (budgets and where they came from, the baseline, the config file, the
// allowances) and the format of its report files. Kept in the engine once per
// run, so `fleet report` on any machine gives what `check` gave where the
// traces were submitted.

import type { CheckOptions } from '../check/run-check.js';
import type { ReportFormat } from '../reports/report-files.js';

export interface FleetRunOptions {
  readonly check: CheckOptions;
  /** The format of each trace's report, or null: a check-only run. */
  readonly reports: ReportFormat | null;
}
