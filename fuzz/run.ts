// `npm run fuzz`: a long fuzz run of every reader (see campaign.ts), for
// hours if need be; the suite runs a short one (test/fuzz/).
//
//   npm run fuzz -- [--seed 1] [--count 1000000] [--start 0] [--kinds csv,jsonl,snapshot-pickle,snapshot-jsonl,mrt]
//                   [--out fuzz-failures] [--slow-ms 2000] [--hang-ms 20000] [--minimize-ms 60000]
//
// Prints a progress line now and then and a summary at the end; exits 1
// when anything failed. Each distinct failure (problem and message, numbers
// aside) is saved once, in a new folder under --out named after the seed and
// case: the input as found, the input shrunk to what still fails, and what
// failed with the command that runs that case again. Any case is rebuilt
// from --seed and its index alone (`--start INDEX --count 1`).

import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { buildCase, INPUT_KINDS, type CampaignSummary, type Failure, type InputKind } from './campaign.js';
import { minimize, signature } from './minimize.js';
import { Seeds } from './seeds.js';
import type { WorkerInput, WorkerMessage } from './worker.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '1000000' },
    start: { type: 'string', default: '0' },
    kinds: { type: 'string', default: INPUT_KINDS.join(',') },
    out: { type: 'string', default: 'fuzz-failures' },
    'slow-ms': { type: 'string', default: '2000' },
    'hang-ms': { type: 'string', default: '20000' },
    'minimize-ms': { type: 'string', default: '60000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'npm run fuzz -- [--seed N] [--count N] [--start N] [--kinds csv,jsonl,snapshot-pickle,snapshot-jsonl,mrt]\n' +
      '                [--out DIR] [--slow-ms MS] [--hang-ms MS] [--minimize-ms MS]\n',
  );
  process.exit(0);
}

function whole(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    process.stderr.write(`fuzz: --${name} must be a whole number >= 0, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return n;
}

const seed = whole('seed', values.seed);
const count = whole('count', values.count);
const first = whole('start', values.start);
const slowMs = whole('slow-ms', values['slow-ms']);
const hangMs = whole('hang-ms', values['hang-ms']);
const minimizeMs = whole('minimize-ms', values['minimize-ms']);
const kinds = values.kinds.split(',') as InputKind[];
for (const k of kinds) {
  if (!INPUT_KINDS.includes(k)) {
    process.stderr.write(`fuzz: --kinds: unknown kind ${JSON.stringify(k)}; expected some of ${INPUT_KINDS.join(', ')}\n`);
    process.exit(2);
  }
}
const outDir = resolve(values.out);
const end = first + count;

const total: CampaignSummary = {
  cases: 0,
  byKind: Object.fromEntries(INPUT_KINDS.map((k) => [k, { cases: 0, ok: 0, inputErrors: 0 }])) as CampaignSummary['byKind'],
  failures: [],
  maxHeapUsed: 0,
  slowestMs: 0,
  elapsedMs: 0,
};
const bySignature = new Map<string, { first: Failure; count: number }>();

function record(failure: Failure): void {
  total.failures.push(failure);
  const key = signature(failure.problem, failure.detail);
  const seen = bySignature.get(key);
  if (seen) seen.count++;
  else {
    bySignature.set(key, { first: failure, count: 1 });
    process.stderr.write(`\nfuzz: case ${failure.case.index} (${failure.case.kind}): ${failure.problem}: ${failure.detail.split('\n')[0]}\n`);
  }
}

/** The case the running worker is at (for the progress line). */
let running: Int32Array<ArrayBufferLike> = new Int32Array(1);

/** Run cases [from, end) in a worker; resolves with the index to go on from (past a hang), or `end`. */
function runWorker(from: number): Promise<number> {
  const progress = new Int32Array(new SharedArrayBuffer(4));
  progress[0] = from;
  running = progress;
  const input: WorkerInput = { seed, start: from, count: end - from, kinds, slowMs, progress };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  return new Promise((done, fail) => {
    let last = from;
    let still = Date.now();
    let resumeAt = end;
    const watch = setInterval(() => {
      const at = Atomics.load(progress, 0);
      if (at !== last) {
        last = at;
        still = Date.now();
        return;
      }
      if (Date.now() - still < hangMs) return;
      clearInterval(watch);
      // Case `at` started and never finished: a hang.
      record({ case: buildCase(seeds, seed, at, kinds), problem: 'slow', detail: `no result after ${hangMs} ms (a hang)` });
      resumeAt = at + 1;
      void worker.terminate();
    }, 250);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'failure') record(m.failure);
      else {
        const s = m.summary;
        total.cases += s.cases;
        for (const k of INPUT_KINDS) {
          total.byKind[k].cases += s.byKind[k].cases;
          total.byKind[k].ok += s.byKind[k].ok;
          total.byKind[k].inputErrors += s.byKind[k].inputErrors;
        }
        total.maxHeapUsed = Math.max(total.maxHeapUsed, s.maxHeapUsed);
        total.slowestMs = Math.max(total.slowestMs, s.slowestMs);
      }
    });
    worker.on('error', (e) => {
      clearInterval(watch);
      fail(e);
    });
    worker.on('exit', () => {
      clearInterval(watch);
      done(resumeAt);
    });
  });
}

const seeds = new Seeds();
const t0 = performance.now();
const ticker = setInterval(() => {
  const at = Atomics.load(running, 0);
  process.stderr.write(`\rfuzz: seed ${seed}, case ${at} of ${first}..${end - 1}, ${total.failures.length} failures, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}, 10_000);
