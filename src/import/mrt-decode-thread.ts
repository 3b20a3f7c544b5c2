// Decoding a binary trace's events chunks on a worker thread
// (mrt-decode-worker.ts) while this thread replays: the reader posts each
// events chunk as it is cut (checked, still compressed) and takes the
// decoded columns back in file order. A chunk is self-contained (its delta
// state starts from zero), so the worker needs no state of the file.

import { Worker } from 'node:worker_threads';
import { compiledModuleUrl } from '../module-location.js';
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

  constructor() {
    this.worker = new Worker(compiledModuleUrl(WORKER_URL));
    this.worker.on('message', (reply: DecodeReply) => {
      this.results.set(
        reply.id,
        reply.failure === null ? { failure: null, events: received(reply) } : { failure: reply.failure, at: reply.at, message: reply.message },
      );
      this.poke();
    });
    this.worker.on('error', (e: Error) => {
      this.crash = e;
      this.poke();
    });
  }

  /** Post a chunk's stored bytes (copied: the caller's bytes are reused); returns its id. */
  post(offset: number, codec: number, decodedLength: number, stored: Uint8Array, major: number): number {
    const id = this.nextId++;
    // (A copy alone in its buffer: Buffer.slice would share the reader's.)
    const body = new Uint8Array(stored);
    const request: DecodeRequest = { id, offset, codec, decodedLength, major, body };
    this.worker.postMessage(request, [body.buffer]);
    return id;
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
