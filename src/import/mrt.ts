// Importer of the binary trace format (docs/trace-format-binary.md): the
// same EventBatch stream as csv.ts and jsonl.ts, from chunks. The meta
// chunk comes first; table chunks define frames, stacks, threads and mark
// labels (interned into the import context as they come); events chunks
// are decoded with their delta state reset at each chunk; the end chunk
// counts the events, so a file cut at a chunk boundary is found too.
//
// Every failure names its byte: the file offset of a chunk, or of a field
// inside a decoded payload as "chunk at byte C, payload byte P". A record
// number stands in for the line of a text trace.

import { AddressSpaceError, LOW_SPAN } from '../events/address-space.js';
import { EventBatch, type EventColumns } from '../events/event-batch.js';
import { NO_ID, OP_MARK, OP_MMAP, OP_MREMAP, OP_NAMES, isMappingOp } from '../events/ops.js';
import { FrameLineError, MAX_DISTINCT_FRAMES, MAX_DISTINCT_STACKS, MAX_STACK_TABLE_BYTES, StackLimitError } from '../events/stack-table.js';
import { MAX_THREAD_NAME_CHARS, MAX_THREADS } from '../events/thread-table.js';
import type { ImportContext } from './import-context.js';
import { ChunkError, ChunkReader, chunkKindName, type MrtChunk } from './mrt-chunks.js';
import { MrtCursor, PayloadError } from './mrt-cursor.js';
import { MrtDecodeThread, type DecodeResult } from './mrt-decode-thread.js';
import { decodeEvents, NEEDS_SIZE, type DecodedEvents } from './mrt-events.js';
import {
  CHUNK_END,
  CHUNK_EVENTS,
  CHUNK_META,
  CHUNK_TABLE,
  ENTRY_FRAME,
  ENTRY_LABEL,
  ENTRY_LABELS_RESET,
  ENTRY_STACK,
  ENTRY_THREAD_NAME,
  ENTRY_THREAD_NUMBER,
  isOptionalChunkKind,
} from './mrt-format.js';
import { MAX_LABEL_CHARS, MAX_META_CHARS, nativeRangeProblem } from './record-fields.js';
import type { ParserOptions, PushParser, TraceMeta, TraceSink } from './types.js';

/** Most thread entries a file may define: past MAX_THREADS they share one id, but each still costs a slot here. */
const MAX_THREAD_ENTRIES = 16 * MAX_THREADS;
/** Most label entries, and their characters in all, between two resets of the table (a writer resets it past 65,536 or 16 Mi characters, at a chunk's end, and a chunk holds at most 1 MiB of table and events). */
const MAX_LABEL_ENTRIES = 1_000_000;
const MAX_LABEL_TABLE_CHARS = 64 << 20;
/** Bytes a frame's text may take in the file (UTF-8, up to 4 a character); the stack table cuts it to MAX_FRAME_CHARS. */
const MAX_FRAME_TEXT_BYTES = 64 * 1024;
const MAX_TEXT_BYTES = 4 * MAX_LABEL_CHARS;

/** Events chunks the worker may hold at once (decoding, or decoded and waiting to be read): it keeps busy, and memory stays bounded. */
const MAX_IN_FLIGHT = 3;

/** A chunk waiting for its turn: its payload, or (events) the id of its decoding, or the failure met there. */
interface QueuedChunk {
  readonly kind: number;
  readonly offset: number;
  readonly body: Uint8Array | null;
  readonly id: number;
  readonly failure: ChunkError | null;
}

export function createMrtParser(ctx: ImportContext, sink: TraceSink, options: ParserOptions = {}): PushParser {
  return new MrtParser(ctx, sink, options.batchCapacity, options.decodeThread ?? false);
}

