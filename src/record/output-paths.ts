// The files a recording writes: the trace, and CPython's statistics at the
// `stats` and `final` marks beside it.

import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MemreplayError } from '../errors.js';
import { fileInTheWay } from '../io/output-directory.js';
import { refuseInputsAsOutputs } from '../io/same-file.js';

export interface RecordingFiles {
  trace: string;
  /** sys._debugmallocstats() at the `stats` mark (at exit, interpreter alive). */
  stats: string;
  /** The pymalloc part at the `final` mark (after Py_FinalizeEx). */
  final: string;
  /** The trace is written gzip-compressed (its name ends in .gz). */
  gzip: boolean;
  /** The trace is written in the binary format (its name ends in .mrt). */
  mrt: boolean;
}

/**
 * OUT.csv.gz -> OUT.stats.txt (the sample traces' form); any other name, OUT.csv
 * included, -> NAME.stats.txt with the whole name, so that `c.csv` and
 * `c.csv.gz` (or `t` and `t.gz`) recorded side by side keep their own statistics.
 */
export function recordingFiles(trace: string, statsOut?: string): RecordingFiles {
  const gzip = trace.endsWith('.gz');
  const stem = trace.endsWith('.csv.gz') ? trace.slice(0, -'.csv.gz'.length) : trace;
  const stats = statsOut ?? `${stem}.stats.txt`;
  return { trace, stats, final: finalStatsPath(stats), gzip, mrt: trace.endsWith('.mrt') };
}

/** X.stats.txt -> X.final.stats.txt; X.txt -> X.final.txt; else X.final */
export function finalStatsPath(stats: string): string {
  if (stats.endsWith('.stats.txt')) return `${stats.slice(0, -'.stats.txt'.length)}.final.stats.txt`;
  if (stats.endsWith('.txt')) return `${stats.slice(0, -'.txt'.length)}.final.txt`;
  return `${stats}.final`;
}

/**
 * Nothing the user has is overwritten without --force, and the program's
 * arguments that name files (its script, the files it reads) never: a
 * recording must not replace what it runs.
 */
export function checkWritable(files: RecordingFiles, force: boolean, programArgs: readonly string[] = []): void {
  const paths = [files.trace, files.stats, files.final];
  refuseInputsAsOutputs(paths, programArgs);
  if (new Set(paths).size !== paths.length) {
    throw new MemreplayError(`the trace and its statistics files would have the same name (${files.trace}): use --stats-out`);
  }
  for (const p of paths) {
    const blocker = fileInTheWay(dirname(p));
    if (blocker !== undefined) throw new MemreplayError(`cannot write ${p}: ${blocker} is a file, not a directory`);
    if (existsSync(p) && statSync(p).isDirectory()) throw new MemreplayError(`${p} is a directory; give a file name to write to`);
  }
  if (force) return;
  for (const p of paths) {
    if (existsSync(p)) throw new MemreplayError(`${p} exists; pass --force to overwrite it`);
  }
}
