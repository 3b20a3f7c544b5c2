// `npm run bench`: throughput (events/s) and peak memory of memreplay's
// stages, each measured in a fresh child process (bench/child.ts), on seeded
// synthetic traces (bench/synthetic-trace.ts) and on real ones (the largest
// shared trace, and the recorded samples in traces/), in CSV, gzip and the
// binary format (converted once and cached).
//
// Why it exists: the README promises streaming, bounded memory and a fast
// byte scanner; this is where those claims get numbers, comparable between
// commits (the JSON in reports/ records the commit, the machine, the seed and
// the generator version). It also refuses to report numbers for a synthetic
// trace that does not replay exactly (anomalies or mispredicted addresses
// would mean the bench measured error paths, or that the model broke).
//
//   npm run bench -- --events 5000000,50000000 --modes parse,replay,replay-only,analyze[,leaks,report] --formats csv,gz,mrt [--repeat 3] [--seed 1] [--quick] [--skip-real]
//   npm run bench -- --soak [--soak-events 100000000] [--soak-heap-mib 2048] [--soak-commands analyze,leaks,check,report] [--seed 1]
//   npm run bench -- --compare REF [--modes analyze,leaks,report] [--repeat 3] [--events 1000000] [--one-core] [--force]
//
// --soak (bench/soak.ts) instead runs the user's commands on one long trace
// with a big heap, each in a fresh process. --compare (bench/compare/) is the
// A/B of two commits: REF's build against the working tree's, interleaved.
//
// Each measurement runs --repeat times (fresh processes) and the table shows
// the median run, with the spread: on a shared machine one run says little.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MODES, type ChildResult, type Mode } from './measurement.js';
import { formatTable, type BenchRow } from './table.js';
import { CACHE_DIR, ensureBinary, ensureCacheDir, ensureDecompressed, ensureSyntheticTrace, estimatedBytes, freeBytes, type SyntheticFiles } from './trace-cache.js';
import { GENERATOR_VERSION } from './synthetic-trace.js';
import { eventCount, listOption } from './option-values.js';
import { machine, oneCore } from './machine.js';
import { runCompare } from './compare/compare.js';
import { parseCompareOptions } from './compare/options.js';
import { formatSoakTable, runSoak, SOAK_COMMANDS, type SoakCommand } from './soak.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const REPO = resolve(HERE, '..', '..');
const REPLAY_ONLY_LIMIT = 5_000_000;
/** leaks and report are asked for by name: report replays several times, minutes at 50 M events. */
const DEFAULT_MODES: readonly Mode[] = ['parse', 'replay', 'replay-only', 'analyze'];
/** mrt: the binary format, converted from the CSV once and cached beside it. */
const FORMATS = ['csv', 'gz', 'mrt'] as const;
type Format = (typeof FORMATS)[number];
const MODE_LABEL: Record<Mode, string> = {
  parse: 'parse',
  replay: 'parse+replay',
  'replay-only': 'replay-only',
  analyze: 'analyze',
  leaks: 'leaks',
  report: 'report',
  verify: 'verify',
};
/** The largest real shared trace, in the repo's copy of the shared CPython traces (test/fixtures/cpython-traces/README.md). */
const REAL_TRACE = join(REPO, 'test', 'fixtures', 'cpython-traces', 'dicts-3.8.csv.gz');
/** The traces recorded with memreplay's own recorder, with stacks and threads (traces/README.md). */
const RECORDED_TRACE_DIR = join(REPO, 'traces');

/** The real traces measured: the largest shared one, then the recorded ones, those that are there. */
function realTraces(): { path: string }[] {
  const recorded = existsSync(RECORDED_TRACE_DIR) ? readdirSync(RECORDED_TRACE_DIR).filter((n) => n.endsWith('.csv.gz')).sort() : [];
  return [REAL_TRACE, ...recorded.map((n) => join(RECORDED_TRACE_DIR, n))].filter((p) => existsSync(p)).map((path) => ({ path }));
}

interface Input {
  name: string;
  synthetic: boolean;
  files: Record<Format, string>;
  /** Records in the trace, for the events/s of modes whose result does not count them (leaks, report). */
  events: number;
}

