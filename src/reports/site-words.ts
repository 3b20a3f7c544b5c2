// What reports call a site, from the --by grouping that made it
// (analyzers/site-table.ts): the same word in every report and column.

import type { SiteGrouping } from '../analyzers/site-table.js';

const NOUNS: Readonly<Record<SiteGrouping, string>> = {
  lineno: 'call site',
  function: 'function',
  filename: 'file',
  traceback: 'traceback',
};

/** "call site", "function", "file" or "traceback" (singular; blocks without a stack are sites too). */
export function siteNoun(by: SiteGrouping): string {
  return NOUNS[by];
}

