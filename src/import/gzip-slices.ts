// Gunzip in fixed slices of compressed input, whatever the sizes of the reads
// that brought the bytes. On damaged data, what a reader sees before the
// error - and the error itself - then depend on the bytes alone: the same
// whole in memory, from a file in 1 MiB reads, or from a pipe in pieces of
// any size. Each slice hands out all of its output or, when zlib fails on
// it, none (zlib drops the output of a failing call), and the error names
// the offset of the failing slice's end.
//
// Streams decode with a zlib stream, one slice in flight; a buffer held
// whole is decoded in one call and, only when that fails, cut into the same
// slices to find the first that fails (prefixes decoded with Z_SYNC_FLUSH,
// which zlib documents for reading truncated data).

import { constants, createGunzip, gunzipSync, type Gunzip, type ZlibOptions } from 'node:zlib';
import { MemreplayError, TraceFormatError } from '../errors.js';

/** Compressed bytes handed to zlib at a time. */
export const GZIP_SLICE_BYTES = 64 * 1024;

/**
 * A Transform calls back a write only while its readable side is below the
 * high-water mark; a slice's output is read once the slice is called back,
 * so the mark must never be reached (zlib passes the option to Transform).
 */
const NO_BACKPRESSURE = { readableHighWaterMark: Number.MAX_SAFE_INTEGER } as ZlibOptions;

/** zlib's output buffer: at the default 16 KiB a slice costs dozens of round trips to the thread pool (13x slower). */
const OUTPUT_BUFFER_BYTES = 1 << 20;

/** The decoded chunks of a gzip byte stream, slice by slice (at most 1 MiB a chunk); throws the failing slice's TraceFormatError. */
export async function* gunzipSlices(name: string, raw: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const zlib = createGunzip({ ...NO_BACKPRESSURE, chunkSize: OUTPUT_BUFFER_BYTES });
  // Each slice listens for its own error; this keeps one after the last from being unhandled.
  zlib.on('error', () => undefined);
  const slice = Buffer.allocUnsafe(GZIP_SLICE_BYTES);
  let filled = 0;
  let offset = 0;
  try {
    for await (const chunk of raw) {
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(chunk.length - at, GZIP_SLICE_BYTES - filled);
        slice.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled < GZIP_SLICE_BYTES) continue;
        offset += filled;
        // A copy: nothing zlib may keep refers to the buffer refilled next.
        const out = await decodeSlice(zlib, Buffer.from(slice), false, name, offset);
        filled = 0;
        if (out !== null) yield* pieces(out);
      }
    }
    offset += filled;
    // The last slice (maybe empty) also ends the stream: a cut one fails here.
    const out = await decodeSlice(zlib, filled === 0 ? null : Buffer.from(slice.subarray(0, filled)), true, name, offset);
    if (out !== null) yield* pieces(out);
  } finally {
    zlib.destroy();
  }
}

/** Output handed on at most this much at a time (a 64 KiB slice of a run of one byte decodes to 64 MiB). */
const OUTPUT_PIECE_BYTES = 1 << 20;

function* pieces(out: Buffer): Generator<Uint8Array, void, undefined> {
  for (let at = 0; at < out.length; at += OUTPUT_PIECE_BYTES) yield out.subarray(at, at + OUTPUT_PIECE_BYTES);
}

/**
 * Write one slice (null: none) and, when `last`, finish the stream (which
 * checks the trailer); wait until zlib has decoded it all. Its output, or
 * null when there is none.
 */
function decodeSlice(zlib: Gunzip, slice: Buffer | null, last: boolean, name: string, end: number): Promise<Buffer | null> {
  return new Promise((done, fail) => {
    const onError = (e: unknown): void => fail(gzipError(name, e, end));
    zlib.once('error', onError);
    const drained = (): void => {
      zlib.off('error', onError);
      done(zlib.read() as Buffer | null);
    };
    // 'finish' would come before zlib has checked the end: flush(Z_FINISH) calls back after.
    if (slice !== null) zlib.write(slice, last ? undefined : (e) => (e ? onError(e) : drained()));
    if (last) zlib.flush(constants.Z_FINISH, drained);
  });
}

/** What a gzip buffer decodes to, read slice by slice: the output of every slice before the first that fails, and that failure. */
export interface GunzipOutcome {
  readonly decoded: Uint8Array;
  /** Null when the whole buffer decoded. */
  readonly failure: Error | null;
}

/** Gunzip a buffer held whole, as gunzipSlices would stream it. */
export function gunzipWhole(name: string, bytes: Uint8Array): GunzipOutcome {
  try {
    return { decoded: gunzipSync(bytes), failure: null };
  } catch {
    // Damaged: find the first slice that fails (binary search: a prefix that fails fails longer too).
  }
  // Slices 0..last-1 are full; slice `last` is the rest (maybe empty) and the end of the stream.
  const last = Math.floor(bytes.length / GZIP_SLICE_BYTES);
  const endOf = (k: number): number => Math.min((k + 1) * GZIP_SLICE_BYTES, bytes.length);
  const upTo = (k: number): Buffer | Error => {
    try {
      return k === last ? gunzipSync(bytes) : gunzipSync(bytes.subarray(0, endOf(k)), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  };
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (upTo(mid) instanceof Error) hi = mid;
    else lo = mid + 1;
  }
  const decoded = lo === 0 ? Buffer.alloc(0) : (upTo(lo - 1) as Buffer);
  return { decoded, failure: gzipError(name, upTo(lo), endOf(lo)) };
}

/** Damaged gzip data as a one-line input error; `end`: the compressed offset where the failing slice ends. Other errors pass. */
export function gzipError(name: string, e: unknown, end: number): Error {
  if (e instanceof MemreplayError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'Z_BUF_ERROR') {
    return new TraceFormatError(
      name,
      0,
      `truncated gzip stream: the compressed data ends early, after ${end} bytes (was the file cut off, or still being written?)`,
    );
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new TraceFormatError(name, 0, `corrupt gzip data: ${(e as Error).message} (in the compressed bytes up to offset ${end})`);
  }
  return e instanceof Error ? e : new Error(String(e));
}
