// Trace anomalies (trace-format.md, "Semantics the replayer must apply"):
// counted and classified, never fatal, with the first few examples kept so a
// user can find them in the file.

import { ANOMALY_KINDS, type AnomalyKind } from '../events/anomaly-kinds.js';
import { DOMAIN_COUNT } from '../events/ops.js';

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

  /** Counts by kind and the domain of the event that met the anomaly: index kind * DOMAIN_COUNT + domain (kinds in ANOMALY_KINDS order). */
  readonly byDomain = new Float64Array(ANOMALY_KINDS.length * DOMAIN_COUNT);

  /** Count one anomaly of an event of `domain`; `address` builds the example only while examples are still kept. */
  record(kind: AnomalyKind, domain: number, line: number, event: number, address: () => string, detail = ''): void {
    this.counts[kind]++;
    this.byDomain[ANOMALY_KINDS.indexOf(kind) * DOMAIN_COUNT + domain]!++;
    const list = this.examples[kind];
    if (list.length < MAX_ANOMALY_EXAMPLES) list.push({ line, event, address: address(), detail });
  }

  /** Anomalies of one kind met by events of one domain. */
  countOf(kind: AnomalyKind, domain: number): number {
    return this.byDomain[ANOMALY_KINDS.indexOf(kind) * DOMAIN_COUNT + domain]!;
  }

  get total(): number {
    let n = 0;
    for (const kind of ANOMALY_KINDS) n += this.counts[kind];
    return n;
  }
}
