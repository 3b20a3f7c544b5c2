// Options shared by `leaks` and `check` (and, but for --at and
// --gen-suppressions, `report`'s leak section): how sites are grouped
// (site-options.ts), how growth is measured, where suppressions come from;
// mapped into LeaksOptions' groups (src/options/).

import type { Argv } from 'yargs';
import type { LeaksOptions } from '../src/analyzers/leaks.js';
import type { GrowthOptions, WarmupSpec } from '../src/options/growth-options.js';
import { UsageError } from '../src/errors.js';
import { loadSuppressions, type LoadedSuppressions } from '../src/suppressions/load.js';
import { instantOptionsOf } from './at-end-option.js';
import { siteOptionsOf, withSiteOptions, type SiteArgs, type TopArgs } from './site-options.js';
import { traceOptionsOf, type TraceArgs } from './trace-options.js';

/** How growth is measured and what is suppressed. */
export interface GrowthArgs extends SiteArgs {
  warmup?: string;
  marks?: string;
  suppressions?: string[];
}

export interface LeakArgs extends TraceArgs, GrowthArgs {
  at?: string;
  atEnd?: boolean;
  genSuppressions?: string;
}

/**
 * --at, --gen-suppressions and the growth options. `genSuppressionsHelp` says
 * where the entries may go for this command (`leaks` can print them, `check`
 * cannot: its stdout carries the report).
 */
export function withLeakOptions<T>(y: Argv<T>, genSuppressionsHelp: string): Argv<T & LeakArgs> {
  return withGrowthOptions(
    y
      .option('at', {
        type: 'string',
        describe: 'report the blocks live at the first mark with this label (default: the stats mark when the trace has it, else the end)',
      })
      .option('at-end', {
        type: 'boolean',
        describe: 'report the blocks live at the end of the trace, after the interpreter shutdown, even when the trace has a stats mark',
      })
      .conflicts('at', 'at-end'),
  )
    .option('gen-suppressions', { type: 'string', describe: genSuppressionsHelp }) as Argv<T & LeakArgs>;
}

/** --by, --depth, --warmup, --marks, --suppressions. */
export function withGrowthOptions<T>(y: Argv<T>): Argv<T & GrowthArgs> {
  return withSiteOptions(y)
    .option('warmup', {
      type: 'string',
      describe: 'intervals of warm-up before growth counts: K, or P% of the intervals (default 1 with marks, 25% of windows)',
    })
    .option('marks', {
      type: 'string',
      describe: 'only marks whose label matches this glob are interval boundaries (default: all but stats and final); matching none is an error',
    })
    .option('suppressions', {
      type: 'string',
      array: true,
      describe: 'a suppression file; give it again for more (also read: .memreplay-suppressions in the working directory)',
    }) as Argv<T & GrowthArgs>;
}

export function parseWarmup(text: string | undefined): WarmupSpec | undefined {
  if (text === undefined) return undefined;
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (pct !== null && Number(pct[1]) < 100) return { percent: Number(pct[1]) };
  if (/^\d+$/.test(text.trim())) return { intervals: Number(text.trim()) };
  throw new UsageError(`--warmup ${JSON.stringify(text)}: expected a whole number of intervals or a percentage below 100% (e.g. 2 or 25%)`);
}

export function leakOptionsOf(args: LeakArgs & TopArgs, suppressions: LoadedSuppressions): LeaksOptions {
  return {
    trace: traceOptionsOf(args),
    sites: siteOptionsOf(args),
    instant: instantOptionsOf(args),
    growth: growthOptionsOf(args, suppressions),
    listing: {},
  };
}

/** The growth and suppression options, checked. */
export function growthOptionsOf(args: GrowthArgs, suppressions: LoadedSuppressions): GrowthOptions {
  return { warmup: parseWarmup(args.warmup), marks: args.marks, suppressions: suppressions.rules };
}

export function suppressionsOf(args: GrowthArgs): LoadedSuppressions {
  return loadSuppressions(args.suppressions ?? []);
}
