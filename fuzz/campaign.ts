// One fuzz run: `count` cases from `seed`, each rebuilt from (seed, index)
// alone. A case is an input (a mutated real sample, a grammar-built one, or a
// grammar-built one mutated; then maybe gzip'd, maybe with its gzip bytes
// damaged too) read whole and as a stream in random chunks (and now and then
// as a file on disk). What counts as a failure:
//   internal-error  anything thrown that is not the project's typed input error
//   mismatch        the whole read, the stream and the file disagree (result or message)
//   slow            one read took longer than `slowMs` (a hang, or worse than linear work)
//   memory          the heap grew past `heapLimitBytes`

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { generateCsv, generateJsonl, generateOpcodeStream, generateSnapshotJsonl, generateSnapshotPickle } from './generate.js';
import { mutate } from './mutate.js';
import { mrtOf, mutateMrtPayload } from './mrt-inputs.js';
import {
  readSnapshotStream,
  readSnapshotWhole,
  readTraceFile,
  readTraceStream,
  readTraceWhole,
  type Outcome,
  type ReadOptions,
} from './readers.js';
import { Rng } from './rng.js';
import type { Seeds } from './seeds.js';

export const INPUT_KINDS = ['csv', 'jsonl', 'snapshot-pickle', 'snapshot-jsonl', 'mrt'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];
export type Origin = 'mutated' | 'generated' | 'generated+mutated';
export type Problem = 'internal-error' | 'mismatch' | 'slow' | 'memory';

export interface FuzzCase {
  readonly index: number;
  readonly kind: InputKind;
  readonly origin: Origin;
  readonly gzip: boolean;
  readonly options: ReadOptions;
  readonly bytes: Uint8Array;
}

export interface Failure {
  readonly case: FuzzCase;
  readonly problem: Problem;
  readonly detail: string;
}

export interface CampaignOptions {
  readonly seed: number;
  readonly count: number;
  /** First case index (to run one case again, or a slice of a long run). */
  readonly start?: number;
  /** One read slower than this is a failure (default 2000 ms). */
  readonly slowMs?: number;
  /** Heap in use above this after a case is a failure (default 1 GiB). */
  readonly heapLimitBytes?: number;
  /** Read the case from a file on disk as well, one case in this many (default 50; 0: never). */
  readonly fileEvery?: number;
  /** Called with each failure as it is found. */
  readonly onFailure?: (failure: Failure) => void;
  /** Called after each case (progress lines). */
  readonly onCase?: (index: number, summary: CampaignSummary) => void;
  /** The kinds of input to build (default all). */
  readonly kinds?: readonly InputKind[];
  /** Stop after this many failures (default 50). */
  readonly maxFailures?: number;
}

export interface CampaignSummary {
  cases: number;
  readonly byKind: Record<InputKind, { cases: number; ok: number; inputErrors: number }>;
  readonly failures: Failure[];
  /** Highest heap in use seen after a case, bytes. */
  maxHeapUsed: number;
  /** Slowest single read, ms. */
  slowestMs: number;
  elapsedMs: number;
}

const GENERATORS: Record<InputKind, (rng: Rng) => Uint8Array> = {
  csv: generateCsv,
  jsonl: generateJsonl,
  'snapshot-pickle': (rng) => (rng.chance(0.6) ? generateSnapshotPickle(rng) : generateOpcodeStream(rng)),
  'snapshot-jsonl': generateSnapshotJsonl,
  mrt: (rng) => mrtOf(generateCsv(rng), rng) ?? mrtOf(generateJsonl(rng), rng) ?? new Uint8Array(0),
};

/** Event traces: read by the trace importers (the others are snapshots, read by `diff`). */
export function isEventKind(kind: InputKind): boolean {
  return kind === 'csv' || kind === 'jsonl' || kind === 'mrt';
}

