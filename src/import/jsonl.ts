// JSONL importer (trace-format.md, "JSONL"): one JSON object a line, the same
// records and field rules as the CSV importer. A push parser: whole lines are
// cut from the byte chunks before decoding (a line split across chunks is
// carried, so a multi-byte character is never decoded in halves), then each
// line goes through JSON.parse - the general parser is fast enough here and
// gets every JSON escape right.
//
// Addresses must stay exact up to 64 bits, and other integers must be judged
// by their exact value, but JSON.parse turns every number into a double and
// rounds above 2^53. So a line with 16 or more digits in a row (a cheap test
// that almost never fires on real traces, whose addresses are hex strings)
// first has the number tokens of its `addr` / `old_addr` / `ts` / `thread` /
// `stack` keys quoted; they then arrive as decimal strings and take the
// exact text path (range checks included). A quote inside a JSON string is
// always escaped, so the pattern `"addr":` can only match a real key.

import { LineSplitter, hasBareCr } from './line-splitter.js';
import { LOW_SPAN } from '../events/address-space.js';
import { DEFAULT_BATCH_CAPACITY, EventBatch } from '../events/event-batch.js';
import {
  DOMAIN_NATIVE,
  DOMAIN_OBJ,
  NO_ID,
  OP_ALLOC,
  OP_ARENA_ALLOC,
  OP_CALLOC,
  OP_MARK,
  OP_MREMAP,
  OP_REALLOC,
  hasOldAddress,
  isMappingOp,
} from '../events/ops.js';
import { FrameLineError, StackLimitError } from '../events/stack-table.js';
import type { ImportContext } from './import-context.js';
import { MAX_THREAD_NAME_CHARS, threadNameTooLong } from '../events/thread-table.js';
import {
  EXPECTED_INTERP,
  EXPECTED_OPS,
  MAX_JSON_DEPTH,
  MAX_LABEL_CHARS,
  MAX_LINE_BYTES,
  OP_BY_NAME,
  INTEGER_64_RANGE,
  jsonDepth,
  labelTooLong,
  domainCode,
  fitsIn64Bits,
  isInteger64,
  parseAddressText,
  parseIntegerText,
  parseInterpText,
  parseSizeText,
  parseStackIdText,
  quoteForMessage,
  stackIdOutOfRange,
  stackRedefined,
  nativeRangeProblem,
} from './record-fields.js';
import type { PushParser, TraceMeta, TraceSink } from './types.js';

export { MAX_LINE_BYTES };

const BIG_NUMBER = /("(?:old_addr|addr|ts|thread|stack)"\s*:\s*)(-?[1-9]\d{15,})(?=\s*[,}])/g;
const SHORT_HEX = /^0[xX][0-9a-fA-F]{1,12}$/;
/** Old Mac line ends: without this the whole file reads as one line. */
const BARE_CR =
  "a carriage return (\\r) without a line feed between JSON objects: expected lines ended by \\n or \\r\\n (old Mac line ends? convert them, e.g. with tr '\\r' '\\n')";
const SNAPSHOT_MESSAGE =
  'this is a tracemalloc snapshot file, not an event trace; replay needs the alloc/free records of trace format v1 (compare snapshots with memreplay diff)';

/** Options beyond the ParserFactory contract (index.ts passes them). */
export interface JsonlParserOptions {
  batchCapacity?: number;
}

export function createJsonlParser(
  ctx: ImportContext,
  sink: TraceSink,
  options: JsonlParserOptions = {},
): PushParser {
  return new JsonlParser(ctx, sink, options.batchCapacity ?? DEFAULT_BATCH_CAPACITY);
}

type Json = Record<string, unknown>;

class JsonlParser implements PushParser {
  private readonly batch: EventBatch;
  private lineNo = 0;
  private metaSent = false;
  /** The line being read is the input's last one and has no newline. */
  private atEnd = false;
  /** Bytes of a line not yet ended by `\n`. */
  private readonly lines = new LineSplitter(
    MAX_LINE_BYTES,
    (bytes, crOnly) => this.tooLong(bytes, crOnly),
    (bytes, start, end) => this.line(bytes, start, end),
  );

  constructor(
    private readonly ctx: ImportContext,
    private readonly sink: TraceSink,
    capacity: number,
  ) {
    this.batch = new EventBatch(capacity);
  }

