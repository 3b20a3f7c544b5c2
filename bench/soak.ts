// `npm run bench -- --soak`: a long, big trace through the user's commands.
//
// Why it exists: the bench's other modes measure stages on traces whose live
// set is small (~150 k blocks), so they cannot show what a service's trace
// does to memreplay: hundreds of millions of events over a heap of gigabytes.
// The soak generates such a trace (bench/synthetic-trace.ts with a shape
// scaled to the heap: a long-lived population, bursts of blocks that mostly
// die young and are then freed together, so arenas are released and taken
// again; sizes mostly 64-160 bytes; 32 call sites), streams it to disk as
// gzip'd CSV (never whole in memory), then runs each command
// (analyze, leaks, check, report) on it in a fresh `memreplay` process and
// tables wall time, peak RSS and events/s. A command that fails (exit 2 or 3,
// or killed, e.g. out of memory) is a finding: its row says how, and the
// soak exits 1.

import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { GENERATOR_VERSION, meanBlockBytes, SyntheticTrace, type SyntheticShape, type SyntheticStats } from './synthetic-trace.js';

export const SOAK_COMMANDS = ['analyze', 'leaks', 'check', 'report'] as const;
export type SoakCommand = (typeof SOAK_COMMANDS)[number];

export interface SoakOptions {
  events: number;
  /** Target peak of bytes live in pymalloc blocks. */
  heapBytes: number;
  commands: readonly SoakCommand[];
  seed: number;
  /** The repository root: dist/cli/memreplay.js and bench/big-heap/peak-rss.cjs are taken from it. */
  repo: string;
  /** Where the trace is cached (reused when its manifest matches). */
  traceDir: string;
  log: (line: string) => void;
}

export interface SoakTrace {
  path: string;
  events: number;
  seed: number;
  heapBytes: number;
  generatorVersion: number;
  shape: SyntheticShape;
  gzBytes: number;
  stats: SyntheticStats;
  generationSeconds: number;
}

export interface SoakRow {
  command: SoakCommand;
  /** Exit code, or the signal that ended the process. */
  exit: number | string;
  /** True for exit 0, and for exit 1 of leaks-finding commands (a verdict, not a failure). */
  ok: boolean;
  seconds: number;
  /** Peak resident set of the memreplay process, bytes (NaN when it died before telling). */
  peakRssBytes: number;
  eventsPerSecond: number;
  /** The first line of stderr when the command failed. */
  error: string;
}

/**
 * The workload's shape for a heap: ~90 % of the peak is the long-lived
 * population, bursts add 10-30 % on top (so the peak reaches the target
 * whenever the trace is long enough for a burst), and phases and marks scale
 * with the heap and the trace so short runs still cycle.
 */
export function soakShape(events: number, heapBytes: number): SyntheticShape {
  const peakBlocks = Math.max(1000, Math.round(heapBytes / meanBlockBytes('soak')));
  const steady = Math.max(1000, Math.round(0.05 * peakBlocks));
  return {
    baseLive: Math.round(0.9 * peakBlocks),
    cohortMin: Math.round(0.1 * peakBlocks),
    cohortSpan: Math.round(0.2 * peakBlocks),
    steadyMin: steady,
    steadySpan: 2 * steady,
    markEvery: Math.max(1000, Math.round(events / 200)),
    sizes: 'soak',
    stacks: true,
  };
}

function traceBase(dir: string, events: number, seed: number, heapBytes: number): string {
  return join(dir, `soak-g${GENERATOR_VERSION}-s${seed}-n${events}-h${heapBytes}`);
}

