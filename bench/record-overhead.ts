// `npm run bench:record`: what recording costs. Wall time of each workload in
// bench/record-workloads/ run plainly, under tracemalloc (-X tracemalloc=1
// and =16) and under the recorder (no stacks; 16 frames; the launcher
// writing .mrt itself, deflating on its own thread; the full `memreplay
// record` command writing .mrt and .csv.gz; with --native, the native
// launcher and `memreplay record --native` writing .csv), and under
// Debian's heaptrack when it is installed, the best of --repeat runs, as a
// factor of the plain run; and the trace's bytes per event.
//
//   npm run bench:record -- [--python python3.11] [--repeat 5] [--workloads churn,stdlib,compute,startup,cheavy]
//       [--modes SUBSTRING,...]   only the modes whose name contains one of them (python always runs)
//       [--mrt-level N]           the launcher's .mrt deflate level (default: the launcher's own)
//
// The figures in recorder/README.md come from this script.

import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeInterpreter } from '../src/record/interpreter.js';
import { ensureLauncher } from '../src/record/launcher-cache.js';
import { findOnPath } from '../src/record/toolchain.js';
import { benchArgs } from './bench-args.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const REPO = resolve(HERE, '..', '..');
const WORKLOADS = join(REPO, 'bench', 'record-workloads');
const CLI = join(REPO, 'dist', 'cli', 'memreplay.js');
const OUT = join(tmpdir(), 'memreplay-bench-record');

const values = benchArgs(
  {
    python: { type: 'string', default: 'python3' },
    repeat: { type: 'string', default: '5' },
    workloads: { type: 'string', default: 'churn,stdlib,compute,startup' },
    modes: { type: 'string', default: '' },
    'mrt-level': { type: 'string' },
  },
  'npm run bench:record -- [--python python3.11] [--repeat 5] [--workloads churn,stdlib,compute,startup,cheavy]\n' +
    '    [--modes SUBSTRING,...]   only the modes whose name contains one of them (python always runs)\n' +
    "    [--mrt-level N]           the launcher's .mrt deflate level (default: the launcher's own)\n",
);
const mrtLevel = values['mrt-level'] === undefined ? [] : ['--mrt-level', values['mrt-level']];
const repeat = Math.max(1, Number(values.repeat));
const info = probeInterpreter(values.python);
const launcher = ensureLauncher(info);
const nativeLauncher = ensureLauncher(info, process.env, true);
const heaptrack = findOnPath('heaptrack');
mkdirSync(OUT, { recursive: true });
const env = { ...process.env, PYTHONHASHSEED: '0' };

interface Sample {
  seconds: number;
  /** CPU time (user + system) of the run and everything it waited for. */
  cpu: number;
  events?: number;
  bytes?: number;
}

/** Linux: user + system seconds of our waited-for children so far (/proc/self/stat cutime + cstime). */
function childrenCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100; // clock ticks; USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

