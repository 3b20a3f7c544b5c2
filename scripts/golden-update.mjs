// npm run golden:update [-- NAME-PREFIX...]: rerun the golden runs
// (test/golden/runs.mjs; all, or those whose names start with a prefix given)
// with the built CLI and write their golden files under test/golden/outputs/,
// removing files of theirs that no run writes any more (of every run when
// all were rerun). Run it only when a change is meant to change memreplay's
// output, and read the diff before committing it (test/golden/README.md).

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUNS } from '../test/golden/runs.mjs';
import { goldenFilesOnDisk, OUTPUTS, runQueue } from '../test/golden/golden-runner.mjs';

const prefixes = process.argv.slice(2);
const chosen = prefixes.length === 0 ? RUNS : RUNS.filter((run) => prefixes.some((p) => run.name.startsWith(p)));
if (chosen.length === 0) {
  process.stderr.write(`golden:update: no run's name starts with ${prefixes.join(' or ')}\n`);
  process.exit(2);
}
const claimedByChosen = (file) => prefixes.length === 0 || chosen.some((run) => file === `${run.name}.txt` || file.startsWith(`${run.name}/`));

const started = Date.now();
const written = new Set();
const queue = runQueue();
const results = chosen.map((run) => queue(run));
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
    process.stderr.write(`golden:update: ${chosen[i].name}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
if (failed > 0) {
  process.stderr.write(`golden:update: ${failed} run(s) failed; stale files left in place\n`);
  process.exit(1);
}
const stale = goldenFilesOnDisk().filter((f) => claimedByChosen(f) && !written.has(f));
for (const file of stale) rmSync(join(OUTPUTS, file));
process.stdout.write(
  `golden:update: ${chosen.length} runs, ${written.size} files written, ${stale.length} stale removed in ${((Date.now() - started) / 1000).toFixed(1)} s; review with git diff test/golden/outputs\n`,
);
