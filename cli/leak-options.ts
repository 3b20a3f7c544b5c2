// Options shared by `leaks` and `check`: how sites are grouped, how growth is
// measured, where suppressions come from.

import type { Argv } from 'yargs';
import type { LeaksOptions } from '../src/analyzers/leaks.js';
import { SITE_GROUPINGS, type SiteGrouping } from '../src/analyzers/live-sites.js';
import type { WarmupSpec } from '../src/analyzers/growth.js';
import { UsageError } from '../src/errors.js';
import { loadSuppressions, type LoadedSuppressions } from '../src/suppressions/load.js';
import { wholeNumberOption } from './number-options.js';
import { formatOption, pythonOption, type TraceArgs } from './trace-options.js';

export interface LeakArgs extends TraceArgs {
  at?: string;
  by?: string;
  depth?: string;
  warmup?: string;
  marks?: string;
  suppressions?: string[];
  genSuppressions?: string;
}

export function withLeakOptions<T>(y: Argv<T>): Argv<T & LeakArgs> {
  return y
    .option('at', { type: 'string', describe: 'report the blocks live at the first mark with this label (default: the end)' })
    .option('by', { type: 'string', choices: [...SITE_GROUPINGS], describe: 'group blocks by innermost line, function, file or traceback (default lineno)' })
    .option('depth', { type: 'string', describe: 'with --by traceback: innermost frames per site (default all)' })
    .option('warmup', {
      type: 'string',
      describe: 'intervals of warm-up before growth counts: K, or P% of the intervals (default 1 with marks, 25% of windows)',
    })
    .option('marks', { type: 'string', describe: 'only marks whose label matches this glob are interval boundaries (default: all but stats and final)' })
    .option('suppressions', {
      type: 'string',
      array: true,
      describe: 'suppression file(s) (also read: .memreplay-suppressions in the working directory)',
    })
    .option('gen-suppressions', { type: 'string', describe: 'write suppression entries for the findings to FILE (leaks: - for stdout)' }) as Argv<T & LeakArgs>;
}

export function parseWarmup(text: string | undefined): WarmupSpec | undefined {
  if (text === undefined) return undefined;
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (pct !== null && Number(pct[1]) < 100) return { percent: Number(pct[1]) };
  if (/^\d+$/.test(text.trim())) return { intervals: Number(text.trim()) };
  throw new UsageError(`--warmup ${JSON.stringify(text)}: expected a whole number of intervals or a percentage below 100% (e.g. 2 or 25%)`);
}

export function leakOptionsOf(args: LeakArgs, suppressions: LoadedSuppressions): LeaksOptions {
  const depth = wholeNumberOption('depth', args.depth, 1);
  if (depth !== undefined && args.by !== 'traceback') throw new UsageError('--depth applies to --by traceback only');
  const warmup = parseWarmup(args.warmup);
  return {
    python: pythonOption(args.python),
    format: formatOption(args.format),
    lenient: args.lenient,
    by: (args.by ?? 'lineno') as SiteGrouping,
    ...(depth !== undefined ? { depth } : {}),
    ...(args.at !== undefined ? { stopAtMark: args.at } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
    ...(args.marks !== undefined ? { marks: args.marks } : {}),
    suppressions: suppressions.rules,
  };
}

export function suppressionsOf(args: LeakArgs): LoadedSuppressions {
  return loadSuppressions(args.suppressions ?? []);
}
