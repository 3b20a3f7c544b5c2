// The window allocation churn is counted over (--churn-from, --churn-to),
// for analyze and the report: from the start, or right after the first mark
// labelled `from`, to the end, or the first mark labelled `to` after it.

export interface ChurnOptions {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export const DEFAULT_CHURN_OPTIONS: ChurnOptions = {};
