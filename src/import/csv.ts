// CSV trace importer (trace-format.md, "CSV"): a push parser from bytes to
// event batches, the hot path of every replay.
//
// Why it is written by hand: a general CSV library builds a string per field
// and an array per row, which caps parsing well below the replayer's speed.
// Here every record goes through one of the paths below, which share one
// record model (the `r*` scratch fields) and one `commit()`:
//
// - fast paths: scan the bytes of a clean record once with the field scanners
//   of csv-fields.ts; op names are recognised by byte comparison, numbers are
//   parsed straight from bytes, and strings are built only for labels, frames
//   and text thread ids. `fastKnown` is straight-line code for the two column
//   layouts nearly every trace has (the recorder's and the short one of the
//   shared traces); `fast` takes any column order, one field role at a time.
//   Anything unusual (a quote, a NUL, a long or bad number, an unknown op, too
//   many fields, an over-long line) makes them give up on the record *before*
//   any side effect, and the next path parses the same record again.
// - slow path (`slow`): full RFC 4180 (quoted fields with commas, `""` and
//   newlines), comments and metadata before the header, the header itself, and
//   every error message. It accepts exactly what the fast path accepts, with the
//   same result, so the fast path is only an optimisation.
//
// Only the trailing partial record of a chunk is carried to the next one, in a
// reusable buffer capped at 1 MiB per line so that untrusted input cannot make
// us allocate without bound. The end of a carried record is found with a small
// quote-aware state machine (`scanToEnd`) that resumes where the last chunk
// stopped, so a long line fed in tiny chunks costs linear time.

import { DEFAULT_BATCH_CAPACITY, EventBatch } from '../events/event-batch.js';
import {
  DOMAIN_NAMES,
  DOMAIN_NATIVE,
  NO_ID,
  OP_ALLOC,
  OP_ARENA_ALLOC,
  OP_ARENA_FREE,
  OP_CALLOC,
  OP_FREE,
  OP_MARK,
  OP_MMAP,
  OP_MREMAP,
  OP_MUNMAP,
  OP_NAMES,
  OP_REALLOC,
  hasOldAddress,
  isMappingOp,
} from '../events/ops.js';
import { FrameLineError, StackLimitError } from '../events/stack-table.js';
import { DOMAIN_LENGTH, NUM, OP_STACK_RECORD, domainAt, opAt, opLength, scanAddress, scanQuoted, scanSigned, scanSize, scanText } from './csv-fields.js';
import { TraceFormatError } from '../errors.js';
import type { ImportContext } from './import-context.js';
import { MAX_THREAD_NAME_CHARS, threadNameTooLong } from '../events/thread-table.js';
import {
  EXPECTED_OPS,
  INTEGER_64_RANGE,
  MAX_LABEL_CHARS,
  MAX_INTERP_ID,
  MAX_LINE_BYTES,
  MAX_META_CHARS,
  OP_BY_NAME,
  domainCode,
  fitsIn64Bits,
  labelTooLong,
  parseAddressText,
  parseIntegerText,
  parseInterpText,
  parseSizeText,
  parseStackIdText,
  quoteForMessage,
  stackRedefined,
  nativeRangeProblem,
} from './record-fields.js';
import type { ParserFactory, PushParser, TraceMeta, TraceSink } from './types.js';

export { MAX_LINE_BYTES };

const EXPECTED_HEADER = 'expected a header row naming the columns (op,addr,size,...)';
const LONG_LINE = `line longer than 1 MiB: expected CSV lines of at most ${MAX_LINE_BYTES} bytes (is this a CSV trace?)`;
const BINARY = 'binary data (NUL byte) where CSV text was expected (a compressed or binary file?)';
const CUT_RECORD = 'the file ends mid-record: its last line has no newline';
/** Old Mac line ends: without this the whole file reads as one line. */
const BARE_CR =
  'a carriage return (\\r) without a line feed outside a quoted field: expected lines ended by \\n or \\r\\n (old Mac line ends? convert them, e.g. with tr \'\\r\' \'\\n\')';

// Column roles, from the header.
const R_IGNORE = 0;
const R_OP = 1;
const R_ADDR = 2;
const R_SIZE = 3;
const R_OLD_ADDR = 4;
const R_DOMAIN = 5;
const R_TS = 6;
const R_THREAD = 7;
const R_STACK = 8;
const R_FRAMES = 9;
const R_LABEL = 10;
const R_INTERP = 11;
const ROLE_NAMES = ['', 'op', 'addr', 'size', 'old_addr', 'domain', 'ts', 'thread', 'stack', 'frames', 'label', 'interp'];

// Column layouts with a fast path of their own (`fastKnown`).
const L_OTHER = 0;
/** `op,addr,size,old_addr,domain,label`: the shared and synthetic traces. */
const L_SHORT = 1;
/** `op,addr,size,old_addr,domain,ts,thread,stack,frames,label`: what `memreplay record` writes. */
const L_RECORDER = 2;
/** The recorder's layout and `interp`, as it writes on CPython 3.12+ (isolated sub-interpreters). */
const L_RECORDER_INTERP = 3;
const RECORDER_ROLES = [R_OP, R_ADDR, R_SIZE, R_OLD_ADDR, R_DOMAIN, R_TS, R_THREAD, R_STACK, R_FRAMES, R_LABEL];
const LAYOUTS: ReadonlyArray<readonly [number, readonly number[]]> = [
  [L_SHORT, [R_OP, R_ADDR, R_SIZE, R_OLD_ADDR, R_DOMAIN, R_LABEL]],
  [L_RECORDER, RECORDER_ROLES],
  [L_RECORDER_INTERP, [...RECORDER_ROLES, R_INTERP]],
];

