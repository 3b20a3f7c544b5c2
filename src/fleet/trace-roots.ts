// Which traces a worker may read: an http(s) URL (the one the job names; the
// reader follows no redirect), or a file under one of its --trace-root
// directories once every link in the path is resolved, so neither `..` nor a
// symbolic link can lead a job out of them.

import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { MemreplayError } from '../errors.js';
import { isTraceUrl } from '../import/trace-url.js';
import { FinalJobError } from './job-data.js';

/** The worker hands its real trace roots to its job processes through the environment (a JSON array). */
export const TRACE_ROOTS_ENV = 'MEMREPLAY_FLEET_TRACE_ROOTS';

/** The roots as the worker was given them, each resolved to its real path; a missing root is a usage error. */
export function realTraceRoots(roots: readonly string[], cwd: string = process.cwd()): string[] {
  return roots.map((root) => {
    try {
      return realpathSync(resolve(cwd, root));
    } catch (e) {
      throw new MemreplayError(`--trace-root ${root}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
    }
  });
}

/**
 * Check that the job's trace may be read: a URL, or a path (relative to the
 * submitter's `cwd`) whose real path is under a root. A path that does not
 * exist passes here and fails when read, as "cannot read trace": only a path
 * that exists can lead somewhere.
 */
export function refuseOutsideRoots(trace: string, cwd: string, roots: readonly string[]): void {
  if (isTraceUrl(trace)) return;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trace)) throw new FinalJobError(`refused job: ${trace.split(':')[0]} URLs are not read, only http and https`);
  const full = resolve(cwd, trace);
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    real = full;
  }
  const inside = roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
  if (!inside) throw new FinalJobError(`refused job: ${trace} is outside this worker's trace roots`);
}
