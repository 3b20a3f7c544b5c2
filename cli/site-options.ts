// --by and --depth: what a site is, for every command that groups live
// blocks (analyze, leaks, check, report), and their validation.

import type { Argv } from 'yargs';
import { SITE_GROUPINGS, type SiteGrouping, type SiteGroupingOptions } from '../src/analyzers/site-table.js';
import { UsageError } from '../src/errors.js';
import { wholeNumberOption } from './number-options.js';

export interface SiteArgs {
  by?: string;
  depth?: string;
}

export function withSiteOptions<T>(y: Argv<T>): Argv<T & SiteArgs> {
  return y
    .option('by', { type: 'string', choices: [...SITE_GROUPINGS], describe: 'group blocks by innermost line, function, file or traceback (default lineno)' })
    .option('depth', { type: 'string', describe: 'with --by traceback: innermost frames per site (default all)' }) as Argv<T & SiteArgs>;
}

export function siteGroupingOf(args: SiteArgs): SiteGroupingOptions {
  const depth = depthOption(args.depth);
  if (depth !== undefined && args.by !== 'traceback') throw new UsageError('--depth applies to --by traceback only');
  return { by: (args.by ?? 'lineno') as SiteGrouping, ...(depth !== undefined ? { depth } : {}) };
}

/** A --depth value as typed: a whole number >= 1 (undefined when not given). */
export function depthOption(depth: string | undefined): number | undefined {
  return wholeNumberOption('depth', depth, 1);
}
