// A trace's leak verdict in one word, from the growth rule (analyzers/
// growth-rule.ts): the report's summary card and the index of several reports
// say it alike, so a leaking trace stands out in a batch.

import type { LeaksResult } from '../analyzers/leaks.js';
import { count } from '../text/units.js';

export type LeakVerdict = 'steady_leak' | 'no_leak' | 'no_verdict';

export const LEAK_VERDICT_WORDS: Readonly<Record<LeakVerdict, string>> = {
  steady_leak: 'steady leak',
  no_leak: 'no leak',
  no_verdict: 'no verdict',
};

/** No verdict when too few intervals follow the warm-up; else a steady leak if any site is one. */
export function leakVerdictOf(r: LeaksResult): LeakVerdict {
  if (r.growth.noVerdict !== null) return 'no_verdict';
  return r.growth.steadyLeakSites > 0 ? 'steady_leak' : 'no_leak';
}

/** "steady leak (2 sites)", "no leak", "no verdict": the verdict with how many sites leak. Plain text. */
export function leakVerdictText(verdict: LeakVerdict, steadyLeakSites: number): string {
  const word = LEAK_VERDICT_WORDS[verdict];
  return verdict === 'steady_leak' ? `${word} (${count(steadyLeakSites, 'site')})` : word;
}