class MrtParser implements PushParser {
  private readonly chunks: ChunkReader;
  /** The batch over the columns of `batchOver`, kept while the same columns come back (reused chunk after chunk). */
  private batch: EventBatch | null = null;
  private batchOver: DecodedEvents | null = null;
  /** The batch handOnInSlices copies into. */
  private slice: EventBatch | null = null;
  /** Label text of the marks of the batch handed on, by position; other entries are stale. */
  private readonly labelText: string[] = [];
  private readonly cursor = new MrtCursor();
  /** Reused from chunk to chunk. */
  private decoded: DecodedEvents | null = null;
  private sawMeta = false;
  private sawEnd = false;
  /** File offset of the chunk being read, for the bad records found in it. */
  private chunkAt = 0;
  /** Events read so far: the next event's record number is this + 1. */
  private events = 0;
  // The file's tables, by the file's ids.
  private readonly frameText: string[] = [];
  private frameBytes = 0;
  private stackIds: Int32Array = new Int32Array(1024);
  private stackCount = 0;
  /** Every stack's id in the context is its id in the file (stackIds[i] === i): ids need no mapping. */
  private stacksAsInFile = true;
  private threadIds: Int32Array = new Int32Array(64);
  private threadCount = 0;
  /** As stacksAsInFile, for threads. */
  private threadsAsInFile = true;
  private readonly labels: string[] = [];
  private labelChars = 0;

  /** The worker decoding events chunks, when one does (else they are decoded here as they are cut). */
  private readonly thread: MrtDecodeThread | null;
  /** Chunks cut but not yet read, in file order, while a worker decodes: read once all before them are. */
  private readonly queue: QueuedChunk[] = [];
  /** Events chunks posted to the worker and not yet taken back. */
  private inFlight = 0;
  /** A chunk-layer failure met while earlier chunks were still queued: pushes stop, and it is thrown in its turn. */
  private failed = false;

  constructor(
    private readonly ctx: ImportContext,
    private readonly sink: TraceSink,
    /** Events per batch handed on; undefined: a chunk's events in one batch. */
    private readonly batchCapacity: number | undefined,
    decodeThread: boolean | 'worker',
  ) {
    this.thread = decodeThread !== false ? new MrtDecodeThread(decodeThread === true) : null;
    this.chunks = new ChunkReader((chunk) => this.onChunk(chunk), decodeThread !== false ? (kind) => kind === CHUNK_EVENTS : undefined);
  }

  push(bytes: Uint8Array): void {
    if (this.failed) return;
    try {
      this.chunks.push(bytes);
    } catch (e) {
      if (this.queue.length > 0 && e instanceof ChunkError) {
        this.queue.push({ kind: 0, offset: e.offset, body: null, id: -1, failure: e });
        this.failed = true;
        return;
      }
      throw this.located(e);
    }
  }

  /**
   * With a worker: read the chunks whose turn has come, then wait for the
   * worker while it holds MAX_IN_FLIGHT chunks (or, `all`, until every
   * chunk cut so far is read). The reading stays in file order, so what the
   * sink sees, and which error comes first, is as without a worker.
   */
  async settle(all: boolean): Promise<void> {
    const thread = this.thread;
    if (thread === null) return;
    try {
      for (;;) {
        this.readQueued(thread);
        if (this.queue.length === 0 || (!all && this.inFlight < MAX_IN_FLIGHT)) return;
        await thread.next();
      }
    } catch (e) {
      throw this.located(e);
    }
  }

  close(): void {
    this.thread?.close();
  }

  private readQueued(thread: MrtDecodeThread): void {
    const queue = this.queue;
    while (queue.length > 0) {
      const job = queue[0]!;
      if (job.failure !== null) {
        queue.length = 0;
        throw job.failure;
      }
      let body: Uint8Array | DecodeResult;
      if (job.body === null) {
        const result = thread.take(job.id);
        if (result === undefined) return;
        this.inFlight--;
        body = result;
      } else body = job.body;
      queue.shift();
      this.read(job.kind, job.offset, body);
    }
  }

  end(): void {
    if (this.queue.length > 0) throw new Error('MrtParser.end() before settle(true): chunks are still being decoded');
    const cut = this.chunks.cutAtEnd();
    if (cut !== null) this.ctx.fatal(0, `byte ${this.chunks.consumed}: ${cut}: the file was cut off, or is still being written`);
    if (!this.sawEnd) {
      this.ctx.bad(
        0,
        `byte ${this.chunks.consumed}: the file ends after ${this.events} events without its end chunk: it was cut off at a chunk boundary, or is still being written (--lenient reads what is there)`,
      );
    }
  }

