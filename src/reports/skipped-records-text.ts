// The words for bad records skipped with --lenient, shared by the `leaks`
// and `check` outputs: a replay that skipped input must say so wherever its
// figures are shown, a CI gate above all.

import type { LeaksResult } from '../analyzers/leaks.js';
import { count } from '../text/units.js';

/** "skipped 3 bad records (--lenient)", or null when none was skipped. */
export function skippedRecordsText(r: LeaksResult): string | null {
  const n = r.skippedRecords.count;
  return n === 0 ? null : `skipped ${count(n, 'bad record')} (--lenient)`;
}

/** "line 12: expected …" for the first few skipped records; the message is untrusted trace text. */
export function skippedExampleTexts(r: LeaksResult, safe: (text: string) => string, max = r.skippedRecords.examples.length): string[] {
  return r.skippedRecords.examples.slice(0, max).map((x) => `line ${x.line}: ${safe(x.message)}`);
}
