// Opening a trace: a file, an http(s):// URL (trace-url.ts), or `-` for stdin, as an async stream of byte
// chunks. Compression is detected from the first two bytes (gzip magic
// 1f 8b), never from the file name: traces get renamed and piped. Everything
// streams with backpressure (1 MiB reads, one ahead), so no trace is ever held
// whole.
//
// Failures are typed for cli/: a file that cannot be opened or read is a
// MemreplayError ("cannot read trace FILE: no such file"); damaged gzip data
// is a TraceFormatError naming the file. Both print as one line, no stack.
// Any Readable can stand in for stdin (`options.stdin`), which is how tests
// and embedders feed data without a file.

import { statSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { MemreplayError } from '../errors.js';
import { gunzipSlices, gunzipWhole } from './gzip-slices.js';
import { fetchTraceBody, isTraceUrl, urlDisplayName } from './trace-url.js';

export const READ_CHUNK_BYTES = 1 << 20;
export const STDIN_NAME = '<stdin>';

export interface TraceSource {
  /** The file as the user gave it, or `<stdin>`. */
  readonly name: string;
  readonly gzip: boolean;
  /** Size of the file on disk, when known (not for stdin): progress total. */
  readonly totalBytes: number | undefined;
  /** Bytes read from the file or stream so far (compressed, when gzip). */
  readonly bytesRead: number;
  /** Bytes handed out by `chunks()` so far (after decompression). */
  readonly bytesDecoded: number;
  /** The decoded bytes; can be iterated once. */
  chunks(): AsyncGenerator<Uint8Array, void, undefined>;
  /**
   * The caller promises to keep nothing of a chunk once it asks for the next
   * one, so reads of a plain file may reuse their buffers from now on (no
   * fresh megabyte to allocate and fault in per read). Chunks already handed
   * out are unaffected. No effect on gzip or stdin.
   */
  recycleChunks(): void;
  /** Stop reading and release the file; safe to call more than once. */
  close(): void;
}

export interface OpenTraceOptions {
  /** Stream read for the path `-` (default process.stdin). */
  stdin?: Readable;
}

/** How a path is shown in messages: `-` is `<stdin>`, a URL without its query (trace-url.ts). */
export function traceDisplayName(path: string): string {
  return path === '-' ? STDIN_NAME : isTraceUrl(path) ? urlDisplayName(path) : path;
}

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * For readers that need a second pass: throw unless `path` is a regular file
 * (through links). A FIFO (`<(zcat t.gz)`, `mkfifo`), socket or device is
 * read once and then gone, and opening a FIFO nobody writes to waits for
 * ever; `stat` answers without opening. A path that cannot be stat'ed is
 * left to the open that follows, whose error says why.
 */
export function requireRegularFile(path: string, why: string): void {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  if (stat.isFile() || stat.isDirectory()) return;
  const kind = stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isSocket() ? 'a socket' : 'a device';
  throw new MemreplayError(`${path} is ${kind}, not a regular file: ${why}; give a regular file`);
}

/** Open a trace file, an http(s):// URL or `-` (stdin); resolves once compression is known. */
export async function openTrace(path: string, options: OpenTraceOptions = {}): Promise<TraceSource> {
  if (path === '-') return openTraceStream(STDIN_NAME, options.stdin ?? process.stdin);
  if (isTraceUrl(path)) {
    const { body, totalBytes } = await fetchTraceBody(path);
    return openTraceStream(urlDisplayName(path), body, totalBytes);
  }
  let handle: FileHandle | undefined;
  let size: number;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    throw readError(path, e);
  }
  const source = new StreamSource(path, new FileInput(handle), size);
  await source.peek();
  return source;
}

/** Wrap any byte stream (named `name` in messages) as a trace source. */
export async function openTraceStream(name: string, raw: Readable, totalBytes?: number): Promise<TraceSource> {
  const source = new StreamSource(name, new StreamInput(raw), totalBytes);
  await source.peek();
  return source;
}

/** Where a source's raw (maybe compressed) bytes come from. */
interface RawInput {
  /** The next chunk, or undefined at the end; rejects with the read error. */
  next(): Promise<Uint8Array | undefined>;
  /** See TraceSource.recycleChunks. */
  recycle(): void;
  destroy(): void;
}

class StreamInput implements RawInput {
  private readonly input: AsyncIterator<unknown>;

  constructor(private readonly raw: Readable) {
    this.input = raw[Symbol.asyncIterator]();
  }

  async next(): Promise<Uint8Array | undefined> {
    const step = await this.input.next();
    if (step.done) return undefined;
    return typeof step.value === 'string' ? Buffer.from(step.value) : (step.value as Uint8Array);
  }

  recycle(): void {}

  destroy(): void {
    this.raw.destroy();
  }
}

/**
 * A file read READ_CHUNK_BYTES at a time, one read ahead of the consumer (so
 * the disk or page-cache copy overlaps the parsing). Once recycling, two
 * buffers take turns: the chunk handed out last is read into again only
 * after the consumer asked for the next one.
 */