interface Measurement extends ChildResult {
  events: number;
  /** 1-minute load average when the child started (other processes compete for the CPUs). */
  load1: number;
  input: string;
  format: Format;
  label: string;
  eventsPerSecond: number;
}

class SanityError extends Error {}


function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/**
 * A private copy of the compiled code the children run. dist/ is shared: a
 * colleague's `npm test` rebuilds it, and without the copy a long bench could
 * measure different code in different rows. src/ imports packages too
 * (fast-glob, vega...), so the copy links the repo's node_modules.
 */
function snapshotCode(): { child: string; dir: string } {
  const dir = join(ensureCacheDir(), `code-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(REPO, 'dist', 'src'), join(dir, 'src'), { recursive: true });
  cpSync(HERE, join(dir, 'bench'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { child: join(dir, 'bench', 'child.js'), dir };
}

let CHILD = '';
/** `--one-core`: the CPU every child is pinned to with taskset (null: not pinned). */
let PIN: number | null = null;

function runChild(mode: Mode, trace: string): ChildResult {
  const args = [CHILD, mode, trace, String(REPLAY_ONLY_LIMIT)];
  const [command, argv] = PIN === null ? [process.execPath, args] : ['taskset', ['-c', String(PIN), process.execPath, ...args]];
  const r = spawnSync(command, argv, {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    throw new Error(`bench child failed (${mode} ${trace}): exit ${r.status ?? r.signal}\n${r.stderr}`);
  }
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ChildResult;
}


/** A synthetic trace must replay exactly; anything else invalidates the numbers. */
function checkSynthetic(m: ChildResult, label: string): void {
  const c = m.check;
  if (c === null) return;
  const problems: string[] = [];
  if (c.anomalies !== 0) problems.push(`${c.anomalies} anomalies`);
  if (c.addressMismatches !== 0) problems.push(`${c.addressMismatches} mispredicted block addresses`);
  if (c.blocksChecked === 0 || c.blocksPredicted !== c.blocksChecked) problems.push(`${c.blocksPredicted} of ${c.blocksChecked} addresses predicted`);
  if (!c.arenasExact) problems.push('arena records not matched exactly');
  if (problems.length > 0) {
    throw new SanityError(`SANITY CHECK FAILED for ${label} (${m.mode}): ${problems.join('; ')}; the synthetic trace must replay exactly`);
  }
}

function reportPath(prefix: 'bench' | 'soak' = 'bench'): string {
  const dir = join(REPO, 'reports');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  let path = join(dir, `${prefix}-${date}.json`);
  for (let i = 2; existsSync(path); i++) path = join(dir, `${prefix}-${date}-${i}.json`);
  return path;
}

/** The row for the runs of one measurement: the median run by time, the spread, the highest peak RSS. */
function toRow(runs: readonly Measurement[]): BenchRow {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const m = sorted[(sorted.length - 1) >> 1]!;
  let note = '';
  if (m.mode === 'replay-only') note = `replays ${m.events.toLocaleString('en-US')} events held in memory`;
  return {
    mode: m.label,
    input: m.input,
    format: m.format,
    events: m.events,
    runs: runs.length,
    seconds: m.seconds,
    eventsPerSecond: m.eventsPerSecond,
    slowest: sorted[sorted.length - 1]!.eventsPerSecond,
    fastest: sorted[0]!.eventsPerSecond,
    cpuSeconds: m.cpuSeconds,
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    note,
  };
}

async function soak(eventsText: string, heapText: string, commandsText: string | undefined, seedText: string): Promise<number> {
  const events = eventCount(eventsText);
  const mib = Number(heapText);
  if (!Number.isInteger(mib) || mib < 1 || mib > 65536) throw new Error(`--soak-heap-mib ${heapText}: expected a whole number of MiB from 1 to 65536`);
  const seed = Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed ${seedText}: expected a 32-bit unsigned integer`);
  const commands = listOption(commandsText, SOAK_COMMANDS, SOAK_COMMANDS, 'soak-commands') as SoakCommand[];
  const log = (line: string): void => void process.stdout.write(line + '\n');
  const mach = machine();
  const started = new Date();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src', 'cli']);
  const loadAtStart = loadavg()[0]!;
  log(`memreplay soak, ${started.toISOString()}, commit ${commit ?? 'unknown'}${dirty ? ' + uncommitted changes in src/ or cli/' : ''}`);
  log(`machine: ${mach.cpuModel} x ${mach.cpus}, ${mach.memoryGB} GB, node ${mach.node}; load average (1 min) ${loadAtStart.toFixed(2)}`);
  const { trace, rows } = await runSoak({ events, heapBytes: mib * 2 ** 20, commands, seed, repo: REPO, traceDir: join(CACHE_DIR, 'soak'), log });
  const loadAtEnd = loadavg()[0]!;
  const path = reportPath('soak');
  const report = {
    schema: 'memreplay.soak/1',
    started: started.toISOString(),
    finished: new Date().toISOString(),
    machine: mach,
    load1: { start: loadAtStart, end: loadAtEnd },
    code: { commit, uncommittedChangesInSrcOrCli: dirty !== null && dirty !== '' },
    trace,
    rows,
  };
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  log('');
  log(formatSoakTable(trace, rows));
  log(`wall s = the whole process (start-up included); M events/s = the trace's records / wall s; load average (1 min) at the end ${loadAtEnd.toFixed(2)}; wrote ${path}`);
  return rows.every((r) => r.ok) ? 0 : 1;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      modes: { type: 'string' },
      formats: { type: 'string' },
      seed: { type: 'string', default: '1' },
      repeat: { type: 'string', default: '3' },
      'one-core': { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'skip-real': { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      compare: { type: 'string' },
      force: { type: 'boolean', default: false },
      'soak-events': { type: 'string', default: '100000000' },
      'soak-heap-mib': { type: 'string', default: '2048' },
      'soak-commands': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm run bench -- [--events 5000000,50000000] [--modes parse,replay,replay-only,analyze] [--formats csv,gz,mrt] [--repeat 3] [--seed 1] [--quick] [--skip-real]\n' +
        `  --modes      some of ${MODES.join(',')} (leaks and report only when named)\n` +
        '  --repeat N   runs per measurement; the table shows the median run and the spread\n' +
        '  --one-core   pin each child, all its threads, to one CPU (taskset): throughput on one core\n' +
        '  --quick      1 M synthetic events only (smoke run)\n  --skip-real  leave out the real traces (dicts-3.8 of the shared traces, and traces/*.csv.gz)\n' +
        'npm run bench -- --soak [--soak-events 100000000] [--soak-heap-mib 2048] [--soak-commands analyze,leaks,check,report] [--seed 1]\n' +
        '  --soak       generate one long gzip trace with a big live heap (cached in the system temp dir), run each command on it\n' +
        '               in a fresh process and table wall time, peak RSS and events/s; exit 1 when a command fails\n' +
        'npm run bench -- --compare REF [--modes analyze,leaks,report] [--repeat 3] [--events 1000000] [--formats csv,gz,mrt] [--one-core] [--skip-real] [--force]\n' +
        '  --compare    A/B: REF (any git ref, built once in a cached worktree) against the working tree\'s build, each command\n' +
        '               in a fresh process, A and B interleaved and alternating first; medians and B/A ratios of wall, CPU\n' +
        '               and peak RSS, written to reports/bench-compare-<date>.json (--force to overwrite)\n',
    );
    return 0;
  }
  if (values.compare !== undefined) {
    const commit = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--', 'src', 'cli']);
    const command = `npm run bench --${process.argv.slice(2).map((a) => ' ' + a).join('')}`;
    return runCompare(parseCompareOptions(values), { repo: REPO, command, commit, dirty: dirty !== null && dirty !== '', log: (line) => void process.stdout.write(line + '\n') });
  }
  if (values.soak) return soak(values['soak-events'], values['soak-heap-mib'], values['soak-commands'], values.seed);
  const events = values.quick ? [1_000_000] : (values.events ?? '5000000,50000000').split(',').map(eventCount);
  const modes = listOption(values.modes, DEFAULT_MODES, MODES, 'modes') as Mode[];
  const formats = listOption(values.formats, FORMATS, FORMATS, 'formats') as Format[];
  if (values['one-core']) PIN = oneCore();
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 99) throw new Error(`--repeat ${values.repeat}: expected a whole number from 1 to 99`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed ${values.seed}: expected a 32-bit unsigned integer`);
  const started = new Date();
  const log = (line: string): void => void process.stdout.write(line + '\n');

  const code = snapshotCode();
  CHILD = code.child;
  process.on('exit', () => rmSync(code.dir, { recursive: true, force: true }));
  process.on('SIGINT', () => process.exit(130));
  const mach = machine();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src', 'cli']);
  log(`memreplay bench, ${started.toISOString()}`);
  log(`machine: ${mach.cpuModel} x ${mach.cpus}, ${mach.memoryGB} GB, node ${mach.node}, ${mach.platform}`);
  log(`code: commit ${commit ?? 'unknown'}${dirty ? ' + uncommitted changes in src/ or cli/' : ''}; children run a copy of dist/ taken now (${code.dir})`);
  const load = loadavg()[0]!;
  if (PIN !== null) log(`one core: every child and all its threads pinned to CPU ${PIN} (taskset)`);
  log(`load average (1 min): ${load.toFixed(2)}${load > 0.5 ? ` - other processes are using the CPUs; expect noisier numbers` : ''}`);
  log(`synthetic traces: generator v${GENERATOR_VERSION}, seed ${seed}; cache ${CACHE_DIR} (${(freeBytes() / 1e9).toFixed(1)} GB free)`);

  // ---- inputs
  ensureCacheDir();
  const need = events.reduce((a, n) => a + (existsSync(join(CACHE_DIR, `synthetic-g${GENERATOR_VERSION}-s${seed}-n${n}.json`)) ? 0 : estimatedBytes(n)), 0);
  if (need > freeBytes()) throw new Error(`not enough disk space in ${CACHE_DIR}: ~${(need / 1e9).toFixed(1)} GB needed for the traces`);
  const inputs: Input[] = [];
  const traces: SyntheticFiles[] = [];
  for (const n of [...events].sort((a, b) => a - b)) {
    const files = await ensureSyntheticTrace(n, seed, log);
    traces.push(files);
    const s = files.stats;
    log(
      `    ${s.records} records: alloc ${s.alloc}, calloc ${s.calloc}, realloc ${s.realloc} (in place ${s.reallocInPlace}, moved ${s.reallocMoved}, to C library ${s.reallocToCLibrary}, NULL ${s.reallocNull}), ` +
        `free ${s.free}, arena_alloc ${s.arenaAlloc}, arena_free ${s.arenaFree}, marks ${s.marks}; live blocks peak ${s.peakLiveBlocks}, end ${s.liveBlocksAtEnd}; arenas peak ${s.peakArenas}`,
    );
    const name = n % 1_000_000 === 0 ? `synthetic ${n / 1_000_000}M` : `synthetic ${n}`;
    const mrt = formats.includes('mrt') ? await ensureBinary(files.csv) : '';
    inputs.push({ name, synthetic: true, files: { csv: files.csv, gz: files.gz, mrt }, events: files.stats.records });
  }
  const real: { source: string; csv: string }[] = [];
  if (!values['skip-real']) {
    for (const trace of realTraces()) {
      const name = basename(trace.path);
      const csv = await ensureDecompressed(trace.path, name.replace(/\.gz$/, ''));
      real.push({ source: trace.path, csv });
      log(`real trace: ${trace.path} (decompressed copy ${csv})`);
      const events = runChild('parse', csv).events ?? 0;
      const mrt = formats.includes('mrt') ? await ensureBinary(csv) : '';
      inputs.push({ name: `${name.replace(/\.csv\.gz$/, '')} (real)`, synthetic: false, files: { csv, gz: trace.path, mrt }, events });
    }
  }

  // ---- correctness first when no selected mode replays
  const replays = modes.some((m) => m === 'replay' || m === 'replay-only' || m === 'analyze');
  if (!replays) {
    for (const input of inputs.filter((i) => i.synthetic)) {
      log(`verifying ${input.name} replays exactly ...`);
      checkSynthetic(runChild('verify', input.files.csv), input.name);
    }
  }

  // ---- measurements
  const results: Measurement[] = [];
  const rows: BenchRow[] = [];
  log('');
  log(
    `measuring ${repeat} time${repeat === 1 ? '' : 's'} each, each run in a fresh process ` +
      `(replay-only holds the first min(N, ${REPLAY_ONLY_LIMIT / 1e6} M) events in memory, cut after a mark):`,
  );
  let failure: string | null = null;
  try {
    for (const input of inputs) {
      for (const format of formats) {
        for (const mode of modes) {
          const runs: Measurement[] = [];
          for (let k = 0; k < repeat; k++) {
            const load1 = Number(loadavg()[0]!.toFixed(2));
            const r = runChild(mode, input.files[format]);
            const events = r.events ?? input.events;
            const m: Measurement = { ...r, events, load1, input: input.name, format, label: MODE_LABEL[mode], eventsPerSecond: events / r.seconds };
            runs.push(m);
            results.push(m);
            const c = r.check;
            log(
              `  ${m.label.padEnd(12)} ${input.name.padEnd(17)} ${format.padEnd(3)} ${(m.eventsPerSecond / 1e6).toFixed(2).padStart(6)} M events/s  ` +
                `${r.seconds.toFixed(2).padStart(7)} s  CPU ${r.cpuSeconds.toFixed(2).padStart(6)} s  ${(r.peakRssBytes / 1e6).toFixed(0).padStart(5)} MB` +
                (c === null ? '' : `  anomalies ${c.anomalies}, addresses ${c.blocksPredicted}/${c.blocksChecked}, arenas ${c.arenasExact ? 'exact' : 'NOT exact'}`) +
                `  (load ${load1.toFixed(2)})`,
            );
            if (input.synthetic) checkSynthetic(r, input.name);
          }
          rows.push(toRow(runs));
        }
      }
    }
  } catch (e) {
    if (!(e instanceof SanityError)) throw e;
    failure = e.message;
  }

  // ---- report
  const finished = new Date();
  const report = {
    schema: 'memreplay.bench/2',
    repeat,
    pinnedToCpu: PIN,
    started: started.toISOString(),
    finished: finished.toISOString(),
    command: `npm run bench --${process.argv.slice(2).map((a) => ' ' + a).join('')}`,
    machine: mach,
    loadAverage1m: { start: Number(load.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
    code: { commit, uncommittedChangesInSrcOrCli: dirty !== null && dirty !== '' },
    generator: { version: GENERATOR_VERSION, seed },
    replayOnlyLimit: REPLAY_ONLY_LIMIT,
    inputs: {
      synthetic: traces.map((t) => ({ events: t.events, seed: t.seed, generatorVersion: t.generatorVersion, csv: t.csv, gz: t.gz, csvBytes: t.csvBytes, gzBytes: t.gzBytes, stats: t.stats, cached: t.cached })),
      real,
    },
    rows,
    measurements: results,
    sanityFailure: failure,
  };
  const path = reportPath();
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  log('');
  log(formatTable(rows));
  log('');
  log(
    `seconds = wall time of the work in the child (not process start), median of ${repeat} run${repeat === 1 ? '' : 's'}; M events/s = events / seconds, ` +
      `with the slowest and fastest run; CPU s = CPU time of the whole child over that work, all threads (gzip inflates on one of Node's, GC helpers run on others); ` +
      `peak RSS = the highest maxRSS of those child processes.`,
  );
  log(`generator v${GENERATOR_VERSION}, seed ${seed}; traces cached in ${CACHE_DIR}`);
  log(`total ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s; wrote ${path}`);
  if (failure !== null) {
    process.stderr.write(`\n*** ${failure} ***\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const detail = e instanceof Error ? (process.env['MEMREPLAY_DEBUG'] ? (e.stack ?? e.message) : e.message) : String(e);
    process.stderr.write(`bench: ${detail}\n`);
    process.exit(1);
  },
);
