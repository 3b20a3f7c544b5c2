// npm run golden:update: rerun every golden run (test/golden/runs.mjs) with
// the built CLI and write its golden files under test/golden/outputs/,
// removing those no run writes any more. Run it only when a change is meant
// to change memreplay's output, and read the diff before committing it
// (test/golden/README.md).

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUNS } from '../test/golden/runs.mjs';
import { goldenFilesOnDisk, OUTPUTS, runQueue } from '../test/golden/golden-runner.mjs';

const started = Date.now();
const written = new Set();
const queue = runQueue();
const results = RUNS.map((run) => queue(run));
// A run that failed is reported below, in order, not as an unhandled rejection.
for (const r of results) r.catch(() => {});
let failed = 0;
for (const [i, result] of results.entries()) {
  try {
    for (const [file, text] of await result) {
      mkdirSync(dirname(join(OUTPUTS, file)), { recursive: true });
      writeFileSync(join(OUTPUTS, file), text);
      written.add(file);
    }
  } catch (e) {
    failed++;
    process.stderr.write(`golden:update: ${RUNS[i].name}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
if (failed > 0) {
  process.stderr.write(`golden:update: ${failed} run(s) failed; stale files left in place\n`);
  process.exit(1);
}
const stale = goldenFilesOnDisk().filter((f) => !written.has(f));
for (const file of stale) rmSync(join(OUTPUTS, file));
process.stdout.write(
  `golden:update: ${RUNS.length} runs, ${written.size} files written, ${stale.length} stale removed in ${((Date.now() - started) / 1000).toFixed(1)} s; review with git diff test/golden/outputs\n`,
);
