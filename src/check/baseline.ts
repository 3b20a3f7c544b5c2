// Baselines: the --json document of an earlier `memreplay check` run,
// committed by the user. A trace fails when one of its numbers rose above the
// baseline's by more than the tolerance (a share: 0.05 allows 5% more), so a
// baseline of 0 allows no increase at all. Traces are matched by the file
// name as given on the command line, else by base name when that is unique.
// Each trace's entry records the instant its figures are from (`at`: the
// --at mark, null for the end of the trace), since figures of two instants
// are not comparable; baselines written before that have no `at` and are
// compared as they are, with a note.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MemreplayError } from '../errors.js';
import { BUDGET_NAMES, NATIVE_BUDGET_NAMES, summaryValue, type BudgetName, type TraceSummary } from './budgets.js';

export const DEFAULT_TOLERANCE = 0.05;

export interface BaselineOutcome {
  readonly metric: BudgetName;
  readonly baseline: number;
  readonly actual: number;
  /** The most the value may be: baseline × (1 + tolerance). */
  readonly limit: number;
  readonly passed: boolean;
}

/** One trace's entry: its figures, and the instant they are from (undefined: not recorded, an older file). */
export interface BaselineEntry {
  readonly summary: TraceSummary;
  readonly at: string | null | undefined;
}

export interface Baseline {
  readonly file: string;
  readonly traces: ReadonlyMap<string, BaselineEntry>;
  /** Every entry records its instant (false for files written before baselines did). */
  readonly recordsInstant: boolean;
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
  const traces = new Map<string, BaselineEntry>();
  let recordsInstant = true;
  d.traces.forEach((t: { file?: unknown; summary?: Record<string, unknown>; at?: unknown }, i: number) => {
    const s = t?.summary;
    const required = BUDGET_NAMES.filter((k) => !NATIVE_BUDGET_NAMES.includes(k));
    if (typeof t?.file !== 'string' || typeof s !== 'object' || s === null || !required.every((k) => typeof s[k] === 'number')) {
      throw new MemreplayError(`${file}: traces[${i}]: expected "file" and a "summary" with ${required.join(', ')}`);
    }
    const at = t.at;
    if (at !== undefined && at !== null && typeof at !== 'string') {
      throw new MemreplayError(`${file}: traces[${i}].at: expected a mark label or null (the end of the trace)`);
    }
    if (at === undefined) recordsInstant = false;
    traces.set(t.file, { summary: s as unknown as TraceSummary, at });
  });
  return { file, traces, recordsInstant };
}

/** "at mark "stats"" or "at the end of the trace": an entry's instant, for messages. */
export function baselineInstantText(at: string | null): string {
  return at === null ? 'at the end of the trace' : `at mark ${JSON.stringify(at.slice(0, 60))}`;
}

/**
 * The baseline's figures of a trace were taken at another instant than this
 * run's: refuse to compare them, saying which --at gives the baseline's.
 */
export function instantMismatch(b: Baseline, trace: string, baselineAt: string | null, runAt: string | null): MemreplayError {
  const fix = baselineAt === null ? 'pass --at-end' : `pass --at ${shellWord(baselineAt)}`;
  return new MemreplayError(
    `${b.file}: the baseline of ${trace} is ${baselineInstantText(baselineAt)}, this run ${baselineInstantText(runAt)}: ` +
      `${fix} to compare like with like, or write a new baseline with --update-baseline`,
  );
}

function shellWord(s: string): string {
  return /^[\w.,:@%+=/-]+$/.test(s) ? s : `'${s.slice(0, 60).replace(/'/g, `'\\''`)}'`;
}

/** The baseline entry of a trace, or undefined when the baseline has none. */
export function baselineFor(b: Baseline, file: string): BaselineEntry | undefined {
  const exact = b.traces.get(file);
  if (exact !== undefined) return exact;
  const name = basename(file);
  const same = [...b.traces.entries()].filter(([f]) => basename(f) === name);
  return same.length === 1 ? same[0]![1] : undefined;
}

export function compareWithBaseline(actual: TraceSummary, base: TraceSummary, tolerance: number): BaselineOutcome[] {
  // (A baseline written before the native budgets has none of them: those are not compared.)
  return BUDGET_NAMES.filter((metric) => typeof base[metric] === 'number').map((metric) => {
    const was = summaryValue(base, metric);
    const now = summaryValue(actual, metric);
    const limit = was * (1 + tolerance);
    return { metric, baseline: was, actual: now, limit, passed: now <= limit };
  });
}
