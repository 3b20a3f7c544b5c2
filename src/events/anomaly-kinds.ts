// The kinds of trace anomaly (trace-format.md, "Semantics the replayer must
// apply") and what each means: the replay counts them, the reports name them,
// so the vocabulary sits below both.

export const ANOMALY_KINDS = [
  'untracked_free',
  'double_free',
  'missing_free',
  'untracked_realloc',
  'free_size_mismatch',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const ANOMALY_DESCRIPTIONS: Record<AnomalyKind, string> = {
  untracked_free: 'free of an address never allocated in the trace (the block predates the recording)',
  double_free: 'free of an address that was already freed',
  missing_free: 'allocation at an address still live (its free is missing; treated as freed there)',
  untracked_realloc: 'realloc of an address that is not live (treated as a new allocation)',
  free_size_mismatch: 'free whose size differs from the size allocated',
};