  push(chunk: Uint8Array): void {
    this.lines.push(chunk);
  }

  end(): void {
    this.atEnd = true;
    this.lines.end();
    this.sendMeta({});
    if (this.batch.length > 0) this.flush();
  }

  private tooLong(bytes: number, crOnly: boolean): never {
    this.ctx.fatal(
      this.lineNo + 1,
      `line longer than 1 MiB (${bytes} bytes or more); a JSONL trace has one short JSON object a line${crOnly ? `; ${BARE_CR}` : ''}`,
    );
  }

  /** One line, bytes[start, end) without its `\n`. */
  private line(bytes: Buffer, start: number, end: number): void {
    if (bytes[end - 1] === 0x0d && end > start) end--;
    if (end - start > MAX_LINE_BYTES) this.tooLong(end - start, hasBareCr(bytes.subarray(start, end)));
    this.lineNo++;
    if (this.lineNo === 1 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) {
      start += 3; // UTF-8 byte order mark
    }
    let first = start;
    while (first < end && (bytes[first] === 0x20 || bytes[first] === 0x09 || bytes[first] === 0x0d)) first++;
    if (first === end) return; // blank line
    this.record(bytes.toString('utf8', first, end));
  }

  private record(text: string): void {
    const line = this.lineNo;
    if (/\d{16}/.test(text)) text = text.replace(BIG_NUMBER, '$1"$2"');
    let rec = parseObject(text);
    if (typeof rec === 'string') {
      // JSON allows a CR between tokens, so it only tells line ends when the line does not parse.
      if (text.includes('\r')) this.ctx.fatal(line, BARE_CR);
      // A JSON object closes itself: a last line without its newline is whole when it parses.
      if (this.atEnd) rec = `the file ends mid-record: its last line has no newline and does not parse (${rec}); was the file cut off, or still being written?`;
    }
    // Every non-blank line sends the metadata first, so a meta line after it is late.
    if (typeof rec !== 'string' && rec.op === 'meta' && !this.metaSent) {
      const meta = metaOf(rec);
      if (typeof meta === 'string') this.ctx.bad(line, meta);
      return this.sendMeta(typeof meta === 'string' ? {} : meta);
    }
    this.sendMeta({});
    if (typeof rec === 'string') return this.ctx.bad(line, rec);
    const op = rec.op;
    if (op === 'meta') return this.ctx.bad(line, 'a meta line is allowed only as the first line');
    if (op === 'snapshot' || op === 'trace') this.ctx.fatal(line, SNAPSHOT_MESSAGE);
    const problem = op === 'stack' ? this.stackRecord(rec) : this.event(rec, op, line);
    if (problem !== undefined) this.ctx.bad(line, problem);
  }

  /** A `stack` record; returns the problem, if any. */
  private stackRecord(r: Json): string | undefined {
    if (!present(r.stack)) return 'missing stack: a stack record needs an integer id in "stack"';
    const id = readStackId(r.stack);
    if (typeof id === 'string') return id;
    const frames = readFrames(r.frames);
    if (frames === undefined) return 'missing frames: a stack record needs "frames", an array of strings';
    if (typeof frames === 'string') return frames;
    const defined = this.guardTables(() => this.ctx.stacks.define(id, frames));
    return typeof defined === 'string' ? defined : defined ? undefined : stackRedefined(id);
  }