for (let from = first; from < end; ) from = await runWorker(from);
clearInterval(ticker);
total.elapsedMs = performance.now() - t0;

const lines = [
  `fuzz: seed ${seed}, cases ${first}..${end - 1}: ${total.cases} cases in ${(total.elapsedMs / 1000).toFixed(1)} s`,
  ...INPUT_KINDS.filter((k) => kinds.includes(k)).map((k) => {
    const b = total.byKind[k];
    return `  ${k.padEnd(16)} ${String(b.cases).padStart(9)} cases: ${b.ok} read, ${b.inputErrors} refused with an input error`;
  }),
  `  slowest read ${total.slowestMs.toFixed(0)} ms; most heap in use after a case ${(total.maxHeapUsed / 2 ** 20).toFixed(0)} MiB`,
  `  failures: ${total.failures.length} (${bySignature.size} distinct)`,
];
process.stdout.write(`\n${lines.join('\n')}\n`);

if (bySignature.size > 0) {
  mkdirSync(outDir, { recursive: true });
  for (const { first: f, count: n } of bySignature.values()) {
    let dir = join(outDir, `seed${seed}-case${f.case.index}-${f.problem}`);
    for (let k = 2; existsSync(dir); k++) dir = join(outDir, `seed${seed}-case${f.case.index}-${f.problem}-${k}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'input.bin'), f.case.bytes);
    const small = f.problem === 'internal-error' || f.problem === 'mismatch' ? await minimize(f, seed, minimizeMs) : f.case.bytes;
    writeFileSync(join(dir, 'minimized.bin'), small);
    writeFileSync(
      join(dir, 'failure.txt'),
      `${f.problem} (${n} cases like it)\n` +
        `kind ${f.case.kind}, ${f.case.origin}${f.case.gzip ? ', gzip' : ''}, options ${JSON.stringify(f.case.options)}\n` +
        `again: npm run fuzz -- --seed ${seed} --start ${f.case.index} --count 1 --kinds ${kinds.join(',')}\n` +
        `input.bin ${f.case.bytes.length} bytes, minimized.bin ${small.length} bytes\n\n${f.detail}\n`,
    );
    process.stdout.write(`  saved ${dir}\n`);
  }
}
process.exit(bySignature.size > 0 ? 1 : 0);
