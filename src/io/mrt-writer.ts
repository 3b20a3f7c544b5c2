// Writes the binary trace format (docs/trace-format-binary.md) from the
// event batches of any importer: a TraceSink. Interned stacks, frames,
// threads and labels are written once, in a table chunk just before the
// first events chunk that uses them; events are delta coded and cut into
// chunks of about EVENT_CHUNK_BYTES, each compressed and checksummed on
// its own so a reader can decode chunks independently.

import { crc32, deflateRawSync } from 'node:zlib';
import type { EventBatch } from '../events/event-batch.js';
import { NO_ID, OP_MARK, hasOldAddress } from '../events/ops.js';
import type { ImportContext } from '../import/import-context.js';
import {
  ADDRESS_ROLES,
  ROLE_ARENA,
  ROLE_RELEASED,
  SIZE_GROUPS,
  sizeGroup,
  CHUNK_END,
  CHUNK_EVENTS,
  CHUNK_HEADER_BYTES,
  CHUNK_META,
  CHUNK_TABLE,
  CODEC_DEFLATE,
  CODEC_STORED,
  ENTRY_FRAME,
  ENTRY_LABEL,
  ENTRY_LABELS_RESET,
  ENTRY_STACK,
  ENTRY_THREAD_NAME,
  ENTRY_THREAD_NUMBER,
  EVENT_CHUNK_BYTES,
  EVENT_STREAM_COUNT,
  F0_DOMAIN_SHIFT,
  F0_OP_EXTENDED,
  F0_OLD_ADDR,
  F0_SIZE,
  F0_TS,
  F1_ADDR_HIGH,
  F1_INTERP,
  F1_OLD_ADDR_HIGH,
  F1_STACK_SHIFT,
  F1_TS_RAW,
  FILE_HEADER_BYTES,
  LOW_ADDRESS_LIMIT,
  MAX_ZIGZAG_MAGNITUDE,
  MRT_MAGIC,
  MRT_MAJOR_VERSION,
  MRT_MINOR_VERSION,
  REF_GIVEN,
  REF_NONE,
  REF_SAME,
} from '../import/mrt-format.js';
import type { TraceMeta, TraceSink } from '../import/types.js';
import { BirthTable } from './birth-table.js';
import { ByteBuilder } from './byte-builder.js';
import type { ByteOutput } from './byte-output.js';

export interface MrtWriterOptions {
  /**
   * Deflate level 0-9 (0: chunks stored uncompressed); default 6: 8-11%
   * smaller than level 1 on the real traces, and inflated as fast
   * (docs/trace-format-binary.md, "Why deflate").
   */
  level?: number;
  /** Decoded bytes of events a chunk holds before the next starts (tests make it small). */
  chunkBytes?: number;
  /** Distinct mark labels remembered before the label table starts again (tests make it small). */
  labelsBeforeReset?: number;
}

/**
 * A program may name every mark differently (`request 1`, `request 2`...):
 * past this many distinct labels, or LABEL_RESET_CHARS of their text, the
 * label table starts again at the next chunk, so that neither the writer
 * nor a reader holds them all.
 */
const LABEL_RESET_ENTRIES = 65_536;
const LABEL_RESET_CHARS = 16 << 20;

/** Ids of the file's tables by the importer's ids: -1 until written. */
class IdMap {
  private ids = new Int32Array(64).fill(-1);
  count = 0;

  get(id: number): number {
    return id < this.ids.length ? this.ids[id]! : -1;
  }

  /** Assign the next file id to importer id `id`. */
  add(id: number): number {
    if (id >= this.ids.length) {
      let n = this.ids.length * 2;
      while (n <= id) n *= 2;
      const next = new Int32Array(n).fill(-1);
      next.set(this.ids);
      this.ids = next;
    }
    this.ids[id] = this.count;
    return this.count++;
  }
}

export class MrtWriter implements TraceSink {
  private readonly level: number;
  private readonly chunkBytes: number;
  /** The events chunk being built, one stream per kind of field (EVENT_STREAMS): alike bytes side by side deflate better. */
  private readonly streams = Array.from({ length: EVENT_STREAM_COUNT }, () => new ByteBuilder(1 << 18));
  private readonly table = new ByteBuilder();
  private readonly header = new Uint8Array(CHUNK_HEADER_BYTES);
  private readonly headerView = new DataView(this.header.buffer);
  private readonly frames = new IdMap();
  private readonly stacks = new IdMap();
  private readonly threads = new IdMap();
  private readonly labels = new Map<string, number>();
  private labelChars = 0;
  private readonly labelsBeforeReset: number;
  private chunkEvents = 0;
  private totalEvents = 0;
  private started = false;
  // Delta state: reset at the start of every events chunk so it decodes alone.
  /** The last new address of each size group in the chunk (-1: none yet), and the last of any. */
  private readonly lastNew = new Float64Array(SIZE_GROUPS);
  private prevNew = 0;
  private prevReleased = 0;
  private prevArena = 0;
  /** Low addresses born in this chunk and not released since: the birth number of each (births count from 0). */
  private readonly born = new BirthTable();
  private bornCount = 0;
  private prevTs = 0;
  private prevThread = NO_ID;
  private prevStack = NO_ID;

