// `npm run bench -- --compare REF`: is the working tree's build (B) slower,
// or bigger, than REF's (A)? Each mode (analyze, leaks, report) runs as the
// user's command in a fresh process of each side's own CLI (the CLI is the
// one interface every commit shares; internal modules move between
// commits), interleaved A B, B A, ... for --repeat rounds, on the bench's
// synthetic traces and the real shared trace. Prints per mode the median
// wall time, CPU time and peak RSS of each side with the B/A ratios, and
// writes them to reports/bench-compare-<date>.json.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { abRows, formatAbTable, type Side } from './ab-table.js';
import { snapshotBuild } from './code-snapshot.js';
import type { RunTarget } from './measured-run.js';
import type { CompareOptions } from './options.js';
import { ensureRefBuild } from './ref-build.js';
import { checkWritable, compareReportPath, writeCompareReport } from './report-file.js';
import { runRounds } from './rounds.js';
import { machine, oneCore } from '../machine.js';
import { GENERATOR_VERSION } from '../synthetic-trace.js';
import { CACHE_DIR, ensureBinary, ensureDecompressed, ensureSyntheticTrace } from '../trace-cache.js';

export const COMPARE_CACHE = join(CACHE_DIR, 'compare');
export const REAL_TRACE = 'dicts-3.8.csv.gz';

export interface CompareContext {
  /** The repository root (its dist/ is side B, its reports/ gets the JSON). */
  repo: string;
  /** The compare's command line, for the report. */
  command: string;
  /** The working tree's commit and whether src/ or cli/ differ from it. */
  commit: string | null;
  dirty: boolean;
  log: (line: string) => void;
}

async function compareInputs(o: CompareOptions, repo: string, log: (line: string) => void): Promise<{ name: string; path: string }[]> {
  const inputs: { name: string; path: string }[] = [];
  for (const n of o.events) {
    const files = await ensureSyntheticTrace(n, o.seed, log);
    const name = n % 1_000_000 === 0 ? `synthetic ${n / 1_000_000}M` : `synthetic ${n}`;
    for (const f of o.formats) inputs.push({ name: `${name} ${f}`, path: f === 'mrt' ? await ensureBinary(files.csv) : files[f] });
  }
  if (!o.skipReal) {
    const gz = join(repo, 'test', 'fixtures', 'cpython-traces', REAL_TRACE);
    const name = REAL_TRACE.replace(/\.csv\.gz$/, '');
    if (o.formats.includes('csv')) inputs.push({ name: `${name} csv`, path: await ensureDecompressed(gz, REAL_TRACE.replace(/\.gz$/, '')) });
    if (o.formats.includes('gz')) inputs.push({ name: `${name} gz`, path: gz });
    if (o.formats.includes('mrt')) inputs.push({ name: `${name} mrt`, path: await ensureBinary(await ensureDecompressed(gz, REAL_TRACE.replace(/\.gz$/, ''))) });
  }
  return inputs;
}

function pinnedCpu(o: CompareOptions, log: (line: string) => void): number | null {
  if (!o.oneCore) return null;
  try {
    const cpu = oneCore();
    log(`one core: every run pinned to CPU ${cpu} (taskset)`);
    return cpu;
  } catch (e) {
    log(`--one-core: ${(e as Error).message}; runs are not pinned`);
    return null;
  }
}

export async function runCompare(o: CompareOptions, c: CompareContext): Promise<number> {
  const started = new Date();
  const path = compareReportPath(join(c.repo, 'reports'), started);
  checkWritable(path, o.force);
  const mach = machine();
  const load = loadavg()[0]!;
  c.log(`memreplay bench compare, ${started.toISOString()}`);
  c.log(`machine: ${mach.cpuModel} x ${mach.cpus}, ${mach.memoryGB} GB, node ${mach.node}; load average (1 min) ${load.toFixed(2)}`);
  const a = ensureRefBuild(c.repo, o.ref, COMPARE_CACHE, c.log);
  const workDir = mkdtempSync(join(tmpdir(), 'memreplay-compare-'));
  // Ctrl-C exits through process.exit (bench/run.ts), which skips `finally`.
  const cleanUp = (): void => rmSync(workDir, { recursive: true, force: true });
  process.on('exit', cleanUp);
  try {
    const bRoot = snapshotBuild(c.repo, join(workDir, 'b-build'));
    c.log(`side B: the working tree's build, commit ${c.commit ?? 'unknown'}${c.dirty ? ' + uncommitted changes in src/ or cli/' : ''} (copied to ${bRoot})`);
    const pin = pinnedCpu(o, c.log);
    const hook = join(c.repo, 'bench', 'compare', 'measure-hook.cjs');
    const side = (root: string, s: Side): RunTarget => ({ root, hook, workDir: mkdtempSync(join(workDir, `run-${s}-`)), pin });
    const inputs = await compareInputs(o, c.repo, c.log);
    c.log(`${o.repeat} round${o.repeat === 1 ? '' : 's'} of ${o.modes.join(', ')} on ${inputs.map((i) => i.name).join(', ')}; A and B alternate going first`);
    const runs = runRounds({ sides: { A: side(a.dir, 'A'), B: side(bRoot, 'B') }, inputs, modes: o.modes, repeat: o.repeat, log: c.log });
    const rows = abRows(runs);
    const finished = new Date();
    writeCompareReport(
      path,
      {
        schema: 'memreplay.bench-compare/1',
        started: started.toISOString(),
        finished: finished.toISOString(),
        command: c.command,
        machine: mach,
        loadAverage1m: { start: Number(load.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
        pinnedToCpu: pin,
        a: { ref: a.ref, commit: a.sha, cachedBuild: a.reused },
        b: { commit: c.commit, uncommittedChangesInSrcOrCli: c.dirty },
        generator: { version: GENERATOR_VERSION, seed: o.seed },
        inputs,
        repeat: o.repeat,
        rows,
        runs,
      },
      o.force,
    );
    c.log('');
    c.log(formatAbTable(rows));
    c.log('');
    c.log(
      `A = ${a.ref} (${a.sha.slice(0, 12)}), B = the working tree; medians of ${o.repeat} run${o.repeat === 1 ? '' : 's'} per side; ` +
        `wall s = the whole process (Node start-up included); CPU s = user + system, all threads; RSS = peak resident set; B/A below 1 means B is faster or smaller.`,
    );
    c.log(`total ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s; wrote ${path}`);
    return 0;
  } finally {
    cleanUp();
    process.off('exit', cleanUp);
  }
}
