// Writing reports: never over an input of the run (not even with --force:
// same-file.ts), never over an existing file unless asked (--force), and
// atomically (a temporary file beside the target, then rename), so a reader
// never sees half a report and an interrupted run leaves the old file intact.
// Temporary files left by writers that were killed are removed on the next
// write to their directory (temp-files.ts).

import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MemreplayError, UsageError } from '../errors.js';
import { ensureParentDirectory } from './output-directory.js';
import { refuseInputAsOutput, type Inputs } from './same-file.js';
import { sweepStaleTempsOnce, tempPathFor } from './temp-files.js';

export interface WriteOptions {
  /** Replace an existing file (never an input). */
  force?: boolean;
  /**
   * Every file the run reads (traces, snapshots, suppression files, config,
   * baseline; `-` for stdin is skipped): the output may be none of them.
   * Required, so that no writer can forget them.
   */
  inputs: Inputs;
  /**
   * `-` names standard output, written there when the command prints nothing
   * else on it (true); else `-` is refused in one line. The option's name
   * (`--junit`) is for that line.
   */
  stdout?: { free: boolean; option: string };
}

export function writeReportFile(path: string, content: string | Uint8Array, options: WriteOptions): void {
  if (path === '-') {
    if (options.stdout?.free !== true) {
      const option = options.stdout?.option ?? 'the output';
      throw new UsageError(`${option} -: standard output is not free for it here (the command prints its own output there, or another output goes there); name a file`);
    }
    // A reader that went away is the cli's to ignore (run-command.ts), as for any output.
    process.stdout.write(content);
    return;
  }
  refuseInputAsOutput(path, options.inputs);
  if (existsSync(path)) {
    // --force replaces a file, never a directory: say so rather than suggest it.
    if (statSync(path).isDirectory()) throw new MemreplayError(`${path} is a directory; give a file name to write the report to`);
    if (!options.force) throw new MemreplayError(`${path} exists; pass --force to overwrite it`);
  }
  ensureParentDirectory(path);
  sweepStaleTempsOnce(dirname(path));
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new MemreplayError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

