// Writing reports: never over an existing file unless asked (--force), and
// atomically (a temporary file beside the target, then rename), so a reader
// never sees half a report and an interrupted run leaves the old file intact.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { MemreplayError } from '../errors.js';

export interface WriteOptions {
  /** Replace an existing file. */
  force?: boolean;
}

export function writeReportFile(path: string, content: string | Uint8Array, options: WriteOptions = {}): void {
  if (!options.force && existsSync(path)) {
    throw new MemreplayError(`${path} exists; pass --force to overwrite it`);
  }
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new MemreplayError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
