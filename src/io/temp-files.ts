// The temporary files of atomic writes (write beside the target, then
// rename). A writer killed between the two (SIGKILL, a power cut) leaves its
// temporary file behind, hidden by its leading dot, for ever; so the next
// write to that directory removes the ones whose writer is surely gone.
//
// Only memreplay's own files are touched, recognised by their name
// (`.NAME~memreplay-PID-WRITER-RANDOM.tmp`, WRITER naming the host and, on
// Linux, the process-id namespace, so that a pid is only ever asked about
// where it means something), and only when their writer cannot still be
// running: one of ours whose process is not alive, or one of another host
// (a shared directory) older than any write. A live writer's file is never
// removed under it, however long it runs; one whose pid was reused waits
// until that process has ended.

import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** Older than this, another host's temporary file is left over: no write (nor recording) of ours takes a day. */
export const STALE_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

/** Long target names are cut in the temporary name (in bytes, by whole characters), which must stay within the file system's 255 bytes. */
const MAX_NAME_BYTES_IN_TEMP = 100;

const TEMP_NAME = /^\..*~memreplay-(\d+)-([A-Za-z0-9-]*)-[0-9a-f]{8}\.tmp$/;

/** Where this process's pid means something: the host and, on Linux, the pid namespace (containers sharing a directory). */
export const thisWriter = writerTag(hostname(), pidNamespace());

/** As it appears in temporary names: letters, digits and dashes only. */
export function writerTag(host: string, namespace = ''): string {
  return [host.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40), namespace].filter((p) => p !== '').join('-');
}

function pidNamespace(): string {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '';
  } catch {
    return ''; // not Linux
  }
}

/** A fresh temporary path beside `path`, naming this process and where it runs. */
export function tempPathFor(path: string, pid: number = process.pid, writer: string = thisWriter): string {
  const name = cutToBytes(basename(path), MAX_NAME_BYTES_IN_TEMP);
  return join(dirname(path), `.${name}~memreplay-${pid}-${writer}-${randomBytes(4).toString('hex')}.tmp`);
}

function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

export interface SweepOptions {
  /** Now, in ms since the epoch (tests). */
  now?: number;
  /** Whether a process of this host and namespace is alive (tests). */
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
      const gone = m[2] === thisWriter ? !isAlive(Number(m[1])) : now - stat.mtimeMs > STALE_TEMP_AGE_MS;
      if (!gone) continue;
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