  private onChunk(chunk: MrtChunk): void {
    const thread = this.thread;
    if (thread === null) {
      this.read(chunk.kind, chunk.offset, chunk.payload);
      return;
    }
    // Events go to the worker at once; every chunk waits its turn (a table
    // or a label reset must not come before the events ahead of it).
    if (chunk.kind === CHUNK_EVENTS) {
      const id = thread.post(chunk.offset, chunk.codec, chunk.decodedLength, chunk.payload, this.chunks.major);
      this.inFlight++;
      this.queue.push({ kind: chunk.kind, offset: chunk.offset, body: null, id, failure: null });
    } else {
      this.queue.push({ kind: chunk.kind, offset: chunk.offset, body: new Uint8Array(chunk.payload), id: -1, failure: null });
    }
  }

  /** Read one chunk, in file order: its payload, or (events decoded by the worker) what became of it. */
  private read(kind: number, offset: number, body: Uint8Array | DecodeResult): void {
    // (A chunk that does not inflate fails before its place is checked, as when it is inflated while cut.)
    if (!(body instanceof Uint8Array) && body.failure === 'chunk') throw new ChunkError(body.at, body.message);
    if (this.sawEnd) throw new ChunkError(offset, `chunk ${chunkKindName(kind)} after the end chunk: expected the file to end there`);
    if (!this.sawMeta && kind !== CHUNK_META) throw new ChunkError(offset, `the first chunk is ${chunkKindName(kind)}: expected the meta chunk 'M'`);
    this.chunkAt = offset;
    try {
      if (!(body instanceof Uint8Array)) this.readDecoded(body);
      else {
        this.cursor.reset(body);
        if (kind === CHUNK_META) this.readMeta();
        else if (kind === CHUNK_TABLE) this.readTable();
        else if (kind === CHUNK_EVENTS) this.readEvents();
        else if (kind === CHUNK_END) this.readEnd();
        else if (!isOptionalChunkKind(kind)) throw new ChunkError(offset, `unknown chunk kind ${chunkKindName(kind)}: expected M, T, E or Z (a newer format?)`);
      }
    } catch (e) {
      if (e instanceof PayloadError) throw new ChunkError(offset, `chunk ${chunkKindName(kind)}, payload byte ${e.at}: ${e.message}`);
      throw e;
    }
  }

  /** An events chunk the worker decoded: delivered, and its columns given back to the worker. */
  private readDecoded(r: DecodeResult): void {
    if (r.failure !== null) throw new PayloadError(r.at, r.message);
    try {
      this.deliver(r.events);
    } finally {
      this.thread!.recycle(r.events);
    }
  }

  private readMeta(): void {
    if (this.sawMeta) throw new PayloadError(0, 'a second meta chunk: expected one, first');
    this.sawMeta = true;
    const c = this.cursor;
    const n = c.varint();
    const meta: TraceMeta = {};
    let chars = 0;
    for (let i = 0; i < n; i++) {
      const key = c.text(4 * MAX_META_CHARS, 'a metadata key');
      const value = c.text(4 * MAX_META_CHARS, 'a metadata value');
      chars += key.length + value.length;
      if (chars > MAX_META_CHARS) throw new PayloadError(c.pos, `more than ${MAX_META_CHARS / 1024} Ki characters of metadata: expected a few short entries`);
      Object.defineProperty(meta, key, { value, enumerable: true, writable: true, configurable: true });
    }
    this.expectEnd('the meta chunk');
    this.sink.meta(meta);
  }

  private readTable(): void {
    const c = this.cursor;
    while (!c.atEnd) {
      const at = c.pos;
      const tag = c.u8();
      if (tag === ENTRY_FRAME) this.addFrame(c.text(MAX_FRAME_TEXT_BYTES, 'a frame'), at);
      else if (tag === ENTRY_STACK) this.addStack(at);
      else if (tag === ENTRY_THREAD_NUMBER || tag === ENTRY_THREAD_NAME) this.addThread(tag, at);
      else if (tag === ENTRY_LABEL) this.addLabel(at);
      else if (tag === ENTRY_LABELS_RESET) {
        this.labels.length = 0;
        this.labelChars = 0;
      } else throw new PayloadError(at, `unknown table entry ${tag}: expected 1 (frame) to 6 (labels reset)`);
    }
  }

