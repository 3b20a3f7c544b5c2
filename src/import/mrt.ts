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

import { AddressSpaceError } from '../events/address-space.js';
import { DEFAULT_BATCH_CAPACITY, EventBatch } from '../events/event-batch.js';
import { NO_ID, OP_ALLOC, OP_ARENA_ALLOC, OP_CALLOC, OP_MARK, OP_MMAP, OP_MREMAP, OP_MUNMAP, OP_NAMES, OP_REALLOC } from '../events/ops.js';
import { FrameLineError, MAX_DISTINCT_FRAMES, MAX_DISTINCT_STACKS, MAX_STACK_TABLE_BYTES, StackLimitError } from '../events/stack-table.js';
import { MAX_THREAD_NAME_CHARS, MAX_THREADS } from '../events/thread-table.js';
import type { ImportContext } from './import-context.js';
import { ChunkError, ChunkReader, chunkKindName, type MrtChunk } from './mrt-chunks.js';
import { MrtCursor, PayloadError } from './mrt-cursor.js';
import { decodeEvents, type DecodedEvents } from './mrt-events.js';
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
import { MAX_LABEL_CHARS, MAX_META_CHARS } from './record-fields.js';
import type { PushParser, TraceMeta, TraceSink } from './types.js';

/** Most thread entries a file may define: past MAX_THREADS they share one id, but each still costs a slot here. */
const MAX_THREAD_ENTRIES = 16 * MAX_THREADS;
/** Most label entries, and their characters in all, between two resets of the table (a writer resets it past 65,536 or 16 Mi characters, at a chunk's end, and a chunk holds at most 1 MiB of table and events). */
const MAX_LABEL_ENTRIES = 1_000_000;
const MAX_LABEL_TABLE_CHARS = 64 << 20;
/** Bytes a frame's text may take in the file (UTF-8, up to 4 a character); the stack table cuts it to MAX_FRAME_CHARS. */
const MAX_FRAME_TEXT_BYTES = 64 * 1024;
const MAX_TEXT_BYTES = 4 * MAX_LABEL_CHARS;
const NEEDS_SIZE = (1 << OP_ALLOC) | (1 << OP_CALLOC) | (1 << OP_REALLOC) | (1 << OP_ARENA_ALLOC) | (1 << OP_MMAP) | (1 << OP_MUNMAP) | (1 << OP_MREMAP);

export function createMrtParser(ctx: ImportContext, sink: TraceSink, options: { batchCapacity?: number } = {}): PushParser {
  return new MrtParser(ctx, sink, options.batchCapacity ?? DEFAULT_BATCH_CAPACITY);
}

class MrtParser implements PushParser {
  private readonly chunks: ChunkReader;
  private readonly batch: EventBatch;
  private readonly cursor = new MrtCursor();
  /** Reused from chunk to chunk. */
  private decoded: DecodedEvents | null = null;
  private sawMeta = false;
  private sawEnd = false;
  /** Events read so far: the next event's record number is this + 1. */
  private events = 0;
  // The file's tables, by the file's ids.
  private readonly frameText: string[] = [];
  private frameBytes = 0;
  private stackIds: Int32Array = new Int32Array(1024);
  private stackCount = 0;
  private threadIds: Int32Array = new Int32Array(64);
  private threadCount = 0;
  private readonly labels: string[] = [];
  private labelChars = 0;

  constructor(
    private readonly ctx: ImportContext,
    private readonly sink: TraceSink,
    batchCapacity: number,
  ) {
    this.batch = new EventBatch(batchCapacity);
    this.chunks = new ChunkReader((chunk) => this.onChunk(chunk));
  }

  push(bytes: Uint8Array): void {
    try {
      this.chunks.push(bytes);
    } catch (e) {
      throw this.located(e);
    }
  }

