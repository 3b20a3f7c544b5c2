// How leak growth is measured and what is suppressed (--warmup, --marks,
// --suppressions), for leaks, check and the report's leak section.

import type { SuppressionRule } from '../suppressions/suppressions.js';

/** Intervals of warm-up before growth counts: a number of intervals, or a share of them. */
export type WarmupSpec = { readonly intervals: number } | { readonly percent: number };

export interface GrowthOptions {
  /** Absent: 1 interval with marks, 25% of the windows without (analyzers/growth.ts). */
  readonly warmup?: WarmupSpec | undefined;
  /** Glob over mark labels: only those marks are interval boundaries (absent: all but stats and final). */
  readonly marks?: string | undefined;
  readonly suppressions: readonly SuppressionRule[];
}

export const DEFAULT_GROWTH_OPTIONS: GrowthOptions = { suppressions: [] };
