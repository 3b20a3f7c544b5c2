// Trace anomalies (trace-format.md, "Semantics the replayer must apply"):
// counted and classified, never fatal, with the first few examples kept so a
// user can find them in the file.

import { ANOMALY_KINDS, type AnomalyKind } from '../events/anomaly-kinds.js';

export const MAX_ANOMALY_EXAMPLES = 5;

export interface AnomalyExample {
  /** Line in the trace file. */
  readonly line: number;
  /** Number (1-based) of the event. */
  readonly event: number;
  /** Address as 0x hex. */
  readonly address: string;
  readonly detail: string;
}

export class Anomalies {
  readonly counts: Record<AnomalyKind, number> = {
    untracked_free: 0,
    double_free: 0,
    missing_free: 0,
    untracked_realloc: 0,
    free_size_mismatch: 0,
  };
  readonly examples: Record<AnomalyKind, AnomalyExample[]> = {
    untracked_free: [],
    double_free: [],
    missing_free: [],
    untracked_realloc: [],
    free_size_mismatch: [],
  };

  /** Count one anomaly; `describe` builds the example only while examples are still kept. */
  record(kind: AnomalyKind, line: number, event: number, address: () => string, detail = ''): void {
    this.counts[kind]++;
    const list = this.examples[kind];
    if (list.length < MAX_ANOMALY_EXAMPLES) list.push({ line, event, address: address(), detail });
  }

  get total(): number {
    let n = 0;
    for (const kind of ANOMALY_KINDS) n += this.counts[kind];
    return n;
  }
}