/** Case `index` of a run seeded `seed`, built from nothing else. */
export function buildCase(seeds: Seeds, seed: number, index: number, kinds: readonly InputKind[] = INPUT_KINDS): FuzzCase {
  const rng = Rng.forCase(seed, index);
  const kind = rng.pick(kinds);
  const real = (r: Rng): Uint8Array =>
    kind === 'csv'
      ? seeds.csvWindow(r)
      : kind === 'jsonl'
        ? seeds.jsonlWindow(r)
        : kind === 'snapshot-pickle'
          ? seeds.pickle(r)
          : kind === 'mrt'
            ? (mrtOf(seeds.csvWindow(r), r) ?? new Uint8Array(0))
            : seeds.snapshotFile(r);
  // Splices take the other part from any kind: a pickle's tail on a CSV head.
  const other = (): Uint8Array => (rng.chance(0.7) ? real(rng) : GENERATORS[rng.pick(INPUT_KINDS)](rng));
  const roll = rng.next();
  const origin: Origin = roll < 0.5 ? 'mutated' : roll < 0.75 ? 'generated' : 'generated+mutated';
  let bytes = origin === 'generated' || origin === 'generated+mutated' ? GENERATORS[kind](rng) : real(rng);
  // A binary trace's checksums catch byte damage: half its mutations are made inside a payload, checksum kept right.
  if (origin !== 'generated') bytes = kind === 'mrt' && rng.chance(0.5) ? mutateMrtPayload(bytes, rng, other()) : mutate(bytes, rng, other());
  const gzip = rng.chance(0.2);
  if (gzip) {
    bytes = gzipSync(bytes, { level: 1 });
    // Damaged compressed data: flipped bits, a cut, a second member glued on.
    if (rng.chance(0.3)) bytes = mutate(bytes, rng, gzipSync(other(), { level: 1 }));
  }
  const format = (kind === 'csv' || kind === 'jsonl') && rng.chance(0.1) ? rng.pick(['csv', 'jsonl'] as const) : undefined;
  const batchCapacity = rng.pick([1, 3, 64, 4096]);
  return { index, kind, origin, gzip, options: { lenient: rng.chance(0.3), format, batchCapacity }, bytes };
}

function same(a: Outcome | null, b: Outcome | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'ok' && b.kind === 'ok') return a.digest === b.digest;
  return a.kind !== 'ok' && b.kind !== 'ok' && a.message === b.message;
}

function describe(o: Outcome | null): string {
  if (o === null) return 'an event trace (not a snapshot)';
  if (o.kind === 'ok') return `ok (${o.events} events/traces, digest ${o.digest.slice(0, 12)})`;
  return `${o.kind}: ${o.message}`;
}

/** Run one case; the failures it shows (none, usually). */
export interface CaseResult {
  /** The whole read's outcome (null: a snapshot reader was given an event trace). */
  readonly outcome: Outcome | null;
  readonly failures: Omit<Failure, 'case'>[];
}