  private addFrame(text: string, at: number): void {
    if (this.frameText.length >= MAX_DISTINCT_FRAMES) throw new PayloadError(at, `more than ${MAX_DISTINCT_FRAMES} frames: memreplay keeps at most that many`);
    this.frameBytes += text.length + 64;
    if (this.frameBytes > MAX_STACK_TABLE_BYTES) throw new PayloadError(at, `more than ${MAX_STACK_TABLE_BYTES >> 20} MiB of frame text: memreplay keeps at most that much`);
    this.frameText.push(text);
  }

  private addStack(at: number): void {
    const c = this.cursor;
    const depth = c.varint();
    // Each frame id takes at least a byte: a longer declared depth is a damaged count, refused before any memory is taken.
    if (depth > c.remaining) throw new PayloadError(at, `stack of ${depth} frames runs past the end of its chunk (${c.remaining} bytes left)`);
    if (this.stackCount >= MAX_DISTINCT_STACKS) throw new PayloadError(at, `more than ${MAX_DISTINCT_STACKS} stacks: memreplay keeps at most that many`);
    const frames = new Array<string>(depth);
    for (let i = 0; i < depth; i++) {
      const idAt = c.pos;
      const id = c.varint();
      if (id >= this.frameText.length) throw new PayloadError(idAt, `stack refers to frame ${id}, but only ${this.frameText.length} are defined before it`);
      frames[i] = this.frameText[id]!;
    }
    let interned: number;
    try {
      interned = this.ctx.stacks.intern(frames);
    } catch (e) {
      if (e instanceof StackLimitError || e instanceof FrameLineError) throw new PayloadError(at, e.message);
      throw e;
    }
    if (this.stackCount === this.stackIds.length) this.stackIds = grown(this.stackIds);
    if (interned !== this.stackCount) this.stacksAsInFile = false;
    this.stackIds[this.stackCount++] = interned;
  }

  private addThread(tag: number, at: number): void {
    if (this.threadCount >= MAX_THREAD_ENTRIES) throw new PayloadError(at, `more than ${MAX_THREAD_ENTRIES} thread entries: expected each thread once`);
    const text = this.cursor.text(4 * MAX_THREAD_NAME_CHARS, 'a thread name');
    let id: number;
    if (tag === ENTRY_THREAD_NUMBER) {
      const n = Number(text);
      if (!/^-?[0-9]+$/.test(text) || String(n) !== text) throw new PayloadError(at, `thread number ${JSON.stringify(text.slice(0, 40))} is not an integer as written by memreplay`);
      id = this.ctx.threads.internNumber(n);
    } else {
      if (text.length > MAX_THREAD_NAME_CHARS) throw new PayloadError(at, `thread name of ${text.length} characters: expected at most ${MAX_THREAD_NAME_CHARS}`);
      id = this.ctx.threads.internString(text);
    }
    if (this.threadCount === this.threadIds.length) this.threadIds = grown(this.threadIds);
    if (id !== this.threadCount) this.threadsAsInFile = false;
    this.threadIds[this.threadCount++] = id;
  }

  private addLabel(at: number): void {
    const label = this.cursor.text(MAX_TEXT_BYTES, 'a mark label');
    if (label.length > MAX_LABEL_CHARS) throw new PayloadError(at, `mark label of ${label.length} characters: expected at most ${MAX_LABEL_CHARS}`);
    this.labelChars += label.length;
    if (this.labels.length >= MAX_LABEL_ENTRIES || this.labelChars > MAX_LABEL_TABLE_CHARS) {
      throw new PayloadError(at, `more than ${MAX_LABEL_ENTRIES} mark labels or ${MAX_LABEL_TABLE_CHARS >> 20} Mi characters of them: marks name phases of a program`);
    }
    this.labels.push(label);
  }

  private readEvents(): void {
    const d = (this.decoded = decodeEvents(this.cursor.buf, this.decoded, this.events + 1, this.chunks.major));
    this.deliver(d);
  }

