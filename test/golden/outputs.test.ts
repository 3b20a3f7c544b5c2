// Every golden run (runs.mjs) prints and writes, byte for byte, what its
// golden files under outputs/ hold. A difference fails with the lines around
// it; when the change is meant, `npm run golden:update` rewrites the files
// and the diff is reviewed in the commit (README.md here).
// The runs use the built CLI (dist/): `npm test` builds it first.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenFilesOnDisk, OUTPUTS, runQueue } from './golden-runner.mjs';
import { describeDifference } from './text-difference.js';
import { RUNS } from './runs.mjs';

const UPDATE = 'if the change is meant, run `npm run golden:update` and review the diff of test/golden/outputs';

describe('golden outputs', () => {
  const onDisk = goldenFilesOnDisk();
  const claimedBy = (name: string) => (file: string) => file === `${name}.txt` || file.startsWith(`${name}/`);
  // Runs are child processes, a few at once (runQueue); their tests wait together.
  const queue = runQueue();

  it('has golden files for every run, and none that no run writes', () => {
    expect(RUNS.length).toBeGreaterThan(0);
    expect(new Set(RUNS.map((r) => r.name)).size, 'run names are unique').toBe(RUNS.length);
    const unclaimed = onDisk.filter((file) => !RUNS.some((run) => claimedBy(run.name)(file)));
    expect(unclaimed, `golden files of no run (${UPDATE})`).toEqual([]);
  });

  for (const run of RUNS) {
    it.concurrent(run.name, { timeout: 600_000 }, async ({ expect }) => {
      const produced: Map<string, string> = await queue(run);
      const expectedFiles = onDisk.filter(claimedBy(run.name));
      expect([...produced.keys()].sort(), `files of ${run.name} (${UPDATE})`).toEqual(expectedFiles);
      for (const [file, text] of produced) {
        const golden = readFileSync(join(OUTPUTS, file), 'utf8');
        if (text !== golden) {
          expect.fail(`test/golden/outputs/${file} differs from this run's output (${UPDATE})\n${describeDifference(golden, text)}`);
        }
      }
    });
  }
});
