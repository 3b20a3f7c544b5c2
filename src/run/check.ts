// The `check` driver for one trace: its leak analysis (run/leaks.ts) with the
// options the budgets need, judged against the budgets (check/run-check.ts).
// The baseline is compared on the main thread, where the report is put together.

import type { LeaksOptions } from '../analyzers/leaks.js';
import type { BudgetRules, Budgets } from '../check/budgets.js';
import { checkedTraceOf, leakOptionsForBudgets, type CheckedTrace } from '../check/run-check.js';
import type { ReplayHooks } from './replay-trace.js';
import { findLeaks } from './leaks.js';

/** One trace against the budgets (the part that can run on a worker: plain data in and out). */
export async function checkTrace(path: string, leaks: LeaksOptions, budgets: Budgets, rules: BudgetRules = {}, hooks: ReplayHooks = {}): Promise<CheckedTrace> {
  return checkedTraceOf(await findLeaks(path, leakOptionsForBudgets(leaks, budgets), hooks), budgets, rules);
}
