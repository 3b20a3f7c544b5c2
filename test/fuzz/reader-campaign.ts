// The suite's fuzz campaign over some readers: real samples mutated and
// grammar-built inputs (fuzz/campaign.ts), a fixed seed, read whole, as stdin
// in random chunks and now and then as a file. Every read must succeed or
// fail with the project's typed input error, agree with the others, finish in
// time and leave the heap bounded. `npm run fuzz` runs the same cases (and
// more) for long runs; the kinds reproduce one.

import { expect, test } from 'vitest';
import { runCampaign, type InputKind } from '../../fuzz/campaign.js';
import { Seeds } from '../../fuzz/seeds.js';
import { failureReport } from './fuzz-report.js';

const SEED = 20261207;

/** One test: `cases` cases of the given kinds; each kind must both read and fail often enough to be worth something. */
export function readerCampaignTest(kinds: readonly InputKind[], cases: number): void {
  test(`${cases} cases: no internal error, no disagreement, no hang, bounded heap`, async () => {
    const summary = await runCampaign(new Seeds(), { seed: SEED, count: cases, kinds, fileEvery: 100, heapLimitBytes: 512 * 2 ** 20 });
    expect(failureReport(SEED, summary)).toBe('');
    expect(summary.cases).toBe(cases);
    // The mix is worth something only if both outcomes are common.
    for (const kind of kinds) {
      const b = summary.byKind[kind];
      expect(b.ok, kind).toBeGreaterThan(b.cases / 50);
      expect(b.inputErrors, kind).toBeGreaterThan(b.cases / 10);
    }
  }, 240_000);
}
