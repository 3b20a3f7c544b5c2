// The files a `check` run writes besides stdout: --junit, --sarif,
// --update-baseline and --gen-suppressions, with their overwrite rules. What
// the run read is never written over, not even with --force; replacing a
// baseline is what --update-baseline is for, anything else there needs --force.

import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { CHECK_SCHEMA, type CheckReport } from '../check/run-check.js';
import { formatBaselineJson } from '../reports/json/check-json.js';
import { writeReportFile } from '../io/write-report.js';
import { formatJunit } from '../reports/junit.js';
import { formatSarif } from '../reports/sarif.js';
import { generateSuppressions } from '../reports/suppressions-file.js';
import { MEMREPLAY_VERSION } from '../version.js';

export interface CheckOutputFiles {
  readonly junit?: string | undefined;
  readonly sarif?: string | undefined;
  readonly updateBaseline?: string | undefined;
  /** A file name (never `-`: stdout carries the report). */
  readonly genSuppressions?: string | undefined;
  readonly force: boolean;
  /** Repository root for SARIF paths. */
  readonly sourceRoot: string;
  /** Name a suppressed site by its innermost frame under this directory. */
  readonly projectRoot?: string | undefined;
}

/** The files a check run read: `inputs` besides the `baseline`, which only --update-baseline may replace. */
export interface CheckReadFiles {
  readonly inputs: readonly string[];
  readonly baseline: string | undefined;
}

/** Write the asked-for files; `wrote` is told each one written (and whether it replaced a baseline). */
export function writeCheckOutputs(
  report: CheckReport,
  files: CheckOutputFiles,
  read: CheckReadFiles,
  wrote: (file: string, replacedBaseline: boolean) => void,
): void {
  const allInputs = [...read.inputs, ...(read.baseline !== undefined ? [read.baseline] : [])];
  // Standard output carries check's own report: `-` is refused for these (write-report.ts).
  const write = (file: string, text: string, option: string): void => {
    writeReportFile(file, text, { force: files.force, inputs: allInputs, stdout: { free: false, option } });
    wrote(file, false);
  };
  if (files.junit !== undefined) write(files.junit, formatJunit(report), '--junit');
  if (files.sarif !== undefined) write(files.sarif, formatSarif(report, { sourceRoot: files.sourceRoot, toolVersion: MEMREPLAY_VERSION }), '--sarif');
  if (files.updateBaseline !== undefined) {
    const file = files.updateBaseline;
    const exists = existsSync(file);
    const replacing = exists && isBaseline(file);
    if (exists && !replacing && !files.force) {
      throw new UsageError(`--update-baseline ${file}: the file exists and is not a memreplay check baseline; pass --force to overwrite it`);
    }
    writeReportFile(file, formatBaselineJson(report), { force: true, inputs: read.inputs, stdout: { free: false, option: '--update-baseline' } });
    wrote(file, replacing);
  }
  const gen = files.genSuppressions;
  if (gen !== undefined) {
    if (gen === '' || gen === '-') throw new UsageError('--gen-suppressions needs a file name with check (stdout carries the report)');
    write(gen, generateSuppressions(report.traces.map((t) => t.file).join(', '), sitesFailingBudgets(report), report.traces[0]?.leaks.groupedBy ?? 'lineno', files.projectRoot), '--gen-suppressions');
  }
}

/** The sites that failed a budget, over every trace: what --gen-suppressions writes entries for. */
export function sitesFailingBudgets(report: CheckReport): CheckReport['traces'][number]['leaks']['sites'][number][] {
  return report.traces.flatMap((t) => t.leaks.sites.filter((s) => t.budgets.some((b) => !b.passed && b.sites.includes(s.key))));
}

function isBaseline(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { schema?: unknown }).schema === CHECK_SCHEMA;
  } catch {
    return false;
  }
}