class FileInput implements RawInput {
  private ahead: Promise<{ buffer: Buffer; bytes: number }> | null = null;
  private handedOut: Buffer | null = null;
  private spare: Buffer | null = null;
  private recycling = false;
  private closed = false;

  constructor(private readonly handle: FileHandle) {}

  async next(): Promise<Uint8Array | undefined> {
    if (this.recycling && this.handedOut !== null) this.spare = this.handedOut;
    this.handedOut = null;
    const { buffer, bytes } = await (this.ahead ?? this.read());
    this.ahead = null;
    if (bytes === 0) return undefined;
    this.handedOut = buffer;
    this.ahead = this.read();
    // A failed read-ahead is reported by the next call; until then it must
    // not count as unhandled.
    this.ahead.catch(() => undefined);
    return buffer.subarray(0, bytes);
  }

  recycle(): void {
    this.recycling = true;
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    const close = (): void => void this.handle.close().catch(() => undefined);
    // Close after a read in flight settles, so it never runs on a closed descriptor.
    if (this.ahead !== null) void this.ahead.then(close, close);
    else close();
  }

  private async read(): Promise<{ buffer: Buffer; bytes: number }> {
    const buffer = this.spare ?? Buffer.allocUnsafeSlow(READ_CHUNK_BYTES);
    this.spare = null;
    if (this.closed) return { buffer, bytes: 0 };
    const { bytesRead } = await this.handle.read(buffer, 0, READ_CHUNK_BYTES, null);
    return { buffer, bytes: bytesRead };
  }
}

/**
 * Gunzip bytes held in memory, failing as the stream path would at the end
 * (readers that parse as they go use gunzipWhole and fail where a stream does).
 */
export function gunzipBytes(name: string, bytes: Uint8Array): Uint8Array {
  const { decoded, failure } = gunzipWhole(name, bytes);
  if (failure !== null) throw failure;
  return decoded;
}

class StreamSource implements TraceSource {
  gzip = false;
  bytesRead = 0;
  bytesDecoded = 0;
  private readonly head: Uint8Array[] = [];
  private ended = false;

  constructor(
    readonly name: string,
    private readonly raw: RawInput,
    readonly totalBytes: number | undefined,
  ) {}

  recycleChunks(): void {
    // zlib may still hold a compressed chunk when the next is read.
    if (!this.gzip) this.raw.recycle();
  }

  /** Read until the first two bytes are known (or the stream ends). */
  async peek(): Promise<void> {
    let have = 0;
    while (have < 2) {
      const chunk = await this.nextRaw();
      if (chunk === undefined) break;
      this.head.push(chunk);
      have += chunk.length;
    }
    const first = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
    this.gzip = isGzip(first);
  }

  async *chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (!this.gzip) {
      for await (const chunk of this.rawChunks()) {
        this.bytesDecoded += chunk.length;
        yield chunk;
      }
      return;
    }
    // Fixed slices (gzip-slices.ts): damaged data fails the same way however the bytes arrive.
    for await (const chunk of gunzipSlices(this.name, this.rawChunks())) {
      this.bytesDecoded += chunk.length;
      yield chunk;
    }
  }

  close(): void {
    this.releaseInput();
  }

  private releaseInput(): void {
    this.ended = true;
    this.raw.destroy();
  }

  private async *rawChunks(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      while (this.head.length > 0) yield this.head.shift()!;
      for (;;) {
        const chunk = await this.nextRaw();
        if (chunk === undefined) return;
        yield chunk;
      }
    } finally {
      this.releaseInput();
    }
  }

  private async nextRaw(): Promise<Uint8Array | undefined> {
    if (this.ended) return undefined;
    let chunk: Uint8Array | undefined;
    try {
      chunk = await this.raw.next();
    } catch (e) {
      this.releaseInput();
      throw readError(this.name, e);
    }
    if (chunk === undefined) {
      this.ended = true;
      return undefined;
    }
    this.bytesRead += chunk.length;
    return chunk;
  }
}

function readError(name: string, e: unknown): MemreplayError {
  if (e instanceof MemreplayError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOTDIR'
            ? 'no such file (a parent in the path is not a directory)'
            : e instanceof Error
              ? e.message
              : String(e);
  return new MemreplayError(`cannot read trace ${name}: ${why}`, { cause: e });
}

/** The first chunks of a stream, at least `limit` bytes of them unless it ends first. */
export interface StreamHead {
  readonly chunks: Uint8Array[];
  /** The chunks joined (no copy when there is one). */
  readonly bytes: Uint8Array;
  /** True when the stream ended within the head. */
  readonly atEnd: boolean;
}

/** Read chunks until `limit` bytes are in hand (for sniffing the content); `onChunk` runs after each. */
export async function readHead(
  chunks: AsyncIterator<Uint8Array>,
  limit: number,
  onChunk?: () => void,
): Promise<StreamHead> {
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let atEnd = false;
  while (headBytes < limit) {
    const step = await chunks.next();
    if (step.done) {
      atEnd = true;
      break;
    }
    head.push(step.value);
    headBytes += step.value.length;
    onChunk?.();
  }
  return { chunks: head, bytes: head.length === 1 ? head[0]! : Buffer.concat(head), atEnd };
}
