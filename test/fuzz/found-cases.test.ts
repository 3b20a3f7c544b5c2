// The inputs long fuzz runs found whose outcome depended on how the bytes
// were cut into reads: damaged gzip JSONL snapshots that `diff` called "an
// event trace" when streamed in random chunks but a gzip error when read in
// one (npm run fuzz, seeds 101 and 202). Each is rebuilt from its seed and
// index by the fuzz generator, then read whole, as one chunk and in random
// chunks of many sizes: every read must give the same outcome.

import { describe, expect, test } from 'vitest';
import { buildCase } from '../../fuzz/campaign.js';
import { readSnapshotStream, readSnapshotWhole } from '../../fuzz/readers.js';
import { Rng } from '../../fuzz/rng.js';
import { Seeds } from '../../fuzz/seeds.js';

/** The kinds of input those runs built (before binary traces joined): the cases are rebuilt from them. */
const KINDS_OF_THOSE_RUNS = ['csv', 'jsonl', 'snapshot-pickle', 'snapshot-jsonl'] as const;

const FOUND = [
  { seed: 101, index: 78_984 },
  { seed: 101, index: 84_744 },
  { seed: 202, index: 127_614 },
];

/** Chunkings tried per case: the one the run used (campaign.ts's chunk seed) and more. */
const CHUNKINGS = 12;

const seeds = new Seeds();

describe.each(FOUND)('seed $seed case $index: whole == one chunk == random chunks', ({ seed, index }) => {
  test('still the damaged gzip JSONL snapshot the run found', () => {
    const c = buildCase(seeds, seed, index, KINDS_OF_THOSE_RUNS);
    expect(c.kind).toBe('snapshot-jsonl');
    expect(c.gzip).toBe(true);
  });

  test('every read agrees', async () => {
    const c = buildCase(seeds, seed, index, KINDS_OF_THOSE_RUNS);
    const whole = readSnapshotWhole(c.bytes);
    expect(await readSnapshotStream(c.bytes, null)).toEqual(whole);
    for (let k = 0; k < CHUNKINGS; k++) {
      const rng = k === 0 ? Rng.forCase(seed ^ 0x5bd1e995, index) : Rng.forCase(k, index);
      expect(await readSnapshotStream(c.bytes, rng), `chunking ${k}`).toEqual(whole);
    }
  }, 60_000);
});
