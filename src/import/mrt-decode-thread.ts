// Decoding a binary trace's events chunks on a worker thread
// (mrt-decode-worker.ts) while this thread replays: the reader posts each
// events chunk as it is cut (checked, still compressed) and takes the
// decoded columns back in file order. A chunk is self-contained (its delta
// state starts from zero), so the worker needs no state of the file.
//
// A worker takes a while to start (its isolate and modules: 0.1 to 0.3 s
// measured on a loaded 2-core machine), and the reader would only wait for
// it: until the worker says it is listening, chunks are decoded here, as they
// are cut, by the same ChunkDecoder, and only then do they go to the worker.
// It says so in shared memory, not in a message: this thread cuts and reads
// chunks for as long as a read of the file lasts (hundreds of milliseconds)
// without returning to its event loop, where a message would wait unread.

import { Worker } from 'node:worker_threads';
import { compiledModuleUrl } from '../module-location.js';
import { ChunkDecoder } from './mrt-chunk-decoder.js';
import { DecodedEvents } from './mrt-events.js';

const WORKER_URL = new URL('./mrt-decode-worker.js', import.meta.url);

/** What comes with a decoded chunk's columns (DecodedEvents' fields of the same names). */
type DecodedSummary = Pick<DecodedEvents, 'count' | 'flagsAt' | 'high' | 'maxStack' | 'maxThread' | 'badRecords' | 'marks'>;

export interface DecodeRequest {
  readonly id: number;
  /** File offset of the chunk's header, for its messages. */
  readonly offset: number;
  readonly codec: number;
  readonly decodedLength: number;
  /** The file's major version (how its events are coded). */
  readonly major: number;
  /** The chunk's stored bytes, alone in their buffer (transferred). */
  readonly body: Uint8Array;
  /** Events of the chunks before it decoded on the reader's thread since the last request (their records come first). */
  readonly before: number;
}

export type DecodeReply =
  | ({ readonly id: number; readonly failure: null; readonly buffer: ArrayBuffer } & DecodedSummary)
  /** `chunk`: the payload does not inflate (at: a file offset); `payload`: a decoding error at payload byte `at`. */
  | { readonly id: number; readonly failure: 'chunk' | 'payload'; readonly at: number; readonly message: string };

/** What became of one posted chunk: its columns, or the error to report when its turn comes. */
export type DecodeResult =
  | { readonly failure: null; readonly events: DecodedEvents }
  | { readonly failure: 'chunk' | 'payload'; readonly at: number; readonly message: string };

export class MrtDecodeThread {
  private readonly worker: Worker;
  private readonly results = new Map<number, DecodeResult>();
  private nextId = 0;
  /** A crash of the worker itself (a bug, or out of memory): rethrown to the reader. */
  private crash: Error | null = null;
  private wake: (() => void) | null = null;
  /** Word 0 becomes 1 when the worker is listening (or from the start, when it takes every chunk); until then chunks are decoded by `local`. */
  private readonly ready = new Int32Array(new SharedArrayBuffer(4));
  /** The decoder of the chunks posted before the worker was ready. */
  private readonly local = new ChunkDecoder();
  /** Events `local` decoded that the worker has not been told of (its next request's `before`). */
  private localEvents = 0;

  /** `decodeUntilReady` false: every chunk goes to the worker, which takes them once it is up. */
  constructor(decodeUntilReady = true) {
    if (!decodeUntilReady) this.ready[0] = 1;
    this.worker = new Worker(compiledModuleUrl(WORKER_URL), { workerData: this.ready });
    this.worker.on('message', (reply: DecodeReply) => {
      this.results.set(reply.id, resultOf(reply));
      this.poke();
    });
    this.worker.on('error', (e: Error) => {
      this.crash = e;
      this.poke();
    });
  }

  /**
   * Post a chunk's stored bytes (copied: the caller's bytes are reused), or
   * decode them here at once while the worker is not listening yet; returns
   * its id. Once the worker is ready every later chunk goes to it, so the
   * results stay in file order either way.
   */
  post(offset: number, codec: number, decodedLength: number, stored: Uint8Array, major: number): number {
    const id = this.nextId++;
    if (!this.posting) {
      const request: DecodeRequest = { id, offset, codec, decodedLength, major, body: stored, before: 0 };
      const { reply } = this.local.decode(request);
      if (reply.failure === null) this.localEvents += reply.count;
      this.results.set(id, resultOf(reply));
      return id;
    }
    // (A copy alone in its buffer: Buffer.slice would share the reader's.)
    const body = new Uint8Array(stored);
    const request: DecodeRequest = { id, offset, codec, decodedLength, major, body, before: this.localEvents };
    this.localEvents = 0;
    this.worker.postMessage(request, [body.buffer]);
    return id;
  }

  /** Whether chunks go to the worker now (it is listening, or was to be used from the start). */
  get posting(): boolean {
    return Atomics.load(this.ready, 0) === 1;
  }

  /** The result of chunk `id` once it is back, else undefined; taken once. */
  take(id: number): DecodeResult | undefined {
    if (this.crash !== null) throw this.crash;
    const r = this.results.get(id);
    if (r !== undefined) this.results.delete(id);
    return r;
  }

  /** Resolves when the next reply (or a crash) arrives. */
  next(): Promise<void> {
    if (this.crash !== null) return Promise.reject(this.crash);
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** The columns of a result handed on: back to the worker, to decode a later chunk into. */
  recycle(events: DecodedEvents): void {
    this.worker.postMessage({ recycle: events.buffer }, [events.buffer]);
  }

  close(): void {
    void this.worker.terminate();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function resultOf(reply: DecodeReply): DecodeResult {
  return reply.failure === null ? { failure: null, events: received(reply) } : { failure: reply.failure, at: reply.at, message: reply.message };
}

function received(reply: { buffer: ArrayBuffer } & DecodedSummary): DecodedEvents {
  const d = new DecodedEvents(DecodedEvents.capacityOf(reply.buffer), reply.buffer);
  d.count = reply.count;
  d.flagsAt = reply.flagsAt;
  d.high = reply.high;
  d.maxStack = reply.maxStack;
  d.maxThread = reply.maxThread;
  d.badRecords = reply.badRecords;
  d.marks = reply.marks;
  return d;
}
