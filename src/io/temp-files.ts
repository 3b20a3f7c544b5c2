// The temporary files of atomic writes (write beside the target, then
// rename). A writer killed between the two (SIGKILL, a power cut) leaves its
// temporary file behind, hidden by its leading dot, for ever; so the next
// write to that directory removes the ones whose writer is surely gone.
//
// Only memreplay's own files are touched, recognised by their name
// (`.NAME~memreplay-PID-HOST-RANDOM.tmp`), and only when their writer cannot
// still be running: its process is not alive on this host, or the file is
// older than any write takes (a process id can be reused; a writer on another
// host sharing the directory cannot be asked). A concurrent writer's file is
// never removed under it.

import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** Older than this, a temporary file is left over whoever wrote it: a write takes seconds. */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

/** Long target names are cut in the temporary name, which must stay within the file system's 255 bytes. */
const MAX_NAME_IN_TEMP = 100;

const TEMP_NAME = /^\..*~memreplay-(\d+)-([A-Za-z0-9-]*)-[0-9a-f]{8}\.tmp$/;

const thisHost = hostTag(hostname());

/** The host as it appears in temporary names: letters, digits and dashes only. */
export function hostTag(host: string): string {
  return host.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40);
}

/** A fresh temporary path beside `path`, naming this process and host. */
export function tempPathFor(path: string, pid: number = process.pid, host: string = thisHost): string {
  const name = basename(path).slice(0, MAX_NAME_IN_TEMP);
  return join(dirname(path), `.${name}~memreplay-${pid}-${host}-${randomBytes(4).toString('hex')}.tmp`);
}

export interface SweepOptions {
  /** Now, in ms since the epoch (tests). */
  now?: number;
  /** Whether a process of this host is alive (tests). */
  isAlive?: (pid: number) => boolean;
}

/** Directories already swept by this process: one look per directory is enough. */
const swept = new Set<string>();

/** Sweep `dir` unless this process did already. */
export function sweepStaleTempsOnce(dir: string): void {
  const key = resolve(dir);
  if (swept.has(key)) return;
  swept.add(key);
  sweepStaleTemps(dir);
}

/**
 * Remove memreplay's temporary files in `dir` whose writer is gone; returns
 * the names removed. Best effort: what cannot be read or removed is left.
 */
export function sweepStaleTemps(dir: string, options: SweepOptions = {}): string[] {
  const now = options.now ?? Date.now();
  const isAlive = options.isAlive ?? processIsAlive;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (m === null) continue;
    const path = join(dir, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isFile()) continue;
      const old = now - stat.mtimeMs > STALE_TEMP_AGE_MS;
      const writerGone = m[2] === thisHost && !isAlive(Number(m[1]));
      if (!old && !writerGone) continue;
      rmSync(path, { force: true });
      removed.push(name);
    } catch {
      // gone already (another writer swept it) or not ours to remove
    }
  }
  return removed;
}

function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, owned by another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