function timed(command: string, args: string[], stdio: (string | number)[] = ['ignore', 'ignore', 'inherit']): { seconds: number; cpu: number; output: (string | null)[] } {
  const c0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, { stdio: stdio as never, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return { seconds, cpu: childrenCpu() - c0, output: (r.output ?? []) as (string | null)[] };
}

type Mode = { name: string; run: (script: string) => Sample };

const MODES: Mode[] = [
  { name: 'python', run: (s) => timed(info.executable, [s]) },
  { name: 'tracemalloc 1 frame', run: (s) => timed(info.executable, ['-X', 'tracemalloc=1', s]) },
  { name: 'tracemalloc 16 frames', run: (s) => timed(info.executable, ['-X', 'tracemalloc=16', s]) },
  ...[0, 16].map((frames) => ({
    name: frames === 0 ? 'launcher --no-stacks, .csv' : `launcher ${frames} frames, .csv`,
    run: (s: string): Sample => {
      const path = join(OUT, 'trace.csv');
      rmSync(path, { force: true });
      const fd = openSync(path, 'w');
      try {
        const r = timed(launcher.path, ['--trace-fd', '3', '--status-fd', '4', '--frames', String(frames), '--', info.executable, s], ['ignore', 'ignore', 'inherit', fd, 'pipe']);
        const status = JSON.parse(String(r.output[4]).trim()) as { events: number; bytes: number };
        return { seconds: r.seconds, cpu: r.cpu, events: status.events, bytes: status.bytes };
      } finally {
        closeSync(fd);
      }
    },
  })),
  {
    name: 'launcher 16 frames, .mrt',
    run: (s: string): Sample => {
      const path = join(OUT, 'trace.mrt');
      rmSync(path, { force: true });
      const fd = openSync(path, 'w');
      try {
        const args = ['--trace-fd', '3', '--status-fd', '4', '--frames', '16', '--trace-format', 'mrt', ...mrtLevel, '--', info.executable, s];
        const r = timed(launcher.path, args, ['ignore', 'ignore', 'inherit', fd, 'pipe']);
        const status = JSON.parse(String(r.output[4]).trim()) as { events: number; bytes: number };
        return { seconds: r.seconds, cpu: r.cpu, events: status.events, bytes: statSync(path).size };
      } finally {
        closeSync(fd);
      }
    },
  },
  {
    name: 'memreplay record, .mrt',
    run: (s: string): Sample => {
      const path = join(OUT, 'trace.mrt');
      const r = timed(process.execPath, [CLI, 'record', '--force', '--python', info.executable, '-o', path, '--', s], ['ignore', 'ignore', 'pipe']);
      const m = /recorded ([\d,]+) events/.exec(String(r.output[2]));
      return { seconds: r.seconds, cpu: r.cpu, events: m ? Number(m[1]!.replace(/,/g, '')) : undefined, bytes: statSync(path).size };
    },
  },
  {
    name: 'launcher --native, 16+16 frames, .csv',
    run: (s: string): Sample => {
      const path = join(OUT, 'trace.csv');
      rmSync(path, { force: true });
      const fd = openSync(path, 'w');
      try {
        const args = ['--trace-fd', '3', '--status-fd', '4', '--frames', '16', '--native', '--native-frames', '16', '--', info.executable, s];
        const r = timed(nativeLauncher.path, args, ['ignore', 'ignore', 'inherit', fd, 'pipe']);
        const status = JSON.parse(String(r.output[4]).trim()) as { events: number; bytes: number };
        return { seconds: r.seconds, cpu: r.cpu, events: status.events, bytes: status.bytes };
      } finally {
        closeSync(fd);
      }
    },
  },
  {
    name: 'memreplay record --native, .csv',
    run: (s: string): Sample => {
      const path = join(OUT, 'trace.csv');
      const r = timed(process.execPath, [CLI, 'record', '--native', '--force', '--python', info.executable, '-o', path, '--', s], ['ignore', 'ignore', 'pipe']);
      const m = /recorded ([\d,]+) events/.exec(String(r.output[2]));
      return { seconds: r.seconds, cpu: r.cpu, events: m ? Number(m[1]!.replace(/,/g, '')) : undefined, bytes: statSync(path).size };
    },
  },
  ...(heaptrack === null
    ? []
    : [
        {
          name: 'heaptrack (default settings)',
          run: (s: string): Sample => {
            const stem = join(OUT, 'heaptrack');
            rmSync(`${stem}.zst`, { force: true });
            const r = timed(heaptrack, ['-o', stem, info.executable, s], ['ignore', 'ignore', 'ignore']);
            return { seconds: r.seconds, cpu: r.cpu, bytes: statSync(`${stem}.zst`).size };
          },
        },
      ]),
  {
    name: 'memreplay record, .csv.gz',
    run: (s: string): Sample => {
      const path = join(OUT, 'trace.csv.gz');
      const r = timed(process.execPath, [CLI, 'record', '--force', '--python', info.executable, '-o', path, '--', s], ['ignore', 'ignore', 'pipe']);
      const m = /recorded ([\d,]+) events/.exec(String(r.output[2]));
      return { seconds: r.seconds, cpu: r.cpu, events: m ? Number(m[1]!.replace(/,/g, '')) : undefined, bytes: statSync(path).size };
    },
  },
];

const wanted = values.modes.split(',').filter(Boolean);
const modes = MODES.filter((m, i) => i === 0 || wanted.length === 0 || wanted.some((w) => m.name.includes(w)));

/** The fastest run's wall time, the smallest CPU time of any run (each is the least disturbed measure). */
function best(mode: Mode, script: string): Sample {
  let min: Sample | null = null;
  let cpu = Infinity;
  for (let i = 0; i < repeat; i++) {
    const s = mode.run(script);
    if (min === null || s.seconds < min.seconds) min = s;
    cpu = Math.min(cpu, s.cpu);
  }
  return { ...min!, cpu };
}

const lines: string[] = [];
lines.push(`CPython ${info.version} (${info.executable}), ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(1)} at start; best of ${repeat} runs`);
lines.push('');
lines.push('| workload | mode | wall s | × python | CPU s | × python | events | bytes/event |');
lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
for (const w of values.workloads.split(',')) {
  const script = join(WORKLOADS, `${w}.py`);
  let base: Sample | null = null;
  for (const mode of modes) {
    const s = best(mode, script);
    base ??= s;
    const perEvent = s.events && s.bytes !== undefined ? (s.bytes / s.events).toFixed(1) : '';
    lines.push(
      `| ${w} | ${mode.name} | ${s.seconds.toFixed(3)} | ${(s.seconds / base.seconds).toFixed(2)} | ${s.cpu.toFixed(2)} | ${(s.cpu / base.cpu).toFixed(2)} | ` +
        `${s.events?.toLocaleString('en-US') ?? ''} | ${perEvent} |`,
    );
    process.stderr.write(`${lines[lines.length - 1]}\n`);
  }
}
lines.push('', `load ${loadavg()[0]!.toFixed(1)} at the end`);
process.stdout.write(lines.join('\n') + '\n');