/** The soak's trace (gzip'd CSV), generated unless a complete one with the same parameters is cached. */
export async function ensureSoakTrace(o: SoakOptions): Promise<SoakTrace> {
  mkdirSync(o.traceDir, { recursive: true });
  const base = traceBase(o.traceDir, o.events, o.seed, o.heapBytes);
  const path = `${base}.csv.gz`;
  const manifest = `${base}.json`;
  if (existsSync(manifest) && existsSync(path)) {
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as SoakTrace;
      const same = JSON.stringify(m.shape) === JSON.stringify(soakShape(o.events, o.heapBytes));
      if (m.generatorVersion === GENERATOR_VERSION && same && m.gzBytes === statSync(path).size) {
        o.log(`cached trace: ${path}`);
        return m;
      }
    } catch {
      // unreadable manifest: generate again
    }
  }
  const shape = soakShape(o.events, o.heapBytes);
  o.log(`generating ${o.events} events, heap target ${(o.heapBytes / 2 ** 20).toFixed(0)} MiB (base ${shape.baseLive} blocks, bursts of ${shape.cohortMin}-${shape.cohortMin + shape.cohortSpan}) -> ${path}`);
  const started = performance.now();
  const tmp = `${path}.tmp-${process.pid}`;
  const gen = new SyntheticTrace(o.events, o.seed, shape);
  // Chunks (~1 MiB) go straight into gzip, which writes to the file as it
  // compresses: the trace is never whole in memory.
  const gzip = createGzip({ level: 6 });
  const done = pipeline(gzip, createWriteStream(tmp));
  try {
    for (let chunk = gen.nextChunk(); chunk !== null; chunk = gen.nextChunk()) {
      if (!gzip.write(Buffer.from(chunk, 'latin1'))) await once(gzip, 'drain');
    }
    gzip.end();
    await done;
  } catch (e) {
    gzip.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
  const trace: SoakTrace = {
    path,
    events: gen.stats.records,
    seed: o.seed,
    heapBytes: o.heapBytes,
    generatorVersion: GENERATOR_VERSION,
    shape,
    gzBytes: statSync(path).size,
    stats: gen.stats,
    generationSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(manifest, JSON.stringify(trace, null, 2) + '\n');
  return trace;
}

function commandArgs(command: SoakCommand, trace: string, outDir: string): string[] {
  switch (command) {
    case 'analyze':
    case 'leaks':
    case 'check':
      return [command, trace];
    case 'report':
      return ['report', trace, '-o', outDir, '--force', '--jobs', '1', '--quiet'];
  }
}

/** One command in a fresh process, its output discarded (only its cost is measured). */
export function runSoakCommand(command: SoakCommand, trace: SoakTrace, repo: string, workDir: string): SoakRow {
  const rssFile = join(workDir, `peak-rss-${command}`);
  rmSync(rssFile, { force: true });
  const cli = join(repo, 'dist', 'cli', 'memreplay.js');
  const hook = join(repo, 'bench', 'big-heap', 'peak-rss.cjs');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', hook, cli, ...commandArgs(command, trace.path, join(workDir, 'reports'))], {
    cwd: workDir, // no memreplay.config.json or suppression file of the caller's applies
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 24,
    env: { ...process.env, MEMREPLAY_BENCH_PEAK_RSS_FILE: rssFile, MEMREPLAY_DEBUG: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peakRssBytes = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
  const exit = r.status ?? r.signal ?? 'unknown';
  // leaks and check answer 1 when they find something: the verdict, not a failure.
  const ok = exit === 0 || (exit === 1 && (command === 'check' || command === 'leaks'));
  const error = ok ? '' : (r.error?.message ?? r.stderr.trim().split('\n')[0] ?? '');
  return { command, exit, ok, seconds, peakRssBytes, eventsPerSecond: trace.events / seconds, error };
}

export async function runSoak(o: SoakOptions): Promise<{ trace: SoakTrace; rows: SoakRow[] }> {
  const trace = await ensureSoakTrace(o);
  const s = trace.stats;
  o.log(
    `trace: ${trace.events} records (${(trace.gzBytes / 2 ** 20).toFixed(0)} MiB gzip, generated in ${trace.generationSeconds.toFixed(0)} s): ` +
      `alloc ${s.alloc}, calloc ${s.calloc}, realloc ${s.realloc}, free ${s.free}, arena_alloc ${s.arenaAlloc}, arena_free ${s.arenaFree}, marks ${s.marks}, ` +
      `bursts freed ${s.massFrees}; peak ${s.peakLiveBlocks} live blocks, ${(s.peakLiveBlockBytes / 2 ** 20).toFixed(0)} MiB in pymalloc blocks, ${s.peakArenas} arenas`,
  );
  if (s.peakLiveBlockBytes < trace.heapBytes) {
    o.log(`note: the heap peaked below its target (${trace.events} events are too few to build it); give more --soak-events or a smaller --soak-heap-mib`);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'memreplay-soak-'));
  const rows: SoakRow[] = [];
  try {
    for (const command of o.commands) {
      o.log(`running ${command} ...`);
      const row = runSoakCommand(command, trace, o.repo, workDir);
      o.log(`  ${formatRow(row)}`);
      rows.push(row);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return { trace, rows };
}

const MiB = 2 ** 20;

function formatRow(r: SoakRow): string {
  const rss = Number.isNaN(r.peakRssBytes) ? '?' : (r.peakRssBytes / MiB).toFixed(0);
  const result = r.ok ? `exit ${r.exit}` : `FAILED (exit ${r.exit}${r.error === '' ? '' : `: ${r.error}`})`;
  return `| ${r.command} | ${r.seconds.toFixed(1)} | ${rss} | ${(r.eventsPerSecond / 1e6).toFixed(2)} | ${result} |`;
}

/** The Markdown table of a soak. */
export function formatSoakTable(trace: SoakTrace, rows: readonly SoakRow[]): string {
  return [
    `${trace.events.toLocaleString('en-US')} events, peak ${trace.stats.peakLiveBlocks.toLocaleString('en-US')} live blocks / ` +
      `${(trace.stats.peakLiveBlockBytes / MiB).toFixed(0)} MiB in pymalloc blocks / ${trace.stats.peakArenas} arenas, ` +
      `${trace.stats.arenaAlloc} arenas taken and ${trace.stats.arenaFree} released, ${(trace.gzBytes / MiB).toFixed(0)} MiB gzip`,
    '',
    '| command | wall s | peak RSS MiB | M events/s | result |',
    '|---|---:|---:|---:|---|',
    ...rows.map(formatRow),
  ].join('\n');
}
