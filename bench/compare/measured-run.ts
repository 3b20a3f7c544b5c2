// One run of a compare: a memreplay command of one side's build, in its own
// process (so its peak RSS is its own), timed from spawn to exit, its CPU and
// peak RSS told by bench/compare/measure-hook.cjs. Output is discarded: only
// the cost is measured.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CompareMode } from './options.js';

export interface RunCost {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

export interface RunTarget {
  /** The build's root: dist/cli/memreplay.js under it is run. */
  root: string;
  /** The hook that reports CPU and peak RSS. */
  hook: string;
  /** Working folder: reports go there, and no caller's config file applies. */
  workDir: string;
  /** The CPU to pin the run to (taskset), or null. */
  pin: number | null;
}

/** The command line of a mode: what a user types, output kept out of the measurement's way. */
export function modeArgs(mode: CompareMode, trace: string, outDir: string): string[] {
  switch (mode) {
    case 'analyze':
    case 'leaks':
      return [mode, trace];
    case 'report':
      return ['report', trace, '-o', outDir, '--force', '--jobs', '1', '--quiet'];
  }
}

export function measuredRun(t: RunTarget, mode: CompareMode, trace: string): RunCost {
  const measureFile = join(t.workDir, 'measure.json');
  rmSync(measureFile, { force: true });
  const node = [process.execPath, '--require', t.hook, join(t.root, 'dist', 'cli', 'memreplay.js'), ...modeArgs(mode, trace, join(t.workDir, 'report'))];
  const [command, args] = t.pin === null ? [node[0]!, node.slice(1)] : ['taskset', ['-c', String(t.pin), ...node]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    cwd: t.workDir,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 16 << 20,
    env: { ...process.env, MEMREPLAY_BENCH_MEASURE_FILE: measureFile, MEMREPLAY_DEBUG: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
  });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // leaks answers 1 when it finds leaks: a verdict, not a failure.
  const ok = r.status === 0 || (r.status === 1 && mode === 'leaks');
  if (!ok || !existsSync(measureFile)) {
    const why = r.error?.message ?? r.stderr.trim().split('\n')[0] ?? '';
    throw new Error(`${mode} ${trace} with ${t.root}: exit ${r.status ?? r.signal}${why === '' ? '' : `: ${why}`}`);
  }
  const m = JSON.parse(readFileSync(measureFile, 'utf8')) as { cpuSeconds: number; peakRssBytes: number };
  return { wallSeconds, cpuSeconds: m.cpuSeconds, peakRssBytes: m.peakRssBytes };
}
