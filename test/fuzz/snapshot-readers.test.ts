// Fuzzing the snapshot readers (Snapshot.dump() pickles and JSONL snapshot files, plain and gzip) as diff opens them: real samples
// mutated and grammar-built inputs (fuzz/campaign.ts), a fixed seed, read
// whole, as stdin in random chunks and now and then as a file. Every read
// must succeed or fail with the project's typed input error, agree with the
// others, finish in time and leave the heap bounded. `npm run fuzz` runs
// the same cases (and more) for long runs; the --kinds below reproduce one.
// Cases are split 6,000 event traces, 4,000 snapshots (a snapshot case costs
// about 1.5 times as much): the two files take about as long, side by side.

import { expect, test } from 'vitest';
import { runCampaign } from '../../fuzz/campaign.js';
import { Seeds } from '../../fuzz/seeds.js';
import { failureReport } from './fuzz-report.js';

const SEED = 20261207;
const CASES = 4000;

test(`${CASES} cases: no internal error, no disagreement, no hang, bounded heap`, async () => {
  const summary = await runCampaign(new Seeds(), { seed: SEED, count: CASES, kinds: ['snapshot-pickle', 'snapshot-jsonl'], fileEvery: 100, heapLimitBytes: 512 * 2 ** 20 });
  expect(failureReport(SEED, summary)).toBe('');
  expect(summary.cases).toBe(CASES);
  // The mix is worth something only if both outcomes are common.
  for (const kind of ['snapshot-pickle', 'snapshot-jsonl']) {
    const b = summary.byKind[kind];
    expect(b.ok, kind).toBeGreaterThan(b.cases / 50);
    expect(b.inputErrors, kind).toBeGreaterThan(b.cases / 10);
  }
}, 240_000);
