// The budgets of `memreplay check` and how one trace's result meets them.
// Every budget is a maximum; a trace passes a budget when its value is at
// most the limit. With no budget given at all, only steadyLeakSites applies,
// at 0: a check fails on a steady-state leak and on nothing else. A trace
// whose growth gives no leak verdict (too few intervals after the warm-up)
// cannot be held to steadyLeakSites: that budget fails, saying why, unless
// no verdict is allowed (--allow-no-verdict), when it passes with a warning.

import type { LeaksResult } from '../analyzers/leaks.js';

export const BUDGET_NAMES = [
  'steadyLeakSites',
  'leakedBytes',
  'siteLeakedBytes',
  'peakFootprintBytes',
  'arenas',
  'fragmentation',
  'nativeLeakedBytes',
  'peakNativeHeapBytes',
  'peakMmapBytes',
] as const;
/**
 * The budgets of the native half, by domain (a trace without one has 0 of
 * each). A baseline written before they existed lacks them: it is compared
 * on the others.
 */
export const NATIVE_BUDGET_NAMES: readonly BudgetName[] = ['nativeLeakedBytes', 'peakNativeHeapBytes', 'peakMmapBytes'];
export type BudgetName = (typeof BUDGET_NAMES)[number];
export type Budgets = Partial<Record<BudgetName, number>>;

export const BUDGET_DESCRIPTIONS: Record<BudgetName, string> = {
  steadyLeakSites: 'steady-state leak sites',
  leakedBytes: 'bytes live at the reported instant, after suppressions',
  siteLeakedBytes: 'bytes live at one site at the reported instant',
  peakFootprintBytes: 'peak footprint (arenas + C library bytes)',
  arenas: 'arena high-water mark',
  fragmentation: 'fragmentation: free share of the arena bytes at the reported instant',
  nativeLeakedBytes: 'native bytes live at the reported instant, after suppressions',
  peakNativeHeapBytes: 'peak native heap (C code calling the C library directly)',
  peakMmapBytes: 'peak of anonymous mappings C code made directly',
};

/** What a budget is measured in, for messages. */
export const BUDGET_UNITS: Record<BudgetName, 'bytes' | 'count' | 'ratio'> = {
  steadyLeakSites: 'count',
  leakedBytes: 'bytes',
  siteLeakedBytes: 'bytes',
  peakFootprintBytes: 'bytes',
  arenas: 'count',
  fragmentation: 'ratio',
  nativeLeakedBytes: 'bytes',
  peakNativeHeapBytes: 'bytes',
  peakMmapBytes: 'bytes',
};

/** The numbers of one trace that budgets and baselines look at. */
export interface TraceSummary {
  readonly steadyLeakSites: number;
  readonly leakedBytes: number;
  /** The largest site's live bytes (0 when none). */
  readonly siteLeakedBytes: number;
  readonly peakFootprintBytes: number;
  readonly arenas: number;
  readonly fragmentation: number;
  /** The native figures: only for a trace with a native half (absent, each counts 0). */
  readonly nativeLeakedBytes?: number;
  readonly peakNativeHeapBytes?: number;
  readonly peakMmapBytes?: number;
}

/** A summary's figure; a native one a trace without a native half lacks is 0. */
export function summaryValue(s: TraceSummary, name: BudgetName): number {
  return s[name] ?? 0;
}

export interface BudgetOutcome {
  readonly budget: BudgetName;
  readonly limit: number;
  readonly actual: number;
  readonly passed: boolean;
  /** The sites that broke it (steadyLeakSites, siteLeakedBytes), by key. */
  readonly sites: readonly string[];
  /** steadyLeakSites only: why there is no leak verdict (the budget could not be checked), else null. */
  readonly noVerdict: string | null;
}

export interface BudgetRules {
  /** A trace without a leak verdict passes steadyLeakSites (with a warning) instead of failing it. */
  readonly allowNoVerdict?: boolean;
}

/** The budgets in force: the ones given, and steadyLeakSites 0 unless it was given. */
export function effectiveBudgets(given: Budgets): Budgets {
  return { steadyLeakSites: 0, ...given };
}

export function summaryOf(r: LeaksResult): TraceSummary {
  return {
    steadyLeakSites: r.growth.steadyLeakSites,
    leakedBytes: r.totals.liveRequestedBytes,
    siteLeakedBytes: r.sites.reduce((m, s) => Math.max(m, s.requestedBytes), 0),
    peakFootprintBytes: r.memory.peakFootprintBytes,
    arenas: r.memory.arenasHighWater,
    fragmentation: r.memory.fragmentation.freeRatio,
    ...(r.memory.native === undefined
      ? {}
      : {
          nativeLeakedBytes: r.memory.native.leakedBytes,
          peakNativeHeapBytes: r.memory.native.peakHeapBytes.value,
          peakMmapBytes: r.memory.native.peakMmapBytes.value,
        }),
  };
}

export function evaluateBudgets(r: LeaksResult, budgets: Budgets, rules: BudgetRules = {}): BudgetOutcome[] {
  const summary = summaryOf(r);
  const out: BudgetOutcome[] = [];
  for (const budget of BUDGET_NAMES) {
    const limit = budgets[budget];
    if (limit === undefined) continue;
    const actual = summaryValue(summary, budget);
    let sites: string[] = [];
    if (budget === 'steadyLeakSites') sites = r.sites.filter((s) => s.growth.class === 'steady_leak').map((s) => s.key);
    if (budget === 'siteLeakedBytes') sites = r.sites.filter((s) => s.requestedBytes > limit).map((s) => s.key);
    if (budget === 'nativeLeakedBytes') sites = r.sites.filter((s) => s.native !== undefined && s.requestedBytes > 0).map((s) => s.key);
    const noVerdict = budget === 'steadyLeakSites' ? r.growth.noVerdict : null;
    const passed = actual <= limit && (noVerdict === null || rules.allowNoVerdict === true);
    out.push({ budget, limit, actual, passed, sites: actual <= limit ? [] : sites, noVerdict });
  }
  return out;
}
