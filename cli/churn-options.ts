// --churn-from and --churn-to, for the commands that count allocation churn
// (analyze, report): the mark window of ChurnOptions
// (src/options/churn-options.ts says what it is).

import type { Argv } from 'yargs';
import { UsageError } from '../src/errors.js';
import type { ChurnOptions } from '../src/options/churn-options.js';

export interface ChurnArgs {
  churnFrom?: string;
  churnTo?: string;
  churn?: boolean;
}

/** analyze's --churn: churn is counted only when asked (ChurnOptions.count); the report always counts it. */
export function withChurnSwitch<T>(y: Argv<T>): Argv<T & ChurnArgs> {
  return withChurnOptions(y).option('churn', {
    type: 'boolean',
    describe: 'count allocation churn by site (about a fifth more CPU; --churn-from or --churn-to count it too)',
  }) as Argv<T & ChurnArgs>;
}

export function withChurnOptions<T>(y: Argv<T>): Argv<T & ChurnArgs> {
  return y
    .option('churn-from', { type: 'string', describe: 'count allocation churn from right after the first mark with this label (default: the start)' })
    .option('churn-to', { type: 'string', describe: 'count allocation churn up to the first mark with this label after --churn-from (default: the instant judged: the --at mark, or stats when the trace has it, else the end)' }) as Argv<T & ChurnArgs>;
}

export function churnOptionsOf(args: ChurnArgs): ChurnOptions {
  for (const [flag, label] of [['--churn-from', args.churnFrom], ['--churn-to', args.churnTo]] as const) {
    if (label === '') throw new UsageError(`${flag} needs a mark label`);
  }
  return { from: args.churnFrom, to: args.churnTo, count: args.churn === true || args.churnFrom !== undefined || args.churnTo !== undefined };
}
