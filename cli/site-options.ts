// --by, --depth, --keep-import-frames and --project-root: what a site is, for
// every command that groups live blocks (analyze, leaks, check, report), and
// --top; mapped into SiteOptions (src/options/site-options.ts, where their
// defaults are declared) with their validation.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { DEFAULT_SITE_GROUPING, DEFAULT_TOP, SITE_GROUPINGS, type SiteGrouping, type SiteGroupingOptions, type SiteOptions } from '../src/options/site-options.js';
import { UsageError } from '../src/errors.js';
import { wholeNumberOption } from './number-options.js';

export interface SiteArgs {
  by?: string;
  depth?: string;
  keepImportFrames?: boolean;
  projectRoot?: string;
}

export interface TopArgs {
  top?: string;
}

export function withSiteOptions<T>(y: Argv<T>): Argv<T & SiteArgs> {
  return y
    .option('by', { type: 'string', choices: [...SITE_GROUPINGS], describe: `group blocks by innermost line, function, file or traceback (default ${DEFAULT_SITE_GROUPING.by})` })
    .option('depth', { type: 'string', describe: 'with --by traceback: innermost frames per site (default all)' })
    .option('keep-import-frames', { type: 'boolean', describe: "keep importlib's frames in sites (default: blamed on the import line or the imported module's code)" })
    .option('project-root', { type: 'string', describe: 'name a site by its innermost frame under this directory when it has one (default: the working directory)' }) as Argv<T & SiteArgs>;
}

/** --top, its default the one declared in src/options/site-options.ts. */
export function withTopOption<T>(y: Argv<T>, describe: string): Argv<T & TopArgs> {
  return y.option('top', { type: 'string', defaultDescription: String(DEFAULT_TOP), describe }) as Argv<T & TopArgs>;
}

/** --top as typed: a whole number >= 0, else the default. */
export function topOption(args: TopArgs): number {
  return wholeNumberOption('top', args.top, 0) ?? DEFAULT_TOP;
}

export function siteGroupingOf(args: SiteArgs): SiteGroupingOptions {
  const depth = depthOption(args.depth);
  if (depth !== undefined && args.by !== 'traceback') throw new UsageError('--depth applies to --by traceback only');
  return {
    by: (args.by as SiteGrouping | undefined) ?? DEFAULT_SITE_GROUPING.by,
    depth,
    keepImportFrames: args.keepImportFrames,
    projectRoot: projectRootOption(args.projectRoot),
  };
}

export function siteOptionsOf(args: SiteArgs & TopArgs): SiteOptions {
  return { ...siteGroupingOf(args), top: topOption(args) };
}

/** --project-root as an absolute path: an existing directory (default: the working directory). */
export function projectRootOption(dir: string | undefined): string {
  if (dir === undefined) return process.cwd();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--project-root ${JSON.stringify(dir)}: expected an existing directory`);
  return resolve(dir);
}

/** A --depth value as typed: a whole number >= 1 (undefined when not given). */
export function depthOption(depth: string | undefined): number | undefined {
  return wholeNumberOption('depth', depth, 1);
}
