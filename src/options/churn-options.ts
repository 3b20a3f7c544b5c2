// The window allocation churn is counted over (--churn-from, --churn-to),
// for analyze and the report: from the start, or right after the first mark
// labelled `from`, to the end, or the first mark labelled `to` after it.

import { judgedMarkLabel, type InstantOptions } from './instant-options.js';

export interface ChurnOptions {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /**
   * Whether `analyze` counts churn: it reads every ended block's record,
   * about a fifth more CPU there, so only when asked (--churn, or a window).
   * The report always counts it: its peak log reads those records anyway.
   */
  readonly count?: boolean;
}

export const DEFAULT_CHURN_OPTIONS: ChurnOptions = {};

/**
 * The window churn is counted over by a command that judges `instant`:
 * unless --churn-to says where it ends, it ends where every other figure is
 * judged — the first `at` (or `stats`) mark when the trace has it, else the
 * end — so churn and the live figures describe the same stretch of the run.
 */
export function churnWindowAt(churn: ChurnOptions, instant: InstantOptions): ChurnOptions {
  return { ...churn, to: churn.to ?? judgedMarkLabel(instant) ?? undefined };
}