/** Run one case: read it every way, compare. */
export async function runCase(c: FuzzCase, seed: number, options: { slowMs: number; file?: string }): Promise<CaseResult> {
  const found: Omit<Failure, 'case'>[] = [];
  const rng = Rng.forCase(seed ^ 0x5bd1e995, c.index); // the chunk sizes: independent of the input's own draws
  const timed = async <T>(what: string, read: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await read();
    const ms = performance.now() - t0;
    if (ms > options.slowMs) found.push({ problem: 'slow', detail: `${what} took ${ms.toFixed(0)} ms for ${c.bytes.length} bytes` });
    slowest = Math.max(slowest, ms);
    return out;
  };
  const event = isEventKind(c.kind);
  // The stream in one chunk is the reference: a file is read the same way
  // (a binary one decoded on a worker thread).
  const stream = (r: Rng | null): Promise<Outcome | null> =>
    event ? readTraceStream(c.bytes, c.options, r) : readSnapshotStream(c.bytes, r);
  const reads: [string, Outcome | null][] = [];
  reads.push(['stream (one chunk)', await timed('stream read', () => stream(null))]);
  reads.push(['stream (random chunks)', await timed('chunked stream read', () => stream(rng))]);
  if (options.file !== undefined) {
    writeFileSync(options.file, c.bytes);
    const file = options.file;
    reads.push(['file', await timed('file read', () => (event ? readTraceFile(file, { ...c.options, decodeThread: true }) : readSnapshotStream(c.bytes, null, file)))]);
  }
  // In memory with the default batch size: the streams' small batches must not change a thing.
  const whole = await timed('whole read', () => (event ? readTraceWhole(c.bytes, { ...c.options, batchCapacity: undefined }) : readSnapshotWhole(c.bytes)));
  for (const [how, o] of [...reads, ['whole', whole] as const]) {
    if (o !== null && o.kind === 'internal-error') found.push({ problem: 'internal-error', detail: `${how} read: ${o.message}\n${o.stack}` });
  }
  const [first, ...rest] = reads;
  for (const [how, o] of rest) {
    if (!same(first![1], o)) found.push({ problem: 'mismatch', detail: `${first![0]}: ${describe(first![1])}\n${how}: ${describe(o)}` });
  }
  // Strict: damaged gzip data too must fail the same way whole and streamed (gzip-slices.ts).
  if (!same(whole, first![1])) {
    found.push({ problem: 'mismatch', detail: `${first![0]}: ${describe(first![1])}\nwhole in memory: ${describe(whole)}` });
  }
  return { outcome: first![1], failures: found };
}

let slowest = 0;

export async function runCampaign(seeds: Seeds, options: CampaignOptions): Promise<CampaignSummary> {
  const start = options.start ?? 0;
  const slowMs = options.slowMs ?? 2000;
  const heapLimit = options.heapLimitBytes ?? 2 ** 30;
  const fileEvery = options.fileEvery ?? 50;
  const maxFailures = options.maxFailures ?? 50;
  const byKind = Object.fromEntries(INPUT_KINDS.map((k) => [k, { cases: 0, ok: 0, inputErrors: 0 }])) as CampaignSummary['byKind'];
  const summary: CampaignSummary = { cases: 0, byKind, failures: [], maxHeapUsed: 0, slowestMs: 0, elapsedMs: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'memreplay-fuzz-'));
  const t0 = performance.now();
  slowest = 0;
  try {
    for (let index = start; index < start + options.count && summary.failures.length < maxFailures; index++) {
      const c = buildCase(seeds, options.seed, index, options.kinds);
      const file = fileEvery > 0 && index % fileEvery === 0 ? join(dir, 'case') : undefined;
      const { outcome, failures } = await runCase(c, options.seed, { slowMs, file });
      // One slow read may be the machine (another process, a collection); a slow case is one slow twice.
      if (failures.some((f) => f.problem === 'slow')) {
        const again = await runCase(c, options.seed, { slowMs, file });
        if (!again.failures.some((f) => f.problem === 'slow')) failures.splice(0, failures.length, ...failures.filter((f) => f.problem !== 'slow'));
      }
      const stats = byKind[c.kind];
      stats.cases++;
      if (outcome === null || outcome.kind === 'ok') stats.ok++;
      else if (outcome.kind === 'input-error') stats.inputErrors++;
      const heap = getHeapStatistics().used_heap_size;
      summary.maxHeapUsed = Math.max(summary.maxHeapUsed, heap);
      if (heap > heapLimit) failures.push({ problem: 'memory', detail: `heap in use ${heap} bytes after the case` });
      for (const f of failures) {
        const failure = { case: c, ...f };
        summary.failures.push(failure);
        options.onFailure?.(failure);
      }
      summary.cases++;
      options.onCase?.(index, summary);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  summary.slowestMs = slowest;
  summary.elapsedMs = performance.now() - t0;
  return summary;
}
