// Where a trace writer's bytes go. A file is written atomically (a
// temporary file beside the target, renamed over it at the end, removed on
// failure), never over an existing file without `force` nor over an input;
// `.gz` output is compressed in independent gzip members of a block each,
// which gunzip and every memreplay reader read as one stream.

import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MemreplayError } from '../errors.js';
import { ensureParentDirectory } from './output-directory.js';
import { refuseInputAsOutput, type Inputs } from './same-file.js';
import { sweepStaleTempsOnce, tempPathFor } from './temp-files.js';

export interface ByteOutput {
  /** Write `bytes` (they may be reused once this returns). */
  write(bytes: Uint8Array): void;
}

/** Bytes gathered before one write to the file (or one gzip member). */
const BLOCK_BYTES = 1 << 20;

export interface AtomicFileOptions {
  force?: boolean;
  inputs: Inputs;
  /** Compress as gzip (level 6, gzip's default). */
  gzip?: boolean;
}

export class AtomicFileOutput implements ByteOutput {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  private done = false;

  constructor(
    readonly path: string,
    private readonly options: AtomicFileOptions,
  ) {
    refuseInputAsOutput(path, options.inputs);
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) throw new MemreplayError(`${path} is a directory; give a file name to write to`);
      if (!options.force) throw new MemreplayError(`${path} exists; pass --force to overwrite it`);
    }
    ensureParentDirectory(path);
    sweepStaleTempsOnce(dirname(path));
    this.tmp = tempPathFor(path);
    try {
      this.fd = openSync(this.tmp, 'wx');
    } catch (e) {
      throw new MemreplayError(`cannot write ${path}: ${(e as Error).message}`);
    }
  }

  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > BLOCK_BYTES) this.flush();
    if (bytes.length >= BLOCK_BYTES) {
      this.writeBlock(bytes);
      return;
    }
    this.block.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Everything is written: the file takes the target's name. */
  commit(): void {
    this.flush();
    this.done = true;
    try {
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
    } catch (e) {
      rmSync(this.tmp, { force: true });
      throw new MemreplayError(`cannot write ${this.path}: ${(e as Error).message}`);
    }
  }

  /** The write failed: the temporary file goes, the target is untouched. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeBlock(this.block.subarray(0, this.used));
    this.used = 0;
  }

  private writeBlock(bytes: Uint8Array): void {
    const data = this.options.gzip ? gzipSync(bytes) : bytes;
    try {
      for (let at = 0; at < data.length; ) at += writeSync(this.fd, data, at, data.length - at);
    } catch (e) {
      this.abort();
      throw new MemreplayError(`cannot write ${this.path}: ${(e as Error).message}`);
    }
  }
}