  /** An event record: validated into locals first, then pushed. */
  private event(r: Json, opName: unknown, line: number): string | undefined {
    if (!present(opName)) return `missing op: expected ${EXPECTED_OPS}`;
    const op = typeof opName === 'string' ? OP_BY_NAME.get(opName) : undefined;
    if (op === undefined) return `unknown op ${found(opName)}: expected ${EXPECTED_OPS}`;
    let addr = 0;
    let oldAddr = 0;
    let size = NaN;
    let label = '';
    if (op === OP_MARK) {
      if (typeof r.label === 'string' || typeof r.label === 'number') label = String(r.label);
      else if (present(r.label)) return `expected label (text), got ${found(r.label)}`;
      if (label.length > MAX_LABEL_CHARS) return labelTooLong(label);
    } else {
      if (!present(r.addr)) return `missing addr: ${opName as string} needs an address`;
      const a = readAddress(r.addr, 'addr', this.ctx);
      if (typeof a === 'string') return a;
      addr = a;
      if (hasOldAddress(op) && present(r.old_addr)) {
        const o = readAddress(r.old_addr, 'old_addr', this.ctx);
        if (typeof o === 'string') return o;
        oldAddr = o;
      } else if (op === OP_MREMAP) {
        return 'missing old_addr: mremap needs addr, size and old_addr';
      }
      if (present(r.size)) {
        const s = readSize(r.size);
        if (typeof s === 'string') return s;
        size = s;
      } else if (op === OP_ALLOC || op === OP_CALLOC || op === OP_REALLOC || op === OP_ARENA_ALLOC || isMappingOp(op)) {
        return `missing size: ${opName as string} needs a size (non-negative integer)`;
      }
    }
    let domain = present(r.domain) ? (typeof r.domain === 'string' ? domainCode(r.domain) : undefined) : DOMAIN_OBJ;
    if (domain === undefined) return `expected domain obj, mem, raw or native, got ${found(r.domain)}`;
    // A mapping is the native domain's; an absent domain says so too.
    if (isMappingOp(op)) {
      if (present(r.domain) && r.domain !== '' && domain !== DOMAIN_NATIVE) return `${opName as string} with domain ${found(r.domain)}: a mapping's domain is native or absent`;
      domain = DOMAIN_NATIVE;
      const outside = nativeRangeProblem(op, addr, size, this.ctx.addresses);
      if (outside !== undefined) return outside;
    }
    const ts = present(r.ts) ? readInteger(r.ts, 'ts') : NaN;
    if (typeof ts === 'string') return ts;
    const th = r.thread;
    if (present(th) && typeof th !== 'string' && !(typeof th === 'number' && Number.isInteger(th))) {
      return `expected thread (an integer or a string), got ${found(th)}`;
    }
    // Integers beyond 2^53 arrive as text (see the header), exact.
    if ((typeof th === 'number' && !Number.isSafeInteger(th)) || (typeof th === 'string' && /^-?[0-9]+$/.test(th) && !fitsIn64Bits(th))) {
      return `expected thread (${INTEGER_64_RANGE}, or a name), got ${found(th)}`;
    }
    if (typeof th === 'string' && th.length > MAX_THREAD_NAME_CHARS) return threadNameTooLong(th);
    let interp = 0;
    if (present(r.interp)) {
      const id = readInterp(r.interp);
      if (typeof id === 'string') return id;
      interp = id;
    }
    let stack = NO_ID;
    if (present(r.stack) && present(r.frames)) return 'an event carries either stack or frames, not both';
    if (present(r.stack)) {
      const id = readStackId(r.stack);
      if (typeof id === 'string') return id;
      const resolved = this.ctx.stacks.resolve(id);
      if (resolved === undefined) return `stack ${id} is not defined by an earlier stack record`;
      stack = resolved;
    } else if (present(r.frames)) {
      const frames = readFrames(r.frames);
      if (typeof frames === 'string') return frames;
      const interned = this.guardTables(() => this.ctx.stacks.intern(frames ?? []));
      if (typeof interned === 'string') return interned;
      stack = interned;
    }
    const b = this.batch;
    const i = b.push(op, line);
    b.domain[i] = domain;
    b.addr[i] = addr;
    b.oldAddr[i] = oldAddr;
    b.size[i] = size;
    b.ts[i] = ts;
    b.thread[i] = present(th) ? this.thread(th as number | string) : NO_ID;
    b.stack[i] = stack;
    b.interp[i] = interp;
    if (op === OP_MARK) b.label[i] = label;
    if (b.full) this.flush();
    return undefined;
  }

  /** Like the CSV importer: an exact integer, even as text, is a numeric id. */
  private thread(th: number | string): number {
    if (typeof th === 'string' && /^-?[0-9]{1,15}$/.test(th)) th = Number(th);
    return typeof th === 'number' ? this.ctx.threads.internNumber(th) : this.ctx.threads.internString(th);
  }

  /**
   * Table overflow makes the rest of the trace unusable: fatal in every mode.
   * A frame's line number out of range is the record's problem, returned.
   */
  private guardTables<T>(fn: () => T): T | string {
    try {
      return fn();
    } catch (e) {
      if (e instanceof StackLimitError) this.ctx.fatal(this.lineNo, e.message);
      if (e instanceof FrameLineError) return e.message;
      throw e;
    }
  }

  private sendMeta(meta: TraceMeta): void {
    if (this.metaSent) return;
    this.metaSent = true;
    this.sink.meta(meta);
  }

