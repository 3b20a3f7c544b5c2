// --by and --depth: what a site is, for every command that groups live
// blocks (analyze, leaks, check, report), and their validation.

import type { Argv } from 'yargs';
import { SITE_GROUPINGS, type SiteGrouping, type SiteGroupingOptions } from '../src/analyzers/site-table.js';
import { UsageError } from '../src/errors.js';

export interface SiteArgs {
  by?: string;
  depth?: number;
}

export function withSiteOptions<T>(y: Argv<T>): Argv<T & SiteArgs> {
  return y
    .option('by', { type: 'string', choices: [...SITE_GROUPINGS], describe: 'group blocks by innermost line, function, file or traceback (default lineno)' })
    .option('depth', { type: 'number', describe: 'with --by traceback: innermost frames per site (default all)' }) as Argv<T & SiteArgs>;
}

export function siteGroupingOf(args: SiteArgs): SiteGroupingOptions {
  if (args.depth !== undefined) depthOption(args.depth);
  if (args.depth !== undefined && args.by !== 'traceback') throw new UsageError('--depth applies to --by traceback only');
  return { by: (args.by ?? 'lineno') as SiteGrouping, ...(args.depth !== undefined ? { depth: args.depth } : {}) };
}

/** A --depth value: a whole number >= 1. */
export function depthOption(depth: number): number {
  if (!Number.isInteger(depth) || depth < 1) throw new UsageError(`--depth ${depth}: expected a whole number >= 1`);
  return depth;
}
