// Every reader of untrusted bytes, run in-process the two ways a user feeds
// it: the whole file at once, and a stream (stdin) cut into chunks of random
// sizes. An outcome is either a digest of everything the reader produced
// (events, metadata, stacks, threads, skipped records; or the snapshot's
// tracebacks) or the message of a typed input error. Anything else thrown
// is an internal error: the thing the fuzzer exists to find.

import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MemreplayError } from '../src/errors.js';
import type { EventBatch } from '../src/events/event-batch.js';
import { OP_MARK } from '../src/events/ops.js';
import type { ImportContext } from '../src/import/import-context.js';
import { importTrace, parseTraceBytes, type ImportSummary } from '../src/import/index.js';
import { parseDiffInputBytes, readDiffInput } from '../src/import/snapshot-source.js';
import type { Snapshot } from '../src/events/snapshot.js';
import { STDIN_NAME } from '../src/import/source.js';
import type { TraceFormatName, TraceMeta, TraceSink } from '../src/import/types.js';
import type { Rng } from './rng.js';

export type Outcome =
  | { readonly kind: 'ok'; readonly digest: string; readonly events: number }
  | { readonly kind: 'input-error'; readonly message: string }
  | { readonly kind: 'internal-error'; readonly message: string; readonly stack: string };

export interface ReadOptions {
  readonly lenient: boolean;
  /** Events per batch: small ones put batch boundaries everywhere. */
  readonly batchCapacity?: number;
  /** A format forced as `--trace-format` would (event traces only). */
  readonly format?: TraceFormatName;
  /** Decode a binary trace on a worker thread (importTrace's option). */
  readonly decodeThread?: boolean;
}

/** The outcome of a read that threw; a file's path in the message reads `<stdin>`, to compare with a stream's. */
export function classify(e: unknown, path = '-'): Outcome {
  if (e instanceof MemreplayError) return { kind: 'input-error', message: path === '-' ? e.message : e.message.split(path).join(STDIN_NAME) };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'internal-error', message: `${err.name}: ${err.message}`, stack: err.stack ?? '' };
}

/** Hashes what an event importer hands its sink, batch by batch (batches are reused, so hashing is the only way to keep them). */
class DigestSink implements TraceSink {
  readonly hash: Hash = createHash('sha1');
  /** One hash a column, so that where the batches were cut does not change the digest. */
  private readonly columns: Hash[] = Array.from({ length: 9 }, () => createHash('sha1'));
  events = 0;

  meta(meta: TraceMeta): void {
    this.hash.update(`meta ${JSON.stringify(meta)}\n`);
  }

  batch(b: EventBatch): void {
    const n = b.length;
    const columns = [b.op, b.domain, b.addr, b.oldAddr, b.size, b.ts, b.thread, b.stack, b.line];
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c]!;
      this.columns[c]!.update(new Uint8Array(column.buffer, column.byteOffset, n * column.BYTES_PER_ELEMENT));
    }
    // Labels of other events are stale: only a mark's is its own.
    for (let i = 0; i < n; i++) if (b.op[i] === OP_MARK) this.hash.update(`label ${this.events + i} ${b.label[i]}\n`);
    this.events += n;
  }

  finish(summary: ImportSummary): Outcome {
    const ctx: ImportContext = summary.ctx;
    for (const column of this.columns) this.hash.update(column.digest());
    this.hash.update(`format ${summary.format} gzip ${summary.gzip} decoded ${summary.bytesDecoded}\n`);
    for (let id = 0; id < ctx.stacks.stackCount; id++) this.hash.update(`stack ${ctx.stacks.frames(id).join('\0')}\n`);
    for (let id = 0; id < ctx.threads.count; id++) this.hash.update(`thread ${ctx.threads.name(id)}\n`);
    this.hash.update(`skipped ${ctx.skippedRecords} ${JSON.stringify(ctx.skippedExamples)}\n`);
    return { kind: 'ok', digest: this.hash.digest('hex'), events: this.events };
  }
}

/** An event trace (CSV or JSONL, gzip or not) held whole in memory. */
export function readTraceWhole(bytes: Uint8Array, options: ReadOptions): Outcome {
  const sink = new DigestSink();
  try {
    return sink.finish(parseTraceBytes(bytes, { fileName: STDIN_NAME, ...options }, sink));
  } catch (e) {
    return classify(e);
  }
}

/** The same bytes as stdin, in chunks of random sizes (rng null: one chunk). */
export async function readTraceStream(bytes: Uint8Array, options: ReadOptions, rng: Rng | null): Promise<Outcome> {
  const sink = new DigestSink();
  try {
    const stdin = chunked(bytes, rng);
    return sink.finish(await importTrace('-', { stdin, ...options }, sink));
  } catch (e) {
    return classify(e);
  }
}

/** A trace file on disk, read as `memreplay stats FILE` reads it; messages name `<stdin>` for comparison. */
export async function readTraceFile(path: string, options: ReadOptions): Promise<Outcome> {
  const sink = new DigestSink();
  try {
    return sink.finish(await importTrace(path, options, sink));
  } catch (e) {
    return classify(e, path);
  }
}

function snapshotDigest(s: Snapshot): Outcome {
  const hash = createHash('sha1');
  hash.update(JSON.stringify([s.format, s.label, s.tracebackLimit, s.traceCount, s.totalSize]));
  for (const t of s.tracebacks) hash.update(`${t.key}\0${t.size}\0${t.count}\n`);
  return { kind: 'ok', digest: hash.digest('hex'), events: s.traceCount };
}

/**
 * A snapshot input held whole, read by the library's in-memory entry point
 * for diff inputs (gunzipped in the same slices as a stream); null when the
 * bytes are no snapshot (`diff` then hands them to the event-trace importers).
 */
export function readSnapshotWhole(bytes: Uint8Array): Outcome | null {
  try {
    const read = parseDiffInputBytes(bytes, STDIN_NAME);
    return read === 'trace' ? null : snapshotDigest(read);
  } catch (e) {
    return classify(e);
  }
}

/**
 * `memreplay diff`'s reader of one input (a path, or stdin from `bytes` in
 * random chunks; rng null: one chunk); null when it hands back an event trace.
 */
export async function readSnapshotStream(bytes: Uint8Array, rng: Rng | null, path = '-'): Promise<Outcome | null> {
  try {
    const input = await readDiffInput(path, path === '-' ? { stdin: chunked(bytes, rng) } : {});
    if (input.kind === 'trace') {
      input.stdin?.destroy();
      return null;
    }
    return snapshotDigest(input.snapshot);
  } catch (e) {
    return classify(e, path);
  }
}

/** Pieces a stream is cut into at most: more costs the stream machinery, not the reader. */
const MAX_PIECES = 1000;

/** A stream of `bytes` cut at random places: 1 byte, a few, or large pieces; or whole (one chunk). */
export function chunked(bytes: Uint8Array, rng: Rng | null): Readable {
  if (rng === null) return Readable.from([Buffer.from(bytes)], { objectMode: false });
  const pieces: Buffer[] = [];
  const maxPiece = Math.max(rng.pick([1, 7, 64, 4096, 65536]), Math.ceil((2 * bytes.length) / MAX_PIECES));
  for (let at = 0; at < bytes.length; ) {
    const n = Math.min(bytes.length - at, 1 + rng.int(maxPiece));
    // A copy: a reader must not depend on a chunk outliving the next read.
    pieces.push(Buffer.from(bytes.subarray(at, at + n)));
    at += n;
  }
  return Readable.from(pieces, { objectMode: false });
}