  end(): void {
    const cut = this.chunks.cutAtEnd();
    if (cut !== null) this.ctx.fatal(0, `byte ${this.chunks.consumed}: ${cut}: the file was cut off, or is still being written`);
    if (!this.sawEnd) {
      this.flush();
      this.ctx.bad(
        0,
        `byte ${this.chunks.consumed}: the file ends after ${this.events} events without its end chunk: it was cut off at a chunk boundary, or is still being written (--lenient reads what is there)`,
      );
    }
    this.flush();
  }

  private onChunk(chunk: MrtChunk): void {
    const kind = chunk.kind;
    if (this.sawEnd) throw new ChunkError(chunk.offset, `chunk ${chunkKindName(kind)} after the end chunk: expected the file to end there`);
    if (!this.sawMeta && kind !== CHUNK_META) throw new ChunkError(chunk.offset, `the first chunk is ${chunkKindName(kind)}: expected the meta chunk 'M'`);
    this.cursor.reset(chunk.payload);
    try {
      if (kind === CHUNK_META) this.readMeta();
      else if (kind === CHUNK_TABLE) this.readTable();
      else if (kind === CHUNK_EVENTS) this.readEvents();
      else if (kind === CHUNK_END) this.readEnd();
      else if (!isOptionalChunkKind(kind)) throw new ChunkError(chunk.offset, `unknown chunk kind ${chunkKindName(kind)}: expected M, T, E or Z (a newer format?)`);
    } catch (e) {
      if (e instanceof PayloadError) throw new ChunkError(chunk.offset, `chunk ${chunkKindName(kind)}, payload byte ${e.at}: ${e.message}`);
      throw e;
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
    const d = (this.decoded = decodeEvents(this.cursor.buf, this.decoded));
    this.deliver(d);
  }

  /** Decoded events through the tables into batches: ids checked and mapped, 64-bit addresses interned. */
  private deliver(d: DecodedEvents): void {
    const ctx = this.ctx;
    const batch = this.batch;
    const stackIds = this.stackIds;
    const threadIds = this.threadIds;
    for (let k = 0; k < d.count; k++) {
      const op = d.op[k]!;
      let addr = d.addr[k]!;
      let oldAddr = d.oldAddr[k]!;
      let stack = d.stack[k]!;
      let thread = d.thread[k]!;
      if (stack !== NO_ID) {
        if (stack >= this.stackCount) throw new PayloadError(d.at[k]!, `event refers to stack ${stack}, but only ${this.stackCount} are defined before it`);
        stack = stackIds[stack]!;
      }
      if (thread !== NO_ID) {
        if (thread >= this.threadCount) throw new PayloadError(d.at[k]!, `event refers to thread ${thread}, but only ${this.threadCount} are defined before it`);
        thread = threadIds[thread]!;
      }
      if (addr < 0) addr = this.highAddress(d.high[-addr - 1]!, d.at[k]!);
      if (oldAddr < 0) oldAddr = this.highAddress(d.high[-oldAddr - 1]!, d.at[k]!);
      let label = '';
      if (op === OP_MARK) {
        const id = d.label[k]!;
        if (id >= this.labels.length) throw new PayloadError(d.at[k]!, `mark refers to label ${id}, but only ${this.labels.length} are defined before it`);
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
      const i = batch.length++;
      batch.op[i] = op;
      batch.domain[i] = d.domain[k]!;
      batch.addr[i] = addr;
      batch.oldAddr[i] = oldAddr;
      batch.size[i] = size;
      batch.ts[i] = d.ts[k]!;
      batch.thread[i] = thread;
      batch.stack[i] = stack;
      batch.interp[i] = d.interp[k]!;
      batch.line[i] = record;
      if (op === OP_MARK) batch.label[i] = label;
      if (i + 1 === batch.capacity) this.flush();
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

  private flush(): void {
    if (this.batch.length === 0) return;
    this.sink.batch(this.batch);
    this.batch.length = 0;
  }

  /** A failure of the chunk layer as the file's one-line error, at its byte. */
  private located(e: unknown): unknown {
    if (e instanceof ChunkError) return this.ctx.fatal(0, `byte ${e.offset}: ${e.message}`);
    return e;
  }
}

function grown(a: Int32Array): Int32Array {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