function layoutOf(roles: Uint8Array): number {
  for (const [layout, known] of LAYOUTS) {
    if (roles.length === known.length && known.every((role, i) => roles[i] === role)) return layout;
  }
  return L_OTHER;
}

// Bits of `rHas`: which optional fields a record has (non-empty).
const H_ADDR = 1;
const H_SIZE = 2;
const H_OLD = 4;
const H_TS = 8;
const H_THREAD = 16;
const H_STACK = 32;
const H_FRAMES = 64;
const H_LABEL = 128; // `fast` only: the label's bytes are at lbS..lbE
const H_DOMAIN = 256; // the domain field is not empty (mapping ops take none or native)

/** Fields each event op requires, and how to say so. */
const REQUIRED: readonly number[] = [];
const NEEDS: string[] = [];
for (const [op, need, text] of [
  [OP_ALLOC, H_ADDR | H_SIZE, 'alloc needs addr and size'],
  [OP_CALLOC, H_ADDR | H_SIZE, 'calloc needs addr and size'],
  [OP_REALLOC, H_ADDR | H_SIZE, 'realloc needs addr and size (old_addr is optional)'],
  [OP_FREE, H_ADDR, 'free needs addr'],
  [OP_ARENA_ALLOC, H_ADDR | H_SIZE, 'arena_alloc needs addr and size'],
  [OP_ARENA_FREE, H_ADDR, 'arena_free needs addr'],
  [OP_MARK, 0, 'mark needs nothing but a label'],
  [OP_MMAP, H_ADDR | H_SIZE, 'mmap needs addr and size'],
  [OP_MUNMAP, H_ADDR | H_SIZE, 'munmap needs addr and size'],
  [OP_MREMAP, H_ADDR | H_SIZE | H_OLD, 'mremap needs addr, size and old_addr'],
] as const) {
  (REQUIRED as number[])[op] = need;
  NEEDS[op] = text;
}

/** How the recorder's stack records start (fastStackRecord). */
const STACK_RECORD_PREFIX = Uint8Array.from('stack,,,,,,,', (ch) => ch.charCodeAt(0));

/** Stack refs below this have their interned ids in an array (4 bytes each). */
const STACK_REF_CACHE = 1 << 20;

/** commit(): the event's stack was bad and has been reported. */
const BAD_STACK = -2;

const BAIL = -1; // fast path: let the next path handle this record
const INCOMPLETE = -2; // the record runs past the end of the buffer

// States of the record-end scanner.
const S_START = 0; // at the start of a field
const S_UNQUOTED = 1;
const S_QUOTED = 2;
const S_QUOTE_SEEN = 3; // a quote inside a quoted field: closes it, or `""`
const S_COMMENT = 4; // a `#` line before the header: ends at the next newline

/**
 * An integer thread id becomes a number when it is exact, anything else stays
 * text; undefined for an integer beyond 64 bits, which no thread id is.
 */
function threadKey(text: string): number | string | undefined {
  if (/^-?[0-9]+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
    if (!fitsIn64Bits(text)) return undefined;
  }
  return text;
}

class CsvParser implements PushParser {
  private readonly batch: EventBatch;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  private readonly meta: TraceMeta = {};
  /** Characters of metadata keys and values so far, bounded by MAX_META_CHARS. */
  private metaChars = 0;
  private inBody = false;
  private sawComment = false;
  private ended = false;
  private roles = new Uint8Array(0);
  private layout = L_OTHER;
  /** Line number of the first line of the next record. */
  private lineNo = 1;
  private bomChecked = false;
  private head: Uint8Array | null = null;
  private carry = new Uint8Array(4096);
  private carryLen = 0;
  private scanState = S_START;
  private scanNewlines = 0;
  // Slow-path field texts by role, and the header's names.
  private readonly texts: string[] = ROLE_NAMES.map(() => '');
  private readonly names: string[] = [];
  private problem = '';
  // The record being committed.
  private rOp = 0;
  private rHas = 0;
  private rAddr = 0;
  private rOld = 0;
  private rSize = NaN;
  private rDomain = 0;
  private rTs = NaN;
  private rThreadNum = 0;
  private rThreadText: string | null = null;
  private rStack = 0;
  private rFrames = '';
  private rLabel = '';
  private rInterp = 0;
  // Fast paths: where the text fields of the record are, as byte offsets.
  private thS = 0;
  private thE = 0;
  private frS = 0;
  private frE = 0;
  private lbS = 0;
  private lbE = 0;
  // One-entry caches for the thread and stack ids of consecutive events.
  private lastThreadNum = NaN;
  private lastThreadId = NO_ID;
  private lastStackRef = NaN;
  private lastStackId = NO_ID;
  /**
   * Interned stack ids by stack ref, NO_ID where not known yet: recorders
   * number their stacks 1, 2, ..., so this saves a map lookup per event.
   * Refs from STACK_REF_CACHE on use the map and the one-entry cache above.
   */
  private stackByRef = new Int32Array(0);

