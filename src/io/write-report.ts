// Writing reports: never over an existing file unless asked (--force), and
// atomically (a temporary file beside the target, then rename), so a reader
// never sees half a report and an interrupted run leaves the old file intact.

import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { MemreplayError } from '../errors.js';
import { ensureParentDirectory } from './output-directory.js';

export interface WriteOptions {
  /** Replace an existing file. */
  force?: boolean;
}

export function writeReportFile(path: string, content: string | Uint8Array, options: WriteOptions = {}): void {
  if (existsSync(path)) {
    // --force replaces a file, never a directory: say so rather than suggest it.
    if (statSync(path).isDirectory()) throw new MemreplayError(`${path} is a directory; give a file name to write the report to`);
    if (!options.force) throw new MemreplayError(`${path} exists; pass --force to overwrite it`);
  }
  const dir = dirname(path);
  ensureParentDirectory(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new MemreplayError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
