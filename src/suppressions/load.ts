// Where suppressions come from: the files named with --suppressions, and
// `.memreplay-suppressions` in the working directory when there is one.
// Rules stay plain data (file, line, pattern), so a trace analysed on a
// worker thread gets them as they are.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MemreplayError } from '../errors.js';
import { parseSuppressions, type SuppressionRule } from './suppressions.js';

export const DEFAULT_SUPPRESSIONS_FILE = '.memreplay-suppressions';
/** A suppression file larger than this is surely not one. */
const MAX_SUPPRESSIONS_BYTES = 4 * 1024 * 1024;

export interface LoadedSuppressions {
  /** The files read, in order. */
  readonly files: readonly string[];
  readonly rules: readonly SuppressionRule[];
}

export function loadSuppressions(paths: readonly string[], cwd: string = process.cwd()): LoadedSuppressions {
  const files: string[] = [];
  const defaultFile = join(cwd, DEFAULT_SUPPRESSIONS_FILE);
  if (existsSync(defaultFile)) files.push(DEFAULT_SUPPRESSIONS_FILE);
  for (const p of paths) if (!files.includes(p)) files.push(p);
  const rules: SuppressionRule[] = [];
  for (const file of files) rules.push(...parseSuppressions(readText(file === DEFAULT_SUPPRESSIONS_FILE ? defaultFile : file, file), file));
  return { files, rules };
}

function readText(path: string, shown: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new MemreplayError(`${shown}: no such suppression file`);
  }
  if (size > MAX_SUPPRESSIONS_BYTES) throw new MemreplayError(`${shown}: too large for a suppression file (${size} bytes)`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new MemreplayError(`${shown}: cannot read the suppression file: ${(e as Error).message}`);
  }
}
