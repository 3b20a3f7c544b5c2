// Directories that reports and traces are written into. `mkdir -p` through a
// path where a regular file stands fails with ENOTDIR or EEXIST naming only
// the syscall; the user needs to hear which of their paths is the file.

import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MemreplayError } from '../errors.js';

/**
 * The path, `dir` itself or one of its parents as the user spelled them,
 * that exists and is not a directory; undefined when there is none.
 */
export function fileInTheWay(dir: string): string | undefined {
  for (let p = dir, prev = ''; p !== prev; prev = p, p = dirname(p)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch {
      continue; // missing (or below a file): look further up
    }
    // The first that exists decides: a directory's parents are directories.
    return isDirectory ? undefined : p;
  }
  return undefined;
}

/**
 * Create the directory that `file` goes into, and its parents, when missing.
 * When a file stands where a directory must be, the error names it.
 */
export function ensureParentDirectory(file: string): void {
  const dir = dirname(file);
  const blocker = fileInTheWay(dir);
  if (blocker !== undefined) throw new MemreplayError(`cannot write ${file}: ${blocker} is a file, not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MemreplayError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
