// Check reports of hand-written traces, for the reporter tests.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LEAKS_OPTIONS, type LeaksOptions } from '../../src/analyzers/leaks.js';
import { withDefaults, type Given } from '../../src/options/given.js';
import { effectiveBudgets, type Budgets } from '../../src/check/budgets.js';
import { reportOf as report, traceCheckOf, type CheckOptions, type CheckReport } from '../../src/check/run-check.js';
import { checkTrace } from '../../src/run/check.js';
import { MemreplayError } from '../../src/errors.js';
import { iterationsTrace, MAIN, TraceWriter } from '../analyzers/trace-writer.js';
import { tempDir } from '../cli/helpers.js';

export interface Fixture {
  dir: string;
  leaky: string;
  clean: string;
}

/** A project root with a leaky and a clean trace whose frames lie under it. */
export function fixture(): Fixture {
  const dir = tempDir();
  const leaky = join(dir, 'leaky.csv');
  const clean = join(dir, 'clean.csv');
  writeFileSync(leaky, iterationsTrace(10, true).replaceAll('app/', `${dir}/app/`));
  writeFileSync(clean, iterationsTrace(10, false).replaceAll('app/', `${dir}/app/`));
  return { dir, leaky, clean };
}

/** What `memreplay check` does, in this thread: each trace in turn, failures apart. */
export async function reportOf(files: string[], given: Budgets = {}, more: { leaks?: Given<LeaksOptions>; allowNoVerdict?: boolean; allowIncomplete?: boolean; allowInexact?: boolean } = {}): Promise<CheckReport> {
  const options: CheckOptions = {
    leaks: withDefaults(DEFAULT_LEAKS_OPTIONS, more.leaks),
    budgets: effectiveBudgets(given),
    budgetSources: { steadyLeakSites: 'default' },
    allowNoVerdict: more.allowNoVerdict ?? false,
    allowIncomplete: more.allowIncomplete ?? false,
    allowInexact: more.allowInexact ?? false,
    tolerance: 0.05,
    configFile: null,
    suppressionFiles: [],
  };
  const traces = [];
  const failures = [];
  for (const file of files) {
    try {
      traces.push(traceCheckOf(file, await checkTrace(file, options.leaks, options.budgets, { allowNoVerdict: options.allowNoVerdict }), options));
    } catch (e) {
      if (!(e instanceof MemreplayError)) throw e;
      failures.push({ file, error: e.message });
    }
  }
  return report(traces, failures, options);
}

/**
 * A recorded program's shape: 10 iterations each keeping 64 bytes at
 * app/server.py:42, then the recorder's `stats` mark (interpreter alive),
 * then shutdown freeing them all, then `final`.
 */
export function shutdownTrace(dir: string): string {
  const w = new TraceWriter();
  const kept: number[] = [];
  for (let i = 1; i <= 10; i++) {
    kept.push(w.alloc(64, [MAIN, `handle (${dir}/app/server.py:30)`, `remember (${dir}/app/server.py:42)`]));
    w.mark(`iteration ${i}`);
  }
  w.mark('stats');
  for (const a of kept) w.free(a);
  w.mark('final');
  const file = join(dir, 'shutdown.csv');
  writeFileSync(file, w.text());
  return file;
}

/**
 * A leak in one block: every iteration a cache at app/cache.py:7 moves to a
 * block 64 bytes larger (as a dict resizes) and frees the old one.
 */
export function oneBlockTrace(dir: string): string {
  const w = new TraceWriter();
  let block = -1;
  for (let i = 1; i <= 6; i++) {
    const grown = w.alloc(64 * i, [MAIN, `grow (${dir}/app/cache.py:7)`]);
    if (block >= 0) w.free(block);
    block = grown;
    w.mark(`iteration ${i}`);
  }
  const file = join(dir, 'one-block.csv');
  writeFileSync(file, w.text());
  return file;
}

/** A trace whose leak comes through a library frame and has untrusted text in its frames. */
export function hostileTrace(dir: string): string {
  const w = new TraceWriter();
  for (let i = 1; i <= 6; i++) {
    w.alloc(64, [MAIN, `h<b>&"x" (${dir}/app/we ird%,:.py:7)`, 'append (/usr/lib/python3.11/json/decoder.py:353)']);
    w.mark(`i${i}`);
  }
  const file = join(dir, 'hostile.csv');
  writeFileSync(file, w.text());
  return file;
}

/** Control characters a trace may hold in frames and labels: ESC (a screen clear), BEL, DEL, the C1 CSI, CR and LF. */
export const CONTROLS = '\u001b[2J\u0007\u007f\u009b31m\r\n';

/** A leak whose frame names and file names hold CONTROLS, and its mark labels all but CR and LF (which end a CSV line). */
export function controlCharsTrace(dir: string): string {
  const w = new TraceWriter();
  for (let i = 1; i <= 6; i++) {
    w.alloc(64, [MAIN, `evil${CONTROLS}fn (${dir}/app/ev${CONTROLS}il.py:9)`]);
    w.mark(`iteration ${i}${CONTROLS.slice(0, -2)}`);
  }
  const file = join(dir, 'controls.csv');
  writeFileSync(file, w.text());
  return file;
}