  constructor(
    private readonly out: ByteOutput,
    private readonly ctx: ImportContext,
    options: MrtWriterOptions = {},
  ) {
    this.level = options.level ?? 6;
    this.chunkBytes = options.chunkBytes ?? EVENT_CHUNK_BYTES;
    this.labelsBeforeReset = options.labelsBeforeReset ?? LABEL_RESET_ENTRIES;
  }

  meta(meta: TraceMeta): void {
    const file = new Uint8Array(FILE_HEADER_BYTES);
    file.set(MRT_MAGIC);
    const view = new DataView(file.buffer);
    view.setUint16(8, MRT_MAJOR_VERSION, true);
    view.setUint16(10, MRT_MINOR_VERSION, true);
    this.out.write(file);
    const b = new ByteBuilder();
    const keys = Object.keys(meta);
    b.varint(keys.length);
    for (const key of keys) {
      b.text(key);
      b.text(meta[key]!);
    }
    this.writeChunk(CHUNK_META, b.view());
    this.started = true;
    this.resetDeltas();
  }

  batch(batch: EventBatch): void {
    const [flags, addrs, sizes, times, refs] = this.streams as [ByteBuilder, ByteBuilder, ByteBuilder, ByteBuilder, ByteBuilder];
    for (let i = 0; i < batch.length; i++) {
      const op = batch.op[i]!;
      const addr = batch.addr[i]!;
      const oldAddr = batch.oldAddr[i]!;
      const size = batch.size[i]!;
      const ts = batch.ts[i]!;
      const thread = batch.thread[i]!;
      const stack = batch.stack[i]!;
      const interp = batch.interp[i]!;
      const threadRef = thread === NO_ID ? REF_NONE : thread === this.prevThread ? REF_SAME : REF_GIVEN;
      const stackRef = stack === NO_ID ? REF_NONE : stack === this.prevStack ? REF_SAME : REF_GIVEN;
      const threadId = threadRef === REF_GIVEN ? this.threadId(thread) : 0;
      const stackId = stackRef === REF_GIVEN ? this.stackId(stack) : 0;
      const labelId = op === OP_MARK ? this.labelId(batch.label[i]!) : 0;
      const hasOld = hasOldAddress(op) && oldAddr !== 0;
      const hasTs = ts === ts;
      const tsDelta = hasTs ? ts - this.prevTs : 0;
      const tsRaw = hasTs && !(Number.isSafeInteger(ts) && Math.abs(tsDelta) < MAX_ZIGZAG_MAGNITUDE);
      const addrHigh = addr >= LOW_ADDRESS_LIMIT;
      const oldHigh = hasOld && oldAddr >= LOW_ADDRESS_LIMIT;
      const extended = op >= F0_OP_EXTENDED;
      let f0 = (extended ? F0_OP_EXTENDED : op) | (batch.domain[i]! << F0_DOMAIN_SHIFT);
      if (size === size) f0 |= F0_SIZE;
      if (hasTs) f0 |= F0_TS;
      if (hasOld) f0 |= F0_OLD_ADDR;
      let f1 = threadRef | (stackRef << F1_STACK_SHIFT);
      if (interp !== 0) f1 |= F1_INTERP;
      if (tsRaw) f1 |= F1_TS_RAW;
      if (addrHigh) f1 |= F1_ADDR_HIGH;
      if (oldHigh) f1 |= F1_OLD_ADDR_HIGH;
      flags.u8(f0);
      flags.u8(f1);
      if (op !== OP_MARK) {
        // A realloc's or mremap's old address is released first, then its new one goes live (coded against the old one).
        if (hasOld) {
          if (oldHigh) addrs.bigVarint(this.ctx.addresses.decode(oldAddr));
          else this.released(addrs, oldAddr);
        }
        if (addrHigh) addrs.bigVarint(this.ctx.addresses.decode(addr));
        else {
          const role = ADDRESS_ROLES[op];
          if (role === ROLE_RELEASED) this.released(addrs, addr);
          else if (role === ROLE_ARENA) {
            addrs.zigzag(addr - this.prevArena);
            this.prevArena = addr;
          } else {
            const group = sizeGroup(size);
            const last = this.lastNew[group]!;
            addrs.zigzag(addr - (hasOld && !oldHigh ? oldAddr : last >= 0 ? last : this.prevNew));
            this.lastNew[group] = addr;
            this.prevNew = addr;
            this.born.set(addr, this.bornCount++);
          }
        }
      }
      if (size === size) sizes.varint(size);
      if (hasTs) {
        if (tsRaw) times.f64(ts);
        else times.zigzag(tsDelta);
        this.prevTs = Number.isSafeInteger(ts) ? ts : 0;
      }
      if (extended) refs.varint(op - F0_OP_EXTENDED);
      if (threadRef === REF_GIVEN) refs.varint(threadId);
      if (stackRef === REF_GIVEN) refs.varint(stackId);
      if (interp !== 0) refs.varint(interp);
      if (op === OP_MARK) refs.varint(labelId);
      if (thread !== NO_ID) this.prevThread = thread;
      if (stack !== NO_ID) this.prevStack = stack;
      this.chunkEvents++;
      // The table the chunk needs counts too: marks with long, ever new labels.
      if (flags.length + addrs.length + sizes.length + times.length + refs.length + this.table.length >= this.chunkBytes) this.flushEvents();
    }
  }

