// `npm run bench:big-heap`: big heaps, exact. Records bench/big-heap/big_heap.py
// (MiB of small tuples held, arenas released and taken again) with
// `memreplay record --no-stacks` on each interpreter, replays the trace with
// `memreplay stats --verify` to the `stats` mark and to the end, and demands
// EXACT and stats text byte-identical to CPython's at both marks. Prints,
// per interpreter: events, arenas, the trace's size, wall time and peak RSS
// of recording and of each replay, and RSS per block in use at the `stats`
// mark (net of an empty replay's RSS: the replay of a startup trace).
//
//   npm run bench:big-heap -- [--mib 2048] [--rounds 2] [--pythons python3.8,python3.11] [--keep]
//
// --pythons: interpreters (commands on PATH or paths), one of 3.8 or 3.9 for
// 256 KiB arenas and one of 3.10+ for 1 MiB arenas.
//
// Traces go to os.tmpdir()/memreplay-bench-big-heap/ (about 0.3 GB per GiB
// of heap each) and are deleted afterwards unless --keep. The figures in
// README.md ("Limits and memory") come from this script.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pymallocPartOf } from '../src/models/pymalloc/stats-text.js';
import { probeInterpreter } from '../src/record/interpreter.js';
import { benchArgs } from './bench-args.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const REPO = resolve(HERE, '..', '..');
const WORKLOAD = join(REPO, 'bench', 'big-heap', 'big_heap.py');
const PEAK_RSS_HOOK = join(REPO, 'bench', 'big-heap', 'peak-rss.cjs');
const CLI = join(REPO, 'dist', 'cli', 'memreplay.js');
const EMPTY_REPLAY_TRACE = join(REPO, 'test', 'fixtures', 'cpython-traces', 'startup-3.11.csv.gz');
const OUT = join(tmpdir(), 'memreplay-bench-big-heap');

const values = benchArgs(
  {
    mib: { type: 'string', default: '2048' },
    rounds: { type: 'string', default: '2' },
    pythons: { type: 'string', default: 'python3.8,python3.11' },
    keep: { type: 'boolean', default: false },
  },
  'npm run bench:big-heap -- [--mib 2048] [--rounds 2] [--pythons python3.8,python3.11] [--keep]\n' +
    '  --mib      heap the workload holds at its peak, in MiB\n' +
    '  --rounds   times the heap is released and taken again\n' +
    '  --pythons  interpreters (commands on PATH or paths): one of 3.8/3.9 (256 KiB arenas) and one of 3.10+ (1 MiB arenas)\n' +
    '  --keep     keep the traces (in the system temp dir) instead of deleting them\n',
);

interface Run {
  seconds: number;
  /** Peak resident set of the memreplay process (bytes), NaN when not known. */
  peakRss: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the memreplay CLI with a hook that writes its peak RSS to a file at exit. */
function memreplay(args: string[]): Run {
  const rssFile = join(OUT, 'peak-rss');
  rmSync(rssFile, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', PEAK_RSS_HOOK, CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, PYTHONHASHSEED: '0', MEMREPLAY_BENCH_PEAK_RSS_FILE: rssFile },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peakRss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
  rmSync(rssFile, { force: true });
  return { seconds, peakRss, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(run: Run, what: string): Run {
  if (run.status !== 0) throw new Error(`${what} exited ${run.status}: ${run.stderr.trim()}`);
  return run;
}

/** A `# name = value` line of the stats text, as a number. */
function statsNumber(text: string, name: string): number {
  const m = new RegExp(`^# ${name}\\s*=\\s*([\\d,]+)`, 'm').exec(text);
  if (m === null) throw new Error(`no "${name}" in the stats text`);
  return Number(m[1]!.replace(/,/g, ''));
}

/** Blocks in use over all size classes (the class table of the stats text). */
function blocksInUse(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/^\s+\d+\s+\d+\s+\d+\s+(\d+)\s+\d+$/gm)) n += Number(m[1]);
  return n;
}

const MiB = 2 ** 20;
const mb = (bytes: number): string => (bytes / MiB).toFixed(0);

mkdirSync(OUT, { recursive: true });
const empty = must(memreplay(['stats', EMPTY_REPLAY_TRACE]), 'the empty replay');
const lines: string[] = [];
lines.push(
  `big_heap.py ${values.mib} MiB, ${values.rounds} rounds of release and retake; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(1)} at start`,
  `empty replay (startup-3.11): peak RSS ${mb(empty.peakRss)} MiB`,
  '',
  '| python | events | arenas total / highwater | trace MiB | record s | replay to stats: s, peak RSS MiB | replay to end: s, peak RSS MiB | blocks in use at stats | RSS bytes per block (net) | verified |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
);
let failed = false;
for (const python of values.pythons.split(',')) {
  const info = probeInterpreter(python);
  const version = info.version;
  const trace = join(OUT, `big-heap-${version}.csv.gz`);
  const statsFile = join(OUT, `big-heap-${version}.stats.txt`);
  const finalFile = join(OUT, `big-heap-${version}.final.stats.txt`);
  process.stderr.write(`recording ${version} (${info.executable})...\n`);
  const rec = must(
    memreplay(['record', '--no-stacks', '--force', '--python', info.executable, '-o', trace, '--', WORKLOAD, values.mib, values.rounds]),
    'record',
  );
  const expectedStats = pymallocPartOf(readFileSync(statsFile, 'utf8'));
  const expectedFinal = pymallocPartOf(readFileSync(finalFile, 'utf8'));
  process.stderr.write(`replaying ${version} to the stats mark...\n`);
  const atStats = memreplay(['stats', '--verify', '--at', 'stats', trace]);
  process.stderr.write(`replaying ${version} to the end...\n`);
  const atEnd = memreplay(['stats', '--verify', trace]);
  const exact = (r: Run, expected: string): string =>
    r.status === 0 && r.stdout === expected && /EXACT/.test(r.stderr) ? 'EXACT, identical' : `FAILED (exit ${r.status}: ${r.stderr.trim().split('\n')[0]})`;
  const verdicts = [exact(atStats, expectedStats), exact(atEnd, expectedFinal)];
  if (verdicts.some((v) => v.startsWith('FAILED'))) failed = true;
  const events = Number(/recorded ([\d,]+) events/.exec(rec.stderr)?.[1]?.replace(/,/g, '') ?? NaN);
  const blocks = blocksInUse(expectedStats);
  lines.push(
    `| ${info.version} | ${Number.isNaN(events) ? '?' : events.toLocaleString('en-US')} | ` +
      `${statsNumber(expectedFinal, 'arenas allocated total').toLocaleString('en-US')} / ${statsNumber(expectedFinal, 'arenas highwater mark').toLocaleString('en-US')} | ` +
      `${mb(statSync(trace).size)} | ${rec.seconds.toFixed(0)} | ${atStats.seconds.toFixed(0)}, ${mb(atStats.peakRss)} | ${atEnd.seconds.toFixed(0)}, ${mb(atEnd.peakRss)} | ` +
      `${blocks.toLocaleString('en-US')} | ${((atStats.peakRss - empty.peakRss) / blocks).toFixed(0)} | stats: ${verdicts[0]}; final: ${verdicts[1]} |`,
  );
  process.stderr.write(`${lines[lines.length - 1]}\n`);
  if (!values.keep) for (const f of [trace, statsFile, finalFile]) rmSync(f, { force: true });
}
lines.push('', `load ${loadavg()[0]!.toFixed(1)} at the end`);
process.stdout.write(lines.join('\n') + '\n');
process.exitCode = failed ? 1 : 0;
