// What reports call a site, from the --by grouping that made it
// (analyzers/site-table.ts): the same word in every report and column. A
// trace without call stacks has no sites in that sense: site-table.ts groups
// its blocks by domain and size class whatever --by asked for, so reports
// call them groups and say why.

import type { SiteGrouping } from '../analyzers/site-table.js';

const NOUNS: Readonly<Record<SiteGrouping, string>> = {
  lineno: 'call site',
  function: 'function',
  filename: 'file',
  traceback: 'traceback',
};

/**
 * "call site", "function", "file" or "traceback" (singular; blocks without a
 * stack are sites too), or "group" when there is no call stack at all.
 */
export function siteNoun(by: SiteGrouping, hasStacks = true): string {
  return hasStacks ? NOUNS[by] : 'group';
}

/** How the blocks of a trace without call stacks are grouped (site-table.ts). */
export const STACKLESS_GROUPING = 'by domain and size class';