  /** Write what is pending and the end chunk; the output is then complete. */
  finish(): void {
    if (!this.started) this.meta({});
    this.flushEvents();
    const b = new ByteBuilder(16);
    b.varint(this.totalEvents);
    this.writeChunk(CHUNK_END, b.view());
  }

  private flushEvents(): void {
    if (this.table.length > 0) {
      this.writeChunk(CHUNK_TABLE, this.table.view());
      this.table.clear();
    }
    if (this.chunkEvents === 0) return;
    const body = new ByteBuilder(this.streams.reduce((n, b) => n + b.length, 0) + 64);
    body.varint(this.chunkEvents);
    for (const stream of this.streams) body.varint(stream.length);
    for (const stream of this.streams) body.append(stream.view());
    this.writeChunk(CHUNK_EVENTS, body.view());
    this.totalEvents += this.chunkEvents;
    this.chunkEvents = 0;
    for (const stream of this.streams) stream.clear();
    if (this.labels.size >= this.labelsBeforeReset || this.labelChars >= LABEL_RESET_CHARS) {
      this.table.u8(ENTRY_LABELS_RESET);
      this.labels.clear();
      this.labelChars = 0;
    }
    this.resetDeltas();
  }

  /**
   * A released low address: a reference back to the block's birth in this
   * chunk (even code: how many births ago), else the delta from the last
   * address coded so (odd code).
   */
  private released(addrs: ByteBuilder, address: number): void {
    const birth = this.born.take(address);
    if (birth >= 0) {
      addrs.varint(2 * (this.bornCount - 1 - birth));
      return;
    }
    const d = address - this.prevReleased;
    addrs.varint(2 * (d >= 0 ? 2 * d : -2 * d - 1) + 1);
    this.prevReleased = address;
  }

  private resetDeltas(): void {
    this.lastNew.fill(-1);
    this.prevNew = 0;
    this.prevReleased = 0;
    this.prevArena = 0;
    this.born.clear();
    this.bornCount = 0;
    this.prevTs = 0;
    this.prevThread = NO_ID;
    this.prevStack = NO_ID;
  }

  private writeChunk(kind: number, payload: Uint8Array): void {
    const deflated = this.level > 0 && payload.length > 0 ? deflateRawSync(payload, { level: this.level }) : null;
    // A payload that deflate does not shrink (a short one) is stored.
    const stored = deflated !== null && deflated.length < payload.length ? deflated : payload;
    const h = this.headerView;
    h.setUint8(0, kind);
    h.setUint8(1, stored === payload ? CODEC_STORED : CODEC_DEFLATE);
    h.setUint16(2, 0, true);
    h.setUint32(4, stored.length, true);
    h.setUint32(8, payload.length, true);
    h.setUint32(12, crc32(stored, crc32(this.header.subarray(0, 12))) >>> 0, true);
    this.out.write(this.header);
    this.out.write(stored);
  }

  private threadId(thread: number): number {
    const known = this.threads.get(thread);
    if (known >= 0) return known;
    const threads = this.ctx.threads;
    this.table.u8(threads.isNumber(thread) ? ENTRY_THREAD_NUMBER : ENTRY_THREAD_NAME);
    this.table.text(threads.name(thread));
    return this.threads.add(thread);
  }

  private stackId(stack: number): number {
    const known = this.stacks.get(stack);
    if (known >= 0) return known;
    const frameIds = this.ctx.stacks.frameIdsOf(stack);
    const ids: number[] = [];
    for (const f of frameIds) {
      let id = this.frames.get(f);
      if (id < 0) {
        this.table.u8(ENTRY_FRAME);
        this.table.text(this.ctx.stacks.frameString(f));
        id = this.frames.add(f);
      }
      ids.push(id);
    }
    this.table.u8(ENTRY_STACK);
    this.table.varint(ids.length);
    for (const id of ids) this.table.varint(id);
    return this.stacks.add(stack);
  }

  private labelId(label: string): number {
    const known = this.labels.get(label);
    if (known !== undefined) return known;
    this.table.u8(ENTRY_LABEL);
    this.table.text(label);
    const id = this.labels.size;
    this.labels.set(label, id);
    this.labelChars += label.length;
    return id;
  }
}