  /**
   * Decoded events through the tables, in place: ids checked and mapped,
   * 64-bit addresses interned, records numbered, bad records (a needed size
   * missing, an mremap without its old address) dropped (lenient); then the columns go to the sink as they are, no
   * copy made.
   */
  private deliver(d: DecodedEvents): void {
    // The usual chunk: every id is valid and means the same in the context,
    // no 64-bit address, no bad record; only the marks need their labels.
    if (this.stacksAsInFile && d.maxStack < this.stackCount && this.threadsAsInFile && d.maxThread < this.threadCount && d.high.length === 0 && d.badRecords === 0 && !leavesLowRegion(d)) {
      this.deliverMarks(d);
      return;
    }
    const ctx = this.ctx;
    const stackIds = this.stackIds;
    const threadIds = this.threadIds;
    const labelText = this.labelText;
    while (labelText.length < d.capacity) labelText.push('');
    let j = 0;
    for (let k = 0; k < d.count; k++) {
      const op = d.op[k]!;
      let addr = d.addr[k]!;
      let oldAddr = d.oldAddr[k]!;
      let stack = d.stack[k]!;
      let thread = d.thread[k]!;
      if (stack !== NO_ID) {
        if (stack >= this.stackCount) throw new PayloadError(d.flagsAt + 2 * k, `event refers to stack ${stack}, but only ${this.stackCount} are defined before it`);
        stack = stackIds[stack]!;
      }
      if (thread !== NO_ID) {
        if (thread >= this.threadCount) throw new PayloadError(d.flagsAt + 2 * k, `event refers to thread ${thread}, but only ${this.threadCount} are defined before it`);
        thread = threadIds[thread]!;
      }
      if (addr < 0) addr = this.highAddress(d.high[-addr - 1]!, d.flagsAt + 2 * k);
      if (oldAddr < 0) oldAddr = this.highAddress(d.high[-oldAddr - 1]!, d.flagsAt + 2 * k);
      let label = '';
      if (op === OP_MARK) {
        const id = d.label[k]!;
        if (id >= this.labels.length) throw new PayloadError(d.flagsAt + 2 * k, `mark refers to label ${id}, but only ${this.labels.length} are defined before it`);
        label = this.labels[id]!;
      }
      const record = ++this.events;
      const size = d.size[k]!;
      if ((NEEDS_SIZE >> op) & 1 && size !== size) {
        ctx.bad(record, `record ${record}: ${OP_NAMES[op]} without a size`);
        continue;
      }
      if (op === OP_MREMAP && oldAddr === 0) {
        ctx.bad(record, `record ${record}: mremap without an old address`);
        continue;
      }
      if (isMappingOp(op)) {
        const outside = nativeRangeProblem(op, addr, size, ctx.addresses);
        if (outside !== undefined) {
          ctx.bad(record, `record ${record} (chunk at byte ${this.chunkAt}, payload byte ${d.flagsAt + 2 * k}): ${outside}`);
          continue;
        }
      }
      if (j !== k) {
        // An event was dropped before this one: close the gap.
        d.op[j] = op;
        d.domain[j] = d.domain[k]!;
        d.size[j] = size;
        d.ts[j] = d.ts[k]!;
        d.interp[j] = d.interp[k]!;
      }
      d.addr[j] = addr;
      d.oldAddr[j] = oldAddr;
      d.stack[j] = stack;
      d.thread[j] = thread;
      d.line[j] = record;
      if (op === OP_MARK) labelText[j] = label;
      j++;
    }
    this.handOn(d, j);
  }

  /** deliver's fast path: the chunk's columns are right as decoded but for the marks' labels. */
  private deliverMarks(d: DecodedEvents): void {
    const labelText = this.labelText;
    while (labelText.length < d.capacity) labelText.push('');
    for (const k of d.marks) {
      const id = d.label[k]!;
      if (id >= this.labels.length) throw new PayloadError(d.flagsAt + 2 * k, `mark refers to label ${id}, but only ${this.labels.length} are defined before it`);
      labelText[k] = this.labels[id]!;
    }
    this.events += d.count;
    this.handOn(d, d.count);
  }

