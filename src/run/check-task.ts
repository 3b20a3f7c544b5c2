// The `check` batch task: one trace against the budgets (its leak analysis,
// summary and budget outcomes), plain data in and out. The baseline is
// compared on the main thread, where the report is put together.

import type { LeaksOptions } from '../analyzers/leaks.js';
import type { BudgetRules, Budgets } from '../check/budgets.js';
import type { CheckedTrace } from '../check/run-check.js';
import { checkTrace } from './check.js';
import { defineTask } from '../batch/task.js';

export interface CheckTaskOptions {
  readonly leaks: LeaksOptions;
  readonly budgets: Budgets;
  readonly rules: BudgetRules;
}

export const checkTask = defineTask<CheckTaskOptions, CheckedTrace>({
  name: 'check',
  run: (input, options, context) =>
    checkTrace(input, options.leaks, options.budgets, options.rules, { onProgress: (bytesRead, totalBytes) => context.progress(bytesRead, totalBytes) }),
});