  constructor(
    private readonly ctx: ImportContext,
    private readonly sink: TraceSink,
    batchCapacity: number,
  ) {
    this.batch = new EventBatch(batchCapacity);
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CSV parser: push() after end()');
    let buf = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.bomChecked) {
      const rest = this.stripBom(buf);
      if (rest === null) return;
      buf = rest;
    }
    this.feed(buf);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.bomChecked) {
      this.bomChecked = true;
      if (this.head !== null) this.feed(this.head);
      this.head = null;
    }
    if (this.carryLen > 0) this.lastLineWithoutNewline();
    if (!this.inBody) {
      if (this.sawComment) this.ctx.fatal(this.lineNo - 1, `no header row after the comments: ${EXPECTED_HEADER}`);
      this.ctx.fatal(0, `empty trace: ${EXPECTED_HEADER}`);
    }
    if (this.batch.length > 0) this.flush();
  }

  /**
   * The input's last line has no newline. Nothing in a CSV record says where
   * it ends but the newline, so such a line is taken for a cut record (a copy
   * or a recording interrupted): `alloc,0x10,16` may be the start of
   * `alloc,0x10,1600`. Strict mode refuses it, saying what was wrong with the
   * line when it does not parse either; lenient mode skips and counts it.
   * Lines before the header (comments, the header itself) cannot be skipped:
   * the file is refused in both modes.
   */
  private lastLineWithoutNewline(): void {
    const line = this.lineNo;
    // Lines ended by CR alone: the whole rest of the file is this "line".
    if (hasBareCr(this.carry, 0, this.carryLen)) this.ctx.fatal(line, BARE_CR);
    if (this.inBody && this.ctx.lenient && this.scanState !== S_QUOTED) {
      if (!isBlank(this.carry, 0, this.carryLen)) this.ctx.bad(line, `${CUT_RECORD}; skipped`);
      this.carryLen = 0;
      return;
    }
    this.appendCarry(new Uint8Array([10]), 0, 1, true);
    let pos: number;
    try {
      pos = this.processRecords(this.carry, 0, this.carryLen);
    } catch (e) {
      if (!(e instanceof TraceFormatError) || e.line !== line || e.detail.startsWith(BARE_CR)) throw e;
      throw new TraceFormatError(e.file, line, `${CUT_RECORD} and does not parse (${e.detail}); was the file cut off, or still being written?`);
    }
    if (pos < this.carryLen) {
      this.ctx.fatal(line, 'unterminated quoted field: expected a closing quote (") before the end of the input');
    }
    this.carryLen = 0;
    if (this.lineNo > line && !isBlank(this.carry, 0, pos - 1)) {
      this.ctx.fatal(line, `${CUT_RECORD}, so it may be cut (was the file cut off, or still being written?): end it with a newline if it is whole, or pass --lenient to skip it`);
    }
  }

  /** Drop a leading UTF-8 BOM, which may arrive split over the first chunks. */
  private stripBom(buf: Uint8Array): Uint8Array | null {
    let all = buf;
    if (this.head !== null) {
      all = new Uint8Array(this.head.length + buf.length);
      all.set(this.head);
      all.set(buf, this.head.length);
    }
    const bom = [0xef, 0xbb, 0xbf];
    if (all.length < 3 && all.every((b, i) => b === bom[i])) {
      this.head = all.slice();
      return null;
    }
    this.bomChecked = true;
    this.head = null;
    return all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf ? all.subarray(3) : all;
  }

  private feed(buf: Uint8Array): void {
    let pos = 0;
    if (this.carryLen > 0) {
      const nl = this.scanToEnd(buf, 0, buf.length);
      if (nl < 0) {
        this.appendCarry(buf, 0, buf.length, false);
        return;
      }
      this.appendCarry(buf, 0, nl + 1, true);
      this.processRecords(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      pos = nl + 1;
    }
    pos = this.processRecords(buf, pos, buf.length);
    if (pos < buf.length) {
      this.scanState = !this.inBody && buf[pos] === 35 ? S_COMMENT : S_START;
      this.scanNewlines = 0;
      this.scanToEnd(buf, pos, buf.length);
      this.appendCarry(buf, pos, buf.length, false);
    }
  }

  /** Copy bytes of the pending record into the carry buffer, within the line cap. */
  private appendCarry(src: Uint8Array, s: number, e: number, complete: boolean): void {
    const n = this.carryLen + (e - s);
    // Incomplete: the line has at least n-1 bytes (the last may be the \r of a
    // \r\n). Complete: n includes the terminator, at most \r\n.
    if (n > MAX_LINE_BYTES + (complete ? 2 : 1)) {
      const open = !complete && this.scanState === S_QUOTED;
      if (open) this.ctx.fatal(this.lineNo, `${LONG_LINE}; it is inside a quoted field: is a closing quote missing?`);
      const crOnly = hasBareCr(this.carry, 0, this.carryLen) || hasBareCr(src, s, e);
      this.ctx.fatal(this.lineNo, crOnly ? `${LONG_LINE}; ${BARE_CR}` : LONG_LINE);
    }
    if (n > this.carry.length) {
      const grown = new Uint8Array(Math.min(Math.max(n, this.carry.length * 2), MAX_LINE_BYTES + 2));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(src.subarray(s, e), this.carryLen);
    this.carryLen = n;
  }

  /** Parse the complete records of buf[pos..limit); returns where the incomplete rest starts. */
  private processRecords(buf: Uint8Array, pos: number, limit: number): number {
    // Records that start before the end of the last line are what the fast
    // paths may take: each of them has its newline in the buffer.
    const fastEnd = pos < limit ? buf.lastIndexOf(10, limit - 1) + 1 : pos;
    while (pos < limit) {
      // Full batches go out here, before the next record, rather than from
      // commit(): the fast paths then have no rare call in them.
      if (this.batch.full) this.flush();
      let next = BAIL;
      if (pos < fastEnd && this.inBody) {
        if (this.layout !== L_OTHER) {
          pos = this.fastKnown(buf, pos, fastEnd);
          if (pos === fastEnd || this.batch.full) continue;
        }
        next = this.fast(buf, pos, fastEnd);
      }
      if (next === BAIL) next = this.slow(buf, pos, limit);
      if (next === INCOMPLETE) return pos;
      pos = next;
    }
    if (this.batch.full) this.flush();
    return pos;
  }

  private flush(): void {
    this.sink.batch(this.batch);
    this.batch.length = 0;
  }

  /**
   * Advance the record-end state machine over buf[from..limit). Returns the
   * index of the newline that ends the record, or -1 (state kept for the next
   * chunk). Counts newlines inside quoted fields; a NUL byte is fatal.
   */
  private scanToEnd(buf: Uint8Array, from: number, limit: number): number {
    let s = this.scanState;
    for (let p = from; p < limit; p++) {
      const c = buf[p]!;
      if (c === 0) this.ctx.fatal(this.lineNo + this.scanNewlines, BINARY);
      if (s === S_QUOTED) {
        if (c === 34) s = S_QUOTE_SEEN;
        else if (c === 10) this.scanNewlines++;
        continue;
      }
      if (s === S_COMMENT) {
        if (c === 10) return p;
        continue;
      }
      if (c === 34 && s !== S_UNQUOTED) {
        // Opens a field (S_START) or is an escaped quote (S_QUOTE_SEEN).
        s = S_QUOTED;
      } else if (c === 44) {
        s = S_START;
      } else if (c === 10) {
        return p;
      } else {
        s = S_UNQUOTED;
      }
    }
    this.scanState = s;
    return -1;
  }

  /**
   * The fast path for the layouts in LAYOUTS: the fields in their order, with
   * no dispatch on column roles. A record may end after any field (the rest
   * is empty). Takes records from `pos` on until one of them is for the next
   * path, `end` (the end of the complete lines) or a full batch, and returns
   * where it stopped: one call per run of records, as nearly all records
   * are such records. The `r*` fields are scratch: written only when
   * present, read by commit() under `has`.
   *
   * What V8 optimises here is what it has seen run: code that only rare
   * records would reach (a mark's label, flushing a batch) is left to the
   * other paths, so that it cannot throw this function's optimised code
   * away halfway through a trace.
   */
  private fastKnown(buf: Uint8Array, pos: number, end: number): number {
    const withInterp = this.layout === L_RECORDER_INTERP;
    const recorder = this.layout === L_RECORDER || withInterp;
    const batch = this.batch;
    while (pos < end && batch.length < batch.capacity) {
      const start = pos;
      const op = opAt(buf, start);
      if (op === OP_STACK_RECORD && recorder) {
        const next = this.fastStackRecord(buf, start, withInterp);
        if (next === BAIL) return start;
        pos = next;
        continue;
      }
      if (op < 0 || op === OP_MARK || op === OP_STACK_RECORD) return start;
      let p = start + opLength(op);
      let has = 0;
      let q: number;
      this.rDomain = 0;
      this.rInterp = 0;
      this.rThreadText = null;
      // Each field is looked at only when it is not empty (the byte after
      // the comma before it is not the next comma).
      fields: {
        if (buf[p] !== 44) break fields;
        if (buf[++p] !== 44) {
          q = scanAddress(buf, p, end);
          if (q < 0) return start;
          if (q > p) {
            this.rAddr = NUM[0]!;
            has |= H_ADDR;
            p = q;
          }
        }
        if (buf[p] !== 44) break fields;
        if (buf[++p] !== 44) {
          q = scanSize(buf, p);
          if (q < 0) return start;
          if (q > p) {
            this.rSize = NUM[0]!;
            has |= H_SIZE;
            p = q;
          }
        }
        if (buf[p] !== 44) break fields;
        if (buf[++p] !== 44) {
          q = scanAddress(buf, p, end);
          if (q < 0) return start;
          if (q > p) {
            this.rOld = NUM[0]!;
            has |= H_OLD;
            p = q;
          }
        }
        if (buf[p] !== 44) break fields;
        if (buf[++p] !== 44) {
          const domain = domainAt(buf, p);
          if (domain >= 0) {
            this.rDomain = domain;
            has |= H_DOMAIN;
            p += DOMAIN_LENGTH[domain]!;
          }
        }
        if (buf[p] !== 44) break fields;
        if (recorder) {
          if (buf[++p] !== 44) {
            q = scanSigned(buf, p);
            if (q < 0) return start;
            if (q > p) {
              this.rTs = NUM[0]!;
              has |= H_TS;
              p = q;
            }
          }
          if (buf[p] !== 44) break fields;
          if (buf[++p] !== 44) {
            // A thread id is nearly always an integer: read as one at once.
            q = scanSigned(buf, p);
            if (q > p && (buf[q] === 44 || buf[q] === 10 || buf[q] === 13)) {
              this.rThreadNum = NUM[0]!;
              has |= H_THREAD;
              p = q;
            } else {
              q = scanText(buf, p);
              if (q > p) {
                if (!this.threadFromBytes(buf, p, q)) return start;
                has |= H_THREAD;
                p = q;
              }
            }
          }
          if (buf[p] !== 44) break fields;
          if (buf[++p] !== 44) {
            q = scanSigned(buf, p);
            if (q < 0) return start;
            if (q > p) {
              this.rStack = NUM[0]!;
              has |= H_STACK;
              p = q;
            }
          }
          if (buf[p] !== 44) break fields;
          if (buf[++p] !== 44) {
            q = scanText(buf, p);
            if (q > p) {
              this.frS = p;
              this.frE = q;
              has |= H_FRAMES;
              p = q;
            }
          }
          if (buf[p] !== 44) break fields;
        }
        // The label: only marks have one, so it is only checked.
        p = scanText(buf, p + 1);
        if (withInterp && buf[p] === 44) {
          q = scanSize(buf, ++p);
          if (q < 0 || NUM[0]! > MAX_INTERP_ID) return start;
          if (q > p) this.rInterp = NUM[0]!;
          p = q;
        }
      }
      let next: number;
      const c = buf[p];
      if (c === 10) next = p + 1;
      else if (c === 13 && buf[p + 1] === 10) next = p + 2;
      else return start;
      if (p - start > MAX_LINE_BYTES) return start;
      this.rOp = op;
      this.rHas = has;
      this.rFrames = has & H_FRAMES ? this.decoder.decode(buf.subarray(this.frS, this.frE)) : '';
      this.commit(this.lineNo++);
      pos = next;
    }
    return pos;
  }

  /**
   * A stack record as the recorder writes it, `stack,,,,,,,ID,"FRAMES",`,
   * checked against that shape byte by byte: no field loop, and the frames
   * (hundreds of bytes) scanned once. Anything else is BAIL, before any
   * side effect.
   */
  private fastStackRecord(buf: Uint8Array, start: number, withInterp: boolean): number {
    for (let i = 0; i < STACK_RECORD_PREFIX.length; i++) if (buf[start + i] !== STACK_RECORD_PREFIX[i]) return BAIL;
    const ids = start + STACK_RECORD_PREFIX.length;
    const q = scanSigned(buf, ids);
    if (q <= ids || buf[q] !== 44 || buf[q + 1] !== 34) return BAIL;
    const ref = NUM[0]!;
    const after = scanQuoted(buf, q + 1);
    // Then an empty label (and an empty interp, when that column follows) and the line end.
    if (after < 0 || after === q + 3 || buf[after] !== 44) return BAIL;
    const eol = withInterp && buf[after + 1] === 44 ? after + 2 : after + 1;
    let next = eol + 1;
    if (buf[eol] !== 10) {
      if (buf[eol] !== 13 || buf[eol + 1] !== 10) return BAIL;
      next = eol + 2;
    }
    if (after + 1 - start > MAX_LINE_BYTES) return BAIL;
    this.rOp = OP_STACK_RECORD;
    this.rHas = H_STACK | H_FRAMES;
    this.rStack = ref;
    this.rFrames = this.decoder.decode(buf.subarray(q + 2, after - 1));
    this.commit(this.lineNo++);
    return next;
  }

  /**
   * The fast path for any column order: one clean record (text fields may be
   * in simple quotes), one field at a time by its role. Takes the records
   * fastKnown leaves (marks, stack records) and those of any other header.
   * Returns the index after the record, or BAIL.
   */
  private fast(buf: Uint8Array, start: number, end: number): number {
    const roles = this.roles;
    const ncols = roles.length;
    let p = start;
    let col = 0;
    let has = 0;
    let op = -1;
    this.rDomain = 0;
    this.rInterp = 0;
    for (;;) {
      const role = roles[col]!;
      let q: number;
      switch (role) {
        case R_OP:
          op = opAt(buf, p);
          if (op < 0) return BAIL;
          q = p + opLength(op);
          break;
        case R_ADDR:
        case R_OLD_ADDR:
          q = scanAddress(buf, p, end);
          if (q < 0) return BAIL;
          if (q === p) break;
          if (role === R_ADDR) {
            this.rAddr = NUM[0]!;
            has |= H_ADDR;
          } else {
            this.rOld = NUM[0]!;
            has |= H_OLD;
          }
          break;
        case R_SIZE:
          q = scanSize(buf, p);
          if (q < 0) return BAIL;
          if (q === p) break;
          this.rSize = NUM[0]!;
          has |= H_SIZE;
          break;
        case R_DOMAIN: {
          const domain = domainAt(buf, p);
          q = p;
          if (domain >= 0) {
            this.rDomain = domain;
            has |= H_DOMAIN;
            q += DOMAIN_LENGTH[domain]!;
          }
          break;
        }
        case R_TS:
        case R_STACK:
          q = scanSigned(buf, p);
          if (q < 0) return BAIL;
          if (q === p) break;
          if (role === R_TS) {
            this.rTs = NUM[0]!;
            has |= H_TS;
          } else {
            this.rStack = NUM[0]!;
            has |= H_STACK;
          }
          break;
        case R_INTERP:
          q = scanSize(buf, p);
          if (q < 0 || NUM[0]! > MAX_INTERP_ID) return BAIL;
          if (q > p) this.rInterp = NUM[0]!;
          break;
        default: {
          // Text fields (thread, frames, label) and ignored columns, plain
          // or in simple quotes (as the recorder writes a stack's frames).
          let s = p;
          let e: number;
          if (buf[p] === 34) {
            q = scanQuoted(buf, p);
            if (q < 0) return BAIL;
            s = p + 1;
            e = q - 1;
          } else {
            q = e = scanText(buf, p);
          }
          if (e === s) break;
          if (role === R_THREAD) {
            this.thS = s;
            this.thE = e;
            has |= H_THREAD;
          } else if (role === R_FRAMES) {
            this.frS = s;
            this.frE = e;
            has |= H_FRAMES;
          } else if (role === R_LABEL) {
            this.lbS = s;
            this.lbE = e;
            has |= H_LABEL;
          }
        }
      }
      p = q;
      if (buf[p] !== 44) break;
      p++;
      if (++col >= ncols) return BAIL;
    }
    return this.finish(buf, start, p, op, has);
  }

  /**
   * A fast path's record ends at p: take it when a line end is there (and it
   * names an op), building the strings it needs, and commit it. Returns the
   * index after the line end, or BAIL.
   */
  private finish(buf: Uint8Array, start: number, p: number, op: number, has: number): number {
    let next: number;
    const c = buf[p];
    if (c === 10) next = p + 1;
    else if (c === 13 && buf[p + 1] === 10) next = p + 2;
    else return BAIL;
    if (op < 0 || p - start > MAX_LINE_BYTES) return BAIL;
    this.rOp = op;
    this.rHas = has & ~H_LABEL;
    this.rThreadText = null;
    if (has & H_THREAD && !this.threadFromBytes(buf, this.thS, this.thE)) return BAIL;
    this.rFrames = has & H_FRAMES ? this.decoder.decode(buf.subarray(this.frS, this.frE)) : '';
    this.rLabel = op === OP_MARK && has & H_LABEL ? this.decoder.decode(buf.subarray(this.lbS, this.lbE)) : '';
    this.commit(this.lineNo++);
    return next;
  }

  /** The thread id of buf[s..e) into rThreadNum or rThreadText; false (for the slow path) when it is out of range. */
  private threadFromBytes(buf: Uint8Array, s: number, e: number): boolean {
    const neg = buf[s] === 45;
    const ds = neg ? s + 1 : s;
    let v = 0;
    let p = ds;
    while (p < e) {
      const d = buf[p]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      p++;
    }
    if (p === e && p > ds && p - ds <= 15) {
      this.rThreadNum = neg ? -v : v;
      return true;
    }
    const key = threadKey(this.decoder.decode(buf.subarray(s, e)));
    if (key === undefined) return false;
    if (typeof key === 'number') this.rThreadNum = key;
    else this.rThreadText = key;
    return true;
  }

  /**
   * The slow path: any record, before or after the header. Returns the index
   * after it or INCOMPLETE.
   */
  private slow(buf: Uint8Array, start: number, limit: number): number {
    this.scanState = !this.inBody && buf[start] === 35 ? S_COMMENT : S_START;
    this.scanNewlines = 0;
    const nl = this.scanToEnd(buf, start, limit);
    if (nl < 0) return INCOMPLETE;
    const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    const line = this.lineNo;
    this.lineNo += 1 + this.scanNewlines;
    if (end - start > MAX_LINE_BYTES) this.ctx.fatal(line, longLine(buf, start, end));
    if (end === start) return nl + 1; // blank line
    if (this.inBody) this.slowRecord(buf, start, end, line);
    else if (buf[start] === 35) this.comment(buf, start, end, line);
    else this.header(buf, start, end, line);
    return nl + 1;
  }

  /** `# key: value` is metadata; any other `#` line is a comment. */
  private comment(buf: Uint8Array, start: number, end: number, line: number): void {
    if (buf.subarray(start, end).includes(13)) this.ctx.fatal(line, BARE_CR);
    this.sawComment = true;
    const text = this.decoder.decode(buf.subarray(start + 1, end));
    const colon = text.indexOf(':');
    if (colon < 0) return;
    const key = text.slice(0, colon).trim();
    if (key === '') return;
    const value = text.slice(colon + 1).trim();
    // Every definition counts, a repeated key too: the bound is on what the lines can make us do.
    this.metaChars += key.length + value.length;
    if (this.metaChars > MAX_META_CHARS) {
      return this.ctx.bad(
        line,
        `more than ${MAX_META_CHARS / 1024} Ki characters of # key: value metadata: expected a few short lines (the trace's metadata is kept whole)`,
      );
    }
    // defineProperty: a key like `__proto__` stays a plain own property.
    Object.defineProperty(this.meta, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  private header(buf: Uint8Array, start: number, end: number, line: number): void {
    const n = this.splitFields(buf, start, end, null, line);
    if (n < 0) this.ctx.fatal(line, `${this.problem} (in the header row)`);
    const roles = new Uint8Array(n);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const name = this.names[i]!.trim().toLowerCase();
      const role = ROLE_NAMES.indexOf(name);
      if (role <= 0) continue;
      if (seen.has(role)) this.ctx.fatal(line, `header names the column ${quoteForMessage(name)} twice: expected each column once`);
      seen.add(role);
      roles[i] = role;
    }
    if (!seen.has(R_OP)) {
      const found = quoteForMessage(this.decoder.decode(buf.subarray(start, end)));
      this.ctx.fatal(line, `header has no \`op\` column: ${EXPECTED_HEADER}, found ${found}`);
    }
    this.roles = roles;
    this.layout = layoutOf(roles);
    this.inBody = true;
    this.sink.meta(this.meta);
  }

  /**
   * Split the record buf[start..end) (terminator excluded) into field texts:
   * by role into `texts` (roles given), or all into `names` (roles null).
   * Returns the field count, or -1 with `problem` set on broken quoting. A
   * bare CR outside quotes is fatal: it is how a file with CR-only line ends
   * looks, and the rest of such a file cannot be read as lines.
   */
  private splitFields(buf: Uint8Array, start: number, end: number, roles: Uint8Array | null, line: number): number {
    let p = start;
    let n = 0;
    for (;;) {
      let text = '';
      const role = roles === null ? -1 : n < roles.length ? roles[n]! : R_IGNORE;
      if (p < end && buf[p] === 34) {
        let q = p + 1;
        let escaped = false;
        for (; q < end; q++) {
          if (buf[q] !== 34) continue;
          if (q + 1 >= end || buf[q + 1] !== 34) break;
          escaped = true;
          q++;
        }
        if (q >= end) {
          this.problem = `unterminated quoted field ${n + 1}: expected a closing quote (")`;
          return -1;
        }
        if (role !== R_IGNORE) {
          text = this.decoder.decode(buf.subarray(p + 1, q));
          if (escaped) text = text.replaceAll('""', '"');
        }
        p = q + 1;
        if (p < end && buf[p] !== 44) {
          const after = this.decoder.decode(buf.subarray(p, Math.min(end, p + 40)));
          this.problem = `broken quoting: characters after a closing quote in field ${n + 1} (${quoteForMessage(after)}): expected a comma or the end of the line; write a quote inside a quoted field as ""`;
          return -1;
        }
      } else {
        let q = p;
        while (q < end && buf[q] !== 44) {
          if (buf[q] === 13) this.ctx.fatal(line, BARE_CR);
          if (buf[q] === 34) {
            const field = this.decoder.decode(buf.subarray(p, Math.min(end, p + 40)));
            this.problem = `broken quoting: a quote inside the unquoted field ${n + 1} (${quoteForMessage(field)}): expected the whole field in quotes, with inner quotes doubled`;
            return -1;
          }
          q++;
        }
        if (role !== R_IGNORE && q > p) text = this.decoder.decode(buf.subarray(p, q));
        p = q;
      }
      if (roles === null) this.names[n] = text;
      else if (role !== R_IGNORE) this.texts[role] = text;
      n++;
      if (p >= end) return n;
      p++; // the comma
    }
  }

  /** Interpret a record through its field texts, with full checks and messages. */
  private slowRecord(buf: Uint8Array, start: number, end: number, line: number): void {
    const ctx = this.ctx;
    const t = this.texts;
    t.fill('');
    const n = this.splitFields(buf, start, end, this.roles, line);
    if (n < 0) return ctx.bad(line, this.problem);
    if (n > this.roles.length) {
      return ctx.bad(
        line,
        `${n} fields but the header names ${this.roles.length} columns: expected at most ${this.roles.length} (quote a field that contains commas)`,
      );
    }
    const opText = t[R_OP]!;
    const op = OP_BY_NAME.get(opText) ?? (opText === 'stack' ? OP_STACK_RECORD : -1);
    if (op < 0) {
      if (opText === '') return ctx.bad(line, `missing op: expected ${EXPECTED_OPS}`);
      if (opText.startsWith('#')) {
        return ctx.bad(line, `comment after the header (${quoteForMessage(opText)}): expected a record; # lines are allowed only before the header`);
      }
      return ctx.bad(line, `unknown op ${quoteForMessage(opText)}: expected ${EXPECTED_OPS}`);
    }
    let has = 0;
    this.rAddr = 0;
    this.rOld = 0;
    this.rSize = NaN;
    this.rDomain = 0;
    this.rTs = NaN;
    this.rInterp = 0;
    this.rThreadText = null;
    if (op !== OP_STACK_RECORD) {
      if (op !== OP_MARK) {
        if (t[R_ADDR] !== '') {
          const a = parseAddressText(t[R_ADDR]!, ctx.addresses);
          if (typeof a === 'string') return ctx.bad(line, addressProblem('addr', a));
          this.rAddr = a;
          has |= H_ADDR;
        }
        if (t[R_SIZE] !== '') {
          const s = parseSizeText(t[R_SIZE]!);
          if (typeof s === 'string') return ctx.bad(line, s.startsWith('negative') ? `${s}: expected a non-negative integer` : s);
          this.rSize = s;
          has |= H_SIZE;
        }
      }
      if (hasOldAddress(op) && t[R_OLD_ADDR] !== '') {
        const a = parseAddressText(t[R_OLD_ADDR]!, ctx.addresses);
        if (typeof a === 'string') return ctx.bad(line, addressProblem('old_addr', a));
        this.rOld = a;
        has |= H_OLD;
      }
      const domain = domainCode(t[R_DOMAIN]!);
      if (domain === undefined) {
        return ctx.bad(line, `unknown domain ${quoteForMessage(t[R_DOMAIN]!)}: expected obj, mem, raw or native (empty means obj)`);
      }
      this.rDomain = domain;
      if (t[R_DOMAIN] !== '') has |= H_DOMAIN;
      if (t[R_TS] !== '') {
        const ts = parseIntegerText(t[R_TS]!, 'a timestamp in ts');
        if (typeof ts === 'string') return ctx.bad(line, ts);
        this.rTs = ts;
        has |= H_TS;
      }
      if (t[R_INTERP] !== '') {
        const interp = parseInterpText(t[R_INTERP]!);
        if (typeof interp === 'string') return ctx.bad(line, interp);
        this.rInterp = interp;
      }
      if (t[R_THREAD] !== '') {
        const key = threadKey(t[R_THREAD]!);
        if (key === undefined) return ctx.bad(line, `expected thread (${INTEGER_64_RANGE}, or a name), got ${quoteForMessage(t[R_THREAD]!)}`);
        if (typeof key === 'number') this.rThreadNum = key;
        else this.rThreadText = key;
        has |= H_THREAD;
      }
    }
    if (t[R_STACK] !== '') {
      const id = parseStackIdText(t[R_STACK]!);
      if (typeof id === 'string') return ctx.bad(line, id);
      this.rStack = id;
      has |= H_STACK;
    }
    if (t[R_FRAMES] !== '') has |= H_FRAMES;
    this.rFrames = t[R_FRAMES]!;
    this.rLabel = op === OP_MARK ? t[R_LABEL]! : '';
    this.rOp = op;
    this.rHas = has;
    this.commit(line);
  }

  /** Validate the record in the `r*` fields against its op and add it to the batch. */
  private commit(line: number): void {
    const op = this.rOp;
    const has = this.rHas;
    if (op === OP_STACK_RECORD) return this.defineStack(line);
    const need = REQUIRED[op]!;
    if ((has & need) !== need) {
      const missing = need & ~has;
      return this.ctx.bad(line, `missing ${missing & H_ADDR ? 'addr' : missing & H_SIZE ? 'size' : 'old_addr'}: ${NEEDS[op]}`);
    }
    // A mapping is the native domain's; an empty domain says so too.
    if (isMappingOp(op)) {
      if (has & H_DOMAIN && this.rDomain !== DOMAIN_NATIVE) {
        return this.ctx.bad(line, `${OP_NAMES[op]} with domain ${DOMAIN_NAMES[this.rDomain]}: a mapping's domain is native or empty`);
      }
      this.rDomain = DOMAIN_NATIVE;
      const outside = nativeRangeProblem(op, this.rAddr, this.rSize, this.ctx.addresses);
      if (outside !== undefined) return this.ctx.bad(line, outside);
    }
    // Text a replay keeps is bounded in size, not only in count.
    if (op === OP_MARK && this.rLabel.length > MAX_LABEL_CHARS) return this.ctx.bad(line, labelTooLong(this.rLabel));
    if (this.rThreadText !== null && this.rThreadText.length > MAX_THREAD_NAME_CHARS) {
      return this.ctx.bad(line, threadNameTooLong(this.rThreadText));
    }
    // The usual stack and thread are known already (see stackByRef and
    // lastThreadNum); resolving any other is a call.
    let stack = NO_ID;
    if (has & (H_STACK | H_FRAMES)) {
      const ref = this.rStack;
      const cache = this.stackByRef;
      const known = (has & (H_STACK | H_FRAMES)) === H_STACK && ref >= 0 && ref < cache.length ? cache[ref]! : NO_ID;
      stack = known !== NO_ID ? known : this.stackOf(line, has);
      if (stack === BAD_STACK) return;
    }
    let thread = NO_ID;
    if (has & H_THREAD) {
      const cached = this.rThreadText === null && this.rThreadNum === this.lastThreadNum;
      thread = cached ? this.lastThreadId : this.threadOf();
    }
    // Every column of the event is written here, once (not through
    // EventBatch.push, which would first write each one's absent value).
    // Labels only for marks: other events' entries are stale by contract.
    const b = this.batch;
    const i = b.length;
    b.op[i] = op;
    b.line[i] = line;
    b.domain[i] = this.rDomain;
    b.addr[i] = op === OP_MARK ? 0 : this.rAddr;
    b.size[i] = op !== OP_MARK && has & H_SIZE ? this.rSize : NaN;
    b.oldAddr[i] = has & H_OLD && hasOldAddress(op) ? this.rOld : 0;
    b.ts[i] = has & H_TS ? this.rTs : NaN;
    b.thread[i] = thread;
    b.stack[i] = stack;
    b.interp[i] = this.rInterp;
    if (op === OP_MARK) b.label[i] = this.rLabel;
    b.length = i + 1;
  }

  private defineStack(line: number): void {
    const ctx = this.ctx;
    const has = this.rHas;
    if (!(has & H_STACK)) return ctx.bad(line, 'missing stack: a stack record needs stack (its id) and frames');
    if (!(has & H_FRAMES)) return ctx.bad(line, 'missing frames: a stack record needs stack (its id) and frames');
    let defined: boolean;
    try {
      defined = ctx.stacks.define(this.rStack, this.rFrames.split(';'));
    } catch (e) {
      if (e instanceof FrameLineError) return ctx.bad(line, e.message);
      this.limitExceeded(line, e);
    }
    // A definition never changes, so the stack ref caches stay valid.
    if (!defined) ctx.bad(line, stackRedefined(this.rStack));
  }

  /** The stack id of an event with a stack ref or inline frames; BAD_STACK once reported as bad. */
  private stackOf(line: number, has: number): number {
    const ctx = this.ctx;
    if (has & H_STACK) {
      if (has & H_FRAMES) {
        ctx.bad(line, 'both stack and frames: expected an event to carry a stack id or inline frames, not both');
        return BAD_STACK;
      }
      const ref = this.rStack;
      if (ref === this.lastStackRef) return this.lastStackId;
      const id = ctx.stacks.resolve(ref);
      if (id === undefined) {
        ctx.bad(line, `stack ${ref} is not defined by an earlier stack record`);
        return BAD_STACK;
      }
      if (ref >= 0 && ref < STACK_REF_CACHE) {
        if (ref >= this.stackByRef.length) this.growStackCache(ref);
        this.stackByRef[ref] = id;
      } else {
        this.lastStackRef = ref;
        this.lastStackId = id;
      }
      return id;
    }
    try {
      return ctx.stacks.internJoined(this.rFrames);
    } catch (e) {
      if (!(e instanceof FrameLineError)) return this.limitExceeded(line, e);
      ctx.bad(line, e.message);
      return BAD_STACK;
    }
  }

  private growStackCache(ref: number): void {
    let n = Math.max(1024, this.stackByRef.length);
    while (n <= ref) n *= 2;
    const grown = new Int32Array(Math.min(n, STACK_REF_CACHE)).fill(NO_ID);
    grown.set(this.stackByRef);
    this.stackByRef = grown;
  }

  private threadOf(): number {
    if (this.rThreadText !== null) return this.ctx.threads.internString(this.rThreadText);
    this.lastThreadNum = this.rThreadNum;
    return (this.lastThreadId = this.ctx.threads.internNumber(this.rThreadNum));
  }

  private limitExceeded(line: number, e: unknown): never {
    if (e instanceof StackLimitError) this.ctx.fatal(line, e.message);
    throw e;
  }
}

/** A line over the cap; one with a bare CR in it is most likely a file with CR-only line ends. */
function longLine(buf: Uint8Array, start: number, end: number): string {
  return hasBareCr(buf, start, end) ? `${LONG_LINE}; ${BARE_CR}` : LONG_LINE;
}

/** Whether buf[start..end) has a CR followed by something else than LF (quoted or not: a scan, for error paths). */
function hasBareCr(buf: Uint8Array, start: number, end: number): boolean {
  for (let p = buf.indexOf(13, start); p >= 0 && p + 1 < end; p = buf.indexOf(13, p + 1)) {
    if (buf[p + 1] !== 10) return true;
  }
  return false;
}

/** A last line with nothing in it, or only the CR of a CR LF cut before its LF. */
function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  return end === start || (end === start + 1 && buf[start] === 13);
}

function addressProblem(column: string, problem: string): string {
  if (problem.startsWith('address beyond 64 bits')) return `${problem} in ${column}: expected at most 64 bits (16 hex digits)`;
  return `${column}: ${problem}`;
}

/** The CSV importer (trace-format.md, "CSV"). */
export const createCsvParser: ParserFactory = (ctx, sink, options) =>
  new CsvParser(ctx, sink, options?.batchCapacity ?? DEFAULT_BATCH_CAPACITY);