  /** The first `n` delivered events of `d` to the sink: in one batch, or in batches of the capacity asked for. */
  private handOn(d: DecodedEvents, n: number): void {
    if (n === 0) return;
    const cap = this.batchCapacity;
    if (cap === undefined && n > SLICE_EVENTS) {
      this.handOnInSlices(d, n);
      return;
    }
    if (cap === undefined || n <= cap) {
      const batch = this.batchOver === d && this.batch !== null ? this.batch : new EventBatch(d.capacity, { ...columnsOf(d), label: this.labelText });
      this.batch = batch;
      this.batchOver = d;
      batch.length = n;
      this.sink.batch(batch);
      return;
    }
    for (let s = 0; s < n; s += cap) {
      const e = Math.min(n, s + cap);
      const c = columnsOf(d);
      const slice = new EventBatch(e - s, {
        op: c.op.subarray(s, e),
        domain: c.domain.subarray(s, e),
        addr: c.addr.subarray(s, e),
        oldAddr: c.oldAddr.subarray(s, e),
        size: c.size.subarray(s, e),
        ts: c.ts.subarray(s, e),
        thread: c.thread.subarray(s, e),
        stack: c.stack.subarray(s, e),
        interp: c.interp.subarray(s, e),
        line: c.line.subarray(s, e),
        label: this.labelText.slice(s, e),
      });
      slice.length = e - s;
      this.sink.batch(slice);
    }
  }

  /**
   * The first `n` events of `d` to the sink in copies of SLICE_EVENTS
   * events, made into one reused batch of this thread's. Measured: the
   * replay reads its columns between lookups scattered over the heap, and
   * reading them from a chunk's 11 MiB (decoded on the worker's core) cost
   * more than copying them slice by slice into a batch that stays in cache.
   */
  private handOnInSlices(d: DecodedEvents, n: number): void {
    const batch = (this.slice ??= new EventBatch(SLICE_EVENTS));
    const labelText = this.labelText;
    for (let s = 0; s < n; s += SLICE_EVENTS) {
      const e = Math.min(n, s + SLICE_EVENTS);
      batch.op.set(d.op.subarray(s, e));
      batch.domain.set(d.domain.subarray(s, e));
      batch.addr.set(d.addr.subarray(s, e));
      batch.oldAddr.set(d.oldAddr.subarray(s, e));
      batch.size.set(d.size.subarray(s, e));
      batch.ts.set(d.ts.subarray(s, e));
      batch.thread.set(d.thread.subarray(s, e));
      batch.stack.set(d.stack.subarray(s, e));
      batch.interp.set(d.interp.subarray(s, e));
      batch.line.set(d.line.subarray(s, e));
      const op = batch.op;
      for (let i = 0; i < e - s; i++) if (op[i] === OP_MARK) batch.label[i] = labelText[s + i]!;
      batch.length = e - s;
      this.sink.batch(batch);
    }
  }

  private readEnd(): void {
    const total = this.cursor.varint();
    if (total !== this.events) throw new PayloadError(0, `the end chunk counts ${total} events, but the file holds ${this.events}: events chunks are missing`);
    this.expectEnd('the end chunk');
    this.sawEnd = true;
  }

  private highAddress(value: bigint, at: number): number {
    try {
      return this.ctx.addresses.encodeBig(value);
    } catch (e) {
      if (e instanceof AddressSpaceError) throw new PayloadError(at, e.message);
      throw e;
    }
  }

  private expectEnd(what: string): void {
    if (!this.cursor.atEnd) throw new PayloadError(this.cursor.pos, `${this.cursor.remaining} bytes left over at the end of ${what}`);
  }

  /** A failure of the chunk layer as the file's one-line error, at its byte. */
  private located(e: unknown): unknown {
    if (e instanceof ChunkError) return this.ctx.fatal(0, `byte ${e.offset}: ${e.message}`);
    return e;
  }
}

/** Events per batch handed to the sink when no capacity was asked for (see handOnInSlices). */
const SLICE_EVENTS = 4096;

/**
 * Whether a chunk whose addresses are all below 2^48 has a mapping that runs
 * past 2^48 (see nativeRangeProblem): the fast path then gives way to the
 * record-by-record one, which drops it as a bad record.
 */
function leavesLowRegion(d: DecodedEvents): boolean {
  const { op, addr, size } = d;
  for (let k = 0; k < d.count; k++) {
    if (op[k]! >= OP_MMAP && addr[k]! + size[k]! > LOW_SPAN) return true;
  }
  return false;
}

/** The columns of `d` that an EventBatch shares (all but the label ids: the batch has label text). */

function columnsOf(d: DecodedEvents): Omit<EventColumns, 'label'> {
  return { op: d.op, domain: d.domain, addr: d.addr, oldAddr: d.oldAddr, size: d.size, ts: d.ts, thread: d.thread, stack: d.stack, interp: d.interp, line: d.line };
}

function grown(a: Int32Array): Int32Array {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
