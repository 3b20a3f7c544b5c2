// Baselines: the --json document of an earlier `memreplay check` run,
// committed by the user. A trace fails when one of its numbers rose above the
// baseline's by more than the tolerance (a share: 0.05 allows 5% more), so a
// baseline of 0 allows no increase at all. Traces are matched by the file
// name as given on the command line, else by base name when that is unique.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MemreplayError } from '../errors.js';
import { BUDGET_NAMES, type BudgetName, type TraceSummary } from './budgets.js';

export const DEFAULT_TOLERANCE = 0.05;

export interface BaselineOutcome {
  readonly metric: BudgetName;
  readonly baseline: number;
  readonly actual: number;
  /** The most the value may be: baseline × (1 + tolerance). */
  readonly limit: number;
  readonly passed: boolean;
}

export interface Baseline {
  readonly file: string;
  readonly traces: ReadonlyMap<string, TraceSummary>;
}

export function readBaseline(file: string, schema: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not a JSON document (${(e as Error).message})`;
    throw new MemreplayError(`${file}: cannot read the baseline: ${why}`);
  }
  const d = doc as { schema?: unknown; traces?: unknown };
  if (typeof d !== 'object' || d === null || d.schema !== schema || !Array.isArray(d.traces)) {
    throw new MemreplayError(`${file}: expected a baseline written by memreplay check (schema ${schema}); write one with --update-baseline`);
  }
  const traces = new Map<string, TraceSummary>();
  d.traces.forEach((t: { file?: unknown; summary?: Record<string, unknown> }, i: number) => {
    const s = t?.summary;
    if (typeof t?.file !== 'string' || typeof s !== 'object' || s === null || !BUDGET_NAMES.every((k) => typeof s[k] === 'number')) {
      throw new MemreplayError(`${file}: traces[${i}]: expected "file" and a "summary" with ${BUDGET_NAMES.join(', ')}`);
    }
    traces.set(t.file, s as unknown as TraceSummary);
  });
  return { file, traces };
}

/** The baseline numbers of a trace, or undefined when the baseline has none. */
export function baselineFor(b: Baseline, file: string): TraceSummary | undefined {
  const exact = b.traces.get(file);
  if (exact !== undefined) return exact;
  const name = basename(file);
  const same = [...b.traces.entries()].filter(([f]) => basename(f) === name);
  return same.length === 1 ? same[0]![1] : undefined;
}

export function compareWithBaseline(actual: TraceSummary, base: TraceSummary, tolerance: number): BaselineOutcome[] {
  return BUDGET_NAMES.map((metric) => {
    const limit = base[metric] * (1 + tolerance);
    return { metric, baseline: base[metric], actual: actual[metric], limit, passed: actual[metric] <= limit };
  });
}
