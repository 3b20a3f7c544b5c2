// The bench's input files, cached in os.tmpdir()/memreplay-bench/.
//
// Why it exists: a 50 M-event trace takes a while to generate and is ~1.5 GB,
// so it is written once per (events, seed, generator version) and reused by
// later runs; the real trace's decompressed copy lives there too. Files are
// written under a temporary name and renamed when complete, so an interrupted
// run never leaves a truncated trace that a later run would trust. Writing
// streams: the CSV goes out in ~1 MiB chunks, and the same chunks feed a gzip
// stream (level 6) whose compression runs on libuv's thread pool meanwhile.

import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { closeSync, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { MRT_MAJOR_VERSION } from '../src/import/mrt-format.js';
import { convertTrace } from '../src/run/convert.js';
import { GENERATOR_VERSION, SyntheticTrace, type SyntheticStats } from './synthetic-trace.js';

export const CACHE_DIR = join(tmpdir(), 'memreplay-bench');

export interface SyntheticFiles {
  readonly events: number;
  readonly seed: number;
  readonly generatorVersion: number;
  readonly csv: string;
  readonly gz: string;
  readonly csvBytes: number;
  readonly gzBytes: number;
  readonly stats: SyntheticStats;
  /** Seconds the generation took (when it happened in an earlier run, that run's time). */
  readonly generationSeconds: number;
  /** True when this run reused files generated earlier. */
  cached?: boolean;
}

export function ensureCacheDir(): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  return CACHE_DIR;
}

/** Bytes free for unprivileged users on the file system holding the cache. */
export function freeBytes(): number {
  const s = statfsSync(ensureCacheDir());
  return s.bavail * s.bsize;
}

/** A rough upper bound of the disk space a synthetic trace pair needs (CSV ~31 B/event, gzip ~1/3). */
export function estimatedBytes(events: number): number {
  return Math.ceil(events * 34 * 1.4);
}

function syntheticBase(events: number, seed: number): string {
  return join(CACHE_DIR, `synthetic-g${GENERATOR_VERSION}-s${seed}-n${events}`);
}

/** The cached synthetic trace for (events, seed), generating it when absent. */
export async function ensureSyntheticTrace(
  events: number,
  seed: number,
  log: (line: string) => void,
): Promise<SyntheticFiles> {
  ensureCacheDir();
  const base = syntheticBase(events, seed);
  const manifestPath = `${base}.json`;
  const csv = `${base}.csv`;
  const gz = `${base}.csv.gz`;
  if (existsSync(manifestPath) && existsSync(csv) && existsSync(gz)) {
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as SyntheticFiles;
      if (
        m.events === events &&
        m.seed === seed &&
        m.generatorVersion === GENERATOR_VERSION &&
        statSync(csv).size === m.csvBytes &&
        statSync(gz).size === m.gzBytes
      ) {
        log(`  cached: ${csv} (+ .gz), generator v${GENERATOR_VERSION}, seed ${seed}`);
        return { ...m, cached: true };
      }
    } catch {
      // unreadable manifest: regenerate
    }
  }
  const need = estimatedBytes(events);
  const free = freeBytes();
  if (free < need) {
    throw new Error(
      `not enough disk space in ${CACHE_DIR} for a ${events}-event trace: ~${(need / 1e9).toFixed(1)} GB needed, ${(free / 1e9).toFixed(1)} GB free`,
    );
  }
  log(`  generating ${events} events (generator v${GENERATOR_VERSION}, seed ${seed}) -> ${csv} (+ .gz)`);
  const started = performance.now();
  const csvTmp = `${csv}.tmp-${process.pid}`;
  const gzTmp = `${gz}.tmp-${process.pid}`;
  const gen = new SyntheticTrace(events, seed);
  const fd = openSync(csvTmp, 'w');
  const gzip = createGzip({ level: 6 });
  const gzipDone = pipeline(gzip, createWriteStream(gzTmp));
  try {
    for (let chunk = gen.nextChunk(); chunk !== null; chunk = gen.nextChunk()) {
      const bytes = Buffer.from(chunk, 'latin1');
      writeSync(fd, bytes);
      if (!gzip.write(bytes)) await once(gzip, 'drain');
    }
    gzip.end();
    await gzipDone;
  } catch (e) {
    gzip.destroy();
    rmSync(csvTmp, { force: true });
    rmSync(gzTmp, { force: true });
    throw e;
  } finally {
    closeSync(fd);
  }
  renameSync(csvTmp, csv);
  renameSync(gzTmp, gz);
  const files: SyntheticFiles = {
    events,
    seed,
    generatorVersion: GENERATOR_VERSION,
    csv,
    gz,
    csvBytes: statSync(csv).size,
    gzBytes: statSync(gz).size,
    stats: gen.stats,
    generationSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(manifestPath, JSON.stringify(files, null, 2) + '\n');
  log(`  generated in ${files.generationSeconds.toFixed(1)} s: ${(files.csvBytes / 1e6).toFixed(0)} MB CSV, ${(files.gzBytes / 1e6).toFixed(0)} MB gzip`);
  return { ...files, cached: false };
}

/** A decompressed copy of a gzip trace in the cache dir (made once). */
export async function ensureDecompressed(gzPath: string, name: string): Promise<string> {
  ensureCacheDir();
  const out = join(CACHE_DIR, name);
  if (existsSync(out)) return out;
  const tmp = `${out}.tmp-${process.pid}`;
  await pipeline(createReadStream(gzPath), createGunzip(), createWriteStream(tmp));
  renameSync(tmp, out);
  return out;
}

/**
 * The binary (.mrt) conversion of a cached trace, beside it, made once:
 * `memreplay convert` run in-process. It is made again when the text is
 * newer (a regenerated synthetic trace). Its name holds the format version
 * written: the cache is shared by every checkout on the machine, and one
 * that reads only an older version must not meet a newer file.
 */
export async function ensureBinary(textPath: string): Promise<string> {
  const out = join(CACHE_DIR, `${basename(textPath).replace(/\.(csv|jsonl)(\.gz)?$/, '')}.v${MRT_MAJOR_VERSION}.mrt`);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(textPath).mtimeMs) return out;
  await convertTrace(textPath, out, { output: { force: true } });
  return out;
}
