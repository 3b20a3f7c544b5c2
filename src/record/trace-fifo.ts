// The pipe a --native launcher writes its trace into, as a named pipe (FIFO)
// rather than a child's stdio pipe: its reading end is a plain file
// descriptor, read into one buffer used again (native-trace.ts), where a
// stdio pipe gives a new Buffer for each read. The name is removed as soon
// as both ends are open.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemreplayError } from '../errors.js';

export interface TraceFifo {
  /** The reading end, this process's. */
  reader: FileHandle;
  /** The writing end, for the launcher (close it here once it is started). */
  writerFd: number;
}

export async function openTraceFifo(): Promise<TraceFifo> {
  const dir = mkdtempSync(join(tmpdir(), 'memreplay-native-'));
  try {
    const path = join(dir, 'trace');
    const made = spawnSync('mkfifo', ['-m', '600', path], { encoding: 'utf8' });
    if (made.status !== 0) throw new MemreplayError(`record --native: cannot make a pipe for the trace with mkfifo: ${made.error?.message ?? made.stderr.trim()}`);
    // Opening one end waits for the other: the reader's open runs on the
    // thread pool while this thread opens the writing end.
    const reading = open(path, 'r');
    const writerFd = openSync(path, 'w');
    return { reader: await reading, writerFd };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
