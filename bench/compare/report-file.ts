// reports/bench-compare-<date>.json: one compare's table and how it was made.
// Never written over without --force (a compare is an hour's evidence), and
// written atomically (a temporary file renamed), so a cut run leaves either
// the old file or the new one, never half of one.

import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function compareReportPath(reportsDir: string, date: Date): string {
  return join(reportsDir, `bench-compare-${date.toISOString().slice(0, 10)}.json`);
}

/** Refuses an existing file unless forced (checked before the runs too, so they are not wasted). */
export function checkWritable(path: string, force: boolean): void {
  if (existsSync(path) && !force) throw new Error(`${path} exists: pass --force to overwrite it`);
}

export function writeCompareReport(path: string, document: object, force: boolean): void {
  checkWritable(path, force);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(document, null, 2) + '\n');
  renameSync(tmp, path);
}