  private flush(): void {
    this.sendMeta({});
    this.sink.batch(this.batch);
    this.batch.length = 0;
  }
}

/** One line as a JSON object, or the problem. */
function parseObject(text: string): Json | string {
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const where = at ? ` at column ${Number(at[1]) + 1}` : '';
    return `invalid JSON${where}: expected one JSON object a line, got ${quoteForMessage(text)}`;
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return `expected a JSON object, got ${found(rec)}`;
  return rec as Json;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * The keys of a meta line as text: true -> "true", 3 -> "3", null -> "",
 * arrays and objects as JSON. The problem instead for a value nested deeper
 * than MAX_JSON_DEPTH (JSON.stringify would recurse past the call stack).
 * Its size needs no bound of its own: it is one line, at most 1 MiB.
 */
function metaOf(r: Json): TraceMeta | string {
  const meta: TraceMeta = {};
  for (const [key, value] of Object.entries(r)) {
    if (key === 'op' || key === '__proto__') continue;
    if (typeof value === 'object' && value !== null && jsonDepth(value) > MAX_JSON_DEPTH) {
      return `meta value ${quoteForMessage(key)} nests arrays or objects more than ${MAX_JSON_DEPTH} deep: expected plain values or shallow JSON`;
    }
    meta[key] =
      typeof value === 'string' ? value : value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return meta;
}

/** What was found, for messages: text quoted and bounded, other values by kind. */
function found(value: unknown): string {
  if (typeof value === 'string') return quoteForMessage(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** An address key, or the problem. Numbers reach here exact (see the header). */
function readAddress(value: unknown, field: string, ctx: ImportContext): number | string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    if (value < LOW_SPAN) return value;
    text = String(value);
  } else {
    const why =
      typeof value !== 'number' ? '' : value < 0 ? ' (negative)' : Number.isInteger(value) ? ' (not exact)' : ' (not an integer)';
    return `${field}: expected an address (0x-prefixed hex, decimal, or a non-negative integer), got ${found(value)}${why}`;
  }
  // Below 2^48 an address is its own key: skip the BigInt path for short hex.
  if (text.length <= 14 && SHORT_HEX.test(text)) return Number(text);
  // parseAddressText returns short decimal text as the key unchecked, which
  // is wrong from 2^48 (15 digits) on; encode those here.
  if (text.length <= 15 && /^[0-9]+$/.test(text) && Number(text) >= LOW_SPAN) text = '0x' + Number(text).toString(16);
  const key = parseAddressText(text, ctx.addresses);
  return typeof key === 'string' ? `${field}: ${key}` : key;
}

function readSize(value: unknown): number | string {
  if (typeof value === 'string') return parseSizeText(value);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value < 0) return `negative size ${value}`;
    if (Number.isSafeInteger(value)) return value;
    if (Number.isInteger(value)) return `size ${value} is too large (at most 2^53-1)`;
  }
  return `expected a size (non-negative integer), got ${found(value)}`;
}

function readInteger(value: unknown, what: string): number | string {
  if (typeof value === 'number' && isInteger64(value)) return value;
  if (typeof value === 'string') return parseIntegerText(value, what);
  if (typeof value === 'number' && Number.isInteger(value)) return `expected ${what} (${INTEGER_64_RANGE}), got ${found(value)}`;
  return `expected ${what} (an integer), got ${found(value)}`;
}

function readStackId(value: unknown): number | string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string') return parseStackIdText(value);
  if (typeof value === 'number' && Number.isInteger(value)) return stackIdOutOfRange(String(value));
  return `expected a stack id (an integer), got ${found(value)}`;
}

/** An interpreter id, as a number or decimal text (as CSV writes it). */
function readInterp(value: unknown): number | string {
  if (typeof value === 'string') return parseInterpText(value);
  if (typeof value === 'number' && Number.isInteger(value)) return parseInterpText(String(value));
  return `${EXPECTED_INTERP}, got ${found(value)}`;
}

/** Frames as an array of strings; undefined when absent; the problem otherwise. */
function readFrames(value: unknown): string[] | string | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) return `expected frames (an array of strings), got ${found(value)}`;
  for (const frame of value) {
    if (typeof frame !== 'string') return `expected frames (an array of strings), found an element ${found(frame)}`;
  }
  return value as string[];
}
