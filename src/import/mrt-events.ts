// Decoding one events chunk's payload (docs/trace-format-binary.md, "E:
// events") into columns, knowing nothing but the payload: ids stay the
// file's (stack, thread, label) and addresses at or above 2^48 are set
// aside as BigInts, so this runs anywhere, a worker included. The reader
// then maps the ids through its tables (mrt.ts). The loop reads varints
// inline: it is the whole cost of reading a binary trace.

import {
  DOMAIN_COUNT,
  DOMAIN_NAMES,
  DOMAIN_NATIVE,
  NO_ID,
  OP_ALLOC,
  OP_ARENA_ALLOC,
  OP_CALLOC,
  OP_COUNT,
  OP_MARK,
  OP_MMAP,
  OP_MREMAP,
  OP_MUNMAP,
  OP_NAMES,
  OP_REALLOC,
  hasOldAddress,
  isMappingOp,
} from '../events/ops.js';
import { MrtCursor, PayloadError } from './mrt-cursor.js';
import {
  ADDRESS_ROLES,
  ROLE_ARENA,
  ROLE_RELEASED,
  SIZE_GROUPS,
  sizeGroup,
  F0_DOMAIN_SHIFT,
  F0_OP_EXTENDED,
  F0_OLD_ADDR,
  F0_OP_MASK,
  F0_SIZE,
  F0_TS,
  F1_ADDR_HIGH,
  F1_INTERP,
  F1_OLD_ADDR_HIGH,
  F1_STACK_SHIFT,
  F1_THREAD_MASK,
  F1_TS_RAW,
  LOW_ADDRESS_LIMIT,
  EVENT_STREAM_COUNT,
  STREAM_ADDRESSES,
  STREAM_FLAGS,
  STREAM_REFS,
  STREAM_SIZES,
  STREAM_TIMES,
  REF_GIVEN,
  REF_NONE,
  REF_SAME,
  V1_DOMAIN_COUNT,
  V1_OP_COUNT,
} from './mrt-format.js';

/** Bytes a decoded event takes in a DecodedEvents buffer: 5 float64, 4 int32 and 2 uint8 columns. */
const BYTES_PER_EVENT = 5 * 8 + 4 * 4 + 2;

/**
 * The decoded events of one chunk; ids are the file's, a negative address
 * -1 - k is `high[k]`. Every column lies in one ArrayBuffer, so a worker
 * hands a chunk over (and gets it back to reuse) as one transfer. The
 * columns are EventBatch's, plus the label ids of marks; `line` is left for
 * the reader to number.
 */
export class DecodedEvents {
  count = 0;
  /** Where the flags stream starts in the payload: event k's flags are at flagsAt + 2k, the place its messages name. */
  flagsAt = 0;
  /**
   * What the reader checks before its fast path (mrt.ts deliver): the
   * largest stack and thread ids (NO_ID: none), the events it will drop as
   * bad records (isBadRecord), and where the marks are.
   */
  maxStack = NO_ID;
  maxThread = NO_ID;
  badRecords = 0;
  marks: number[] = [];
  readonly buffer: ArrayBuffer;
  readonly capacity: number;
  readonly addr: Float64Array;
  readonly oldAddr: Float64Array;
  readonly size: Float64Array;
  readonly ts: Float64Array;
  readonly line: Float64Array;
  readonly thread: Int32Array;
  readonly stack: Int32Array;
  readonly interp: Int32Array;
  /** Label ids of marks (other entries unused). */
  readonly label: Int32Array;
  readonly op: Uint8Array;
  readonly domain: Uint8Array;
  high: bigint[] = [];

  /** Room for `capacity` events, in a new buffer or in `buffer` (one made by an earlier DecodedEvents of that capacity). */
  constructor(capacity: number, buffer?: ArrayBuffer) {
    this.capacity = capacity;
    this.buffer = buffer ?? new ArrayBuffer(capacity * BYTES_PER_EVENT);
    const f64 = (i: number): Float64Array => new Float64Array(this.buffer, i * 8 * capacity, capacity);
    const i32 = (i: number): Int32Array => new Int32Array(this.buffer, 5 * 8 * capacity + i * 4 * capacity, capacity);
    const u8 = (i: number): Uint8Array => new Uint8Array(this.buffer, (5 * 8 + 4 * 4) * capacity + i * capacity, capacity);
    this.addr = f64(0);
    this.oldAddr = f64(1);
    this.size = f64(2);
    this.ts = f64(3);
    this.line = f64(4);
    this.thread = i32(0);
    this.stack = i32(1);
    this.interp = i32(2);
    this.label = i32(3);
    this.op = u8(0);
    this.domain = u8(1);
  }

  /** The capacity of a DecodedEvents whose buffer this is. */
  static capacityOf(buffer: ArrayBuffer): number {
    return buffer.byteLength / BYTES_PER_EVENT;
  }
}

// Version 2's address state of the chunk being decoded (decodeEvents resets it), kept out of the loop's locals only where a helper needs it.
/** The last new address of each size group (-1: none yet). */
const lastNew = new Float64Array(SIZE_GROUPS);
/** Low new addresses of the chunk, by birth number. */
let born: Float64Array = new Float64Array(1024);
/** The last released address coded as a delta. */
const released = new Float64Array(1);

/** A released low address: an even code refers back to a birth of the chunk (0: the last), an odd one is a delta from the last so coded. */
function releasedAddress(z: number, births: number, at: number): number {
  const half = Math.floor(z / 2);
  if (half * 2 === z) {
    if (half >= births) throw new PayloadError(at, `a release refers back to the new block ${half + 1} before it, but its chunk has made only ${births}`);
    return born[births - 1 - half]!;
  }
  const address = lowAddress(released[0]!, half, at);
  released[0] = address;
  return address;
}

function grownBirths(a: Float64Array): Float64Array {
  const next = new Float64Array(a.length * 2);
  next.set(a);
  return next;
}

/** Ops whose events must have a size (a bit per op code): one without is a bad record. */
export const NEEDS_SIZE = (1 << OP_ALLOC) | (1 << OP_CALLOC) | (1 << OP_REALLOC) | (1 << OP_ARENA_ALLOC) | (1 << OP_MMAP) | (1 << OP_MUNMAP) | (1 << OP_MREMAP);

/** Whether the reader drops an event of `op` as a bad record: a size it needs is missing, or an mremap has no old address (0: none). */
export function isBadRecord(op: number, size: number, oldAddr: number): boolean {
  return (((NEEDS_SIZE >> op) & 1) === 1 && size !== size) || (op === OP_MREMAP && oldAddr === 0);
}

/**
 * Decode an events payload into `out` (or a new DecodedEvents when it is
 * too small); returns the one used. Events are numbered (`line`) from
 * `firstRecord`: the events of the chunks before, plus one. `major` is the
 * file's format version (1 or 2: how addresses are coded).
 */
export function decodeEvents(payload: Uint8Array, out: DecodedEvents | null, firstRecord: number, major: number): DecodedEvents {
  const head = new MrtCursor();
  head.reset(payload);
  const count = head.varint();
  const lengths: number[] = [];
  for (let s = 0; s < EVENT_STREAM_COUNT; s++) lengths.push(head.varint());
  // The streams are cut from the payload: each cursor is bounded by its own stream.
  const [fc, ac, sc, tc, rc] = lengths.map(() => new MrtCursor()) as [MrtCursor, MrtCursor, MrtCursor, MrtCursor, MrtCursor];
  let offset = head.pos;
  const starts: number[] = [];
  for (let s = 0; s < EVENT_STREAM_COUNT; s++) {
    if (lengths[s]! > payload.length - offset) throw new PayloadError(head.pos, `event streams of ${lengths.join(' + ')} bytes run past the end of the chunk (${payload.length - head.pos} bytes after the header)`);
    starts.push(offset);
    [fc, ac, sc, tc, rc][s]!.reset(payload.subarray(offset, offset + lengths[s]!));
    offset += lengths[s]!;
  }
  if (offset !== payload.length) throw new PayloadError(offset, `${payload.length - offset} bytes left over after the event streams`);
  // Each event takes its two flag bytes.
  if (count * 2 !== lengths[STREAM_FLAGS]) throw new PayloadError(0, `events chunk declares ${count} events but ${lengths[STREAM_FLAGS]} flag bytes: 2 an event`);
  const d = out !== null && out.capacity >= count ? out : new DecodedEvents(Math.max(count, 1024));
  d.count = count;
  d.flagsAt = starts[STREAM_FLAGS]!;
  d.marks.length = 0;
  let maxStack = NO_ID;
  let maxThread = NO_ID;
  let badRecords = 0;
  d.high.length = 0;
  const flags = fc.buf;
  const addrs = ac.buf;
  const aEnd = ac.end;
  const sizes = sc.buf;
  const sEnd = sc.end;
  const times = tc.buf;
  const tEnd = tc.end;
  const refs = rc.buf;
  const rEnd = rc.end;
  let pa = 0;
  let ps = 0;
  let pt = 0;
  let pr = 0;
  // Version 1: every low address against the one before. Version 2: by role (ADDRESS_ROLES), and the op field's escape.
  const byRole = major >= 2;
  const opCount = byRole ? OP_COUNT : V1_OP_COUNT;
  const domainCount = byRole ? DOMAIN_COUNT : V1_DOMAIN_COUNT;
  let prevAddr = 0;
  lastNew.fill(-1);
  let prevNew = 0;
  let prevArena = 0;
  released[0] = 0;
  let births = 0;
  let prevTs = 0;
  let prevThread = NO_ID;
  let prevStack = NO_ID;
  // Varints of one byte are read inline; longer ones, and every bound, by the cursors (no closure: it would put the positions on the heap).
  let v = 0;
  const flagsAt = starts[STREAM_FLAGS]!;
  for (let k = 0; k < count; k++) {
    const at = flagsAt + 2 * k;
    const f0 = flags[2 * k]!;
    const f1 = flags[2 * k + 1]!;
    let op = f0 & F0_OP_MASK;
    const domain = f0 >> F0_DOMAIN_SHIFT & 3;
    if (op === F0_OP_EXTENDED && byRole) {
      // The later ops (mapping ops): the rest of their code comes first among the references.
      op += pr < rEnd && refs[pr]! < 0x80 ? refs[pr++]! : ((v = slowVarint(rc, pr, starts[STREAM_REFS]!)), (pr = rc.pos), v);
    }
    if (op >= opCount) throw new PayloadError(at, `unknown op code ${op}: expected 0 to ${opCount - 1}${byRole ? ` (${F0_OP_EXTENDED} and up through the escape)` : ' in a version 1 file'}`);
    if (domain >= domainCount) throw new PayloadError(at, `unknown domain code ${domain}: expected ${DOMAIN_NAMES.slice(0, domainCount).map((name, code) => `${code} (${name})`).join(', ')}${byRole ? '' : ' in a version 1 file'}`);
    if (isMappingOp(op) && domain !== DOMAIN_NATIVE) throw new PayloadError(at, `${OP_NAMES[op]} of domain ${DOMAIN_NAMES[domain]}: a mapping's domain is native`);
    const size = f0 & F0_SIZE ? (ps < sEnd && sizes[ps]! < 0x80 ? sizes[ps++]! : ((v = slowVarint(sc, ps, starts[STREAM_SIZES]!)), (ps = sc.pos), v)) : NaN;
    let addr = 0;
    let oldAddr = 0;
    if (op !== OP_MARK) {
      if (f0 & F0_OLD_ADDR) {
        if (!hasOldAddress(op)) throw new PayloadError(at, `${OP_NAMES[op]} with an old address: only realloc and mremap have one`);
        if (f1 & F1_OLD_ADDR_HIGH) {
          ac.pos = pa;
          d.high.push(within(starts, STREAM_ADDRESSES, () => ac.bigVarint()));
          pa = ac.pos;
          oldAddr = -d.high.length;
        } else {
          const z = pa < aEnd && addrs[pa]! < 0x80 ? addrs[pa++]! : ((v = slowVarint(ac, pa, starts[STREAM_ADDRESSES]!)), (pa = ac.pos), v);
          if (byRole) oldAddr = releasedAddress(z, births, at);
          else oldAddr = prevAddr = lowAddress(prevAddr, z, at);
        }
      }
      if (f1 & F1_ADDR_HIGH) {
        ac.pos = pa;
        d.high.push(within(starts, STREAM_ADDRESSES, () => ac.bigVarint()));
        pa = ac.pos;
        addr = -d.high.length;
      } else {
        const z = pa < aEnd && addrs[pa]! < 0x80 ? addrs[pa++]! : ((v = slowVarint(ac, pa, starts[STREAM_ADDRESSES]!)), (pa = ac.pos), v);
        if (!byRole) addr = prevAddr = lowAddress(prevAddr, z, at);
        else {
          const role = ADDRESS_ROLES[op]!;
          if (role === ROLE_RELEASED) addr = releasedAddress(z, births, at);
          else if (role === ROLE_ARENA) addr = prevArena = lowAddress(prevArena, z, at);
          else {
            // A new block or range: against its old address (a realloc's or mremap's), else the last new one of its size group, else the last new one.
            const group = sizeGroup(size);
            const last = lastNew[group]!;
            addr = lowAddress(f0 & F0_OLD_ADDR && oldAddr >= 0 ? oldAddr : last >= 0 ? last : prevNew, z, at);
            lastNew[group] = prevNew = addr;
            if (births === born.length) born = grownBirths(born);
            born[births++] = addr;
          }
        }
      }
    } else if (f0 & F0_OLD_ADDR || f1 & (F1_ADDR_HIGH | F1_OLD_ADDR_HIGH)) {
      throw new PayloadError(at, 'mark with an address: a mark has none');
    }
    let ts = NaN;
    if (f0 & F0_TS) {
      if (f1 & F1_TS_RAW) {
        tc.pos = pt;
        ts = within(starts, STREAM_TIMES, () => tc.f64());
        pt = tc.pos;
        if (!Number.isInteger(ts)) throw new PayloadError(at, `timestamp ${ts} is not an integer`);
      } else {
        const z = pt < tEnd && times[pt]! < 0x80 ? times[pt++]! : ((v = slowVarint(tc, pt, starts[STREAM_TIMES]!)), (pt = tc.pos), v);
        ts = prevTs + unzigzag(z);
      }
      prevTs = Number.isSafeInteger(ts) ? ts : 0;
    } else if (f1 & F1_TS_RAW) throw new PayloadError(at, 'a raw timestamp flag without a timestamp');
    const threadRef = f1 & F1_THREAD_MASK;
    let thread = NO_ID;
    if (threadRef === REF_GIVEN) thread = prevThread = pr < rEnd && refs[pr]! < 0x80 ? refs[pr++]! : ((v = slowVarint(rc, pr, starts[STREAM_REFS]!)), (pr = rc.pos), v);
    else if (threadRef === REF_SAME) {
      if (prevThread === NO_ID) throw new PayloadError(at, "event takes the previous event's thread, but no event of its chunk had one");
      thread = prevThread;
    } else if (threadRef !== REF_NONE) throw new PayloadError(at, 'thread reference code 3: expected 0 to 2');
    const stackRef = f1 >> F1_STACK_SHIFT & 3;
    let stack = NO_ID;
    if (stackRef === REF_GIVEN) stack = prevStack = pr < rEnd && refs[pr]! < 0x80 ? refs[pr++]! : ((v = slowVarint(rc, pr, starts[STREAM_REFS]!)), (pr = rc.pos), v);
    else if (stackRef === REF_SAME) {
      if (prevStack === NO_ID) throw new PayloadError(at, "event takes the previous event's stack, but no event of its chunk had one");
      stack = prevStack;
    } else if (stackRef !== REF_NONE) throw new PayloadError(at, 'stack reference code 3: expected 0 to 2');
    let interp = 0;
    if (f1 & F1_INTERP) {
      interp = slowVarint(rc, pr, starts[STREAM_REFS]!);
      pr = rc.pos;
      if (interp > 0x7fffffff) throw new PayloadError(at, `interpreter id ${interp}: expected 0 to 2^31-1`);
    }
    let label = 0;
    if (op === OP_MARK) {
      label = slowVarint(rc, pr, starts[STREAM_REFS]!);
      pr = rc.pos;
    }
    // File ids beyond an Int32 are refused here, before they could wrap.
    if (thread > 0x7fffffff || stack > 0x7fffffff) throw new PayloadError(at, `event refers to ${thread > 0x7fffffff ? 'thread' : 'stack'} ${Math.max(thread, stack)}, far past any table`);
    d.op[k] = op;
    d.domain[k] = domain;
    d.addr[k] = addr;
    d.oldAddr[k] = oldAddr;
    d.size[k] = size;
    d.ts[k] = ts;
    d.thread[k] = thread;
    d.stack[k] = stack;
    d.interp[k] = interp;
    // Written for every event: a store only marks reached would deoptimise the loop at the first mark.
    d.label[k] = label;
    d.line[k] = firstRecord + k;
    if (stack > maxStack) maxStack = stack;
    if (thread > maxThread) maxThread = thread;
    if (isBadRecord(op, size, oldAddr)) badRecords++;
    if (op === OP_MARK) d.marks.push(k);
  }
  d.maxStack = maxStack;
  d.maxThread = maxThread;
  d.badRecords = badRecords;
  checkStreamsRead(lengths, starts, pa, ps, pt, pr);
  return d;
}

/**
 * Every stream but the flags must have been read to its end. Apart from the
 * decoding loop: code that loop never reached would deoptimise it when the
 * loop, compiled on the stack, runs into it.
 */
function checkStreamsRead(lengths: readonly number[], starts: readonly number[], ...used: number[]): void {
  const streams = [STREAM_ADDRESSES, STREAM_SIZES, STREAM_TIMES, STREAM_REFS];
  const names = ['flags', 'addresses', 'sizes', 'times', 'references'];
  streams.forEach((s, i) => {
    if (used[i] !== lengths[s]) throw new PayloadError(starts[s]! + used[i]!, `${lengths[s]! - used[i]!} bytes left over at the end of the ${names[s]} stream`);
  });
}

/** A cursor read whose failure is placed in the payload (the cursor counts from its stream's start). */
function within<T>(starts: readonly number[], stream: number, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof PayloadError) throw new PayloadError(starts[stream]! + e.at, `${e.message} (stream ${stream})`);
    throw e;
  }
}

/** The signed value of a zigzag code; with integer operations while it fits 31 bits (`%` on a double is a library call). */
function unzigzag(z: number): number {
  if (z <= 0x7fffffff) return (z >>> 1) ^ -(z & 1);
  const half = Math.floor(z / 2);
  return z - half * 2 === 0 ? half : -half - 1;
}

function lowAddress(prev: number, z: number, at: number): number {
  const addr = prev + unzigzag(z);
  if (addr < 0 || addr >= LOW_ADDRESS_LIMIT) throw new PayloadError(at, `address delta leads to ${addr}, outside 0 to 2^48 - 1`);
  return addr;
}

/**
 * A varint at `p` of a stream starting at payload byte `start` (two to four
 * bytes read here, with int32 operations: below 2^28, none can fail; longer
 * ones and every bound by the cursor); the cursor's pos is left after it.
 * Address and time deltas take three or four bytes often enough that the
 * cursor's general loop was a tenth of the decoding.
 */
function slowVarint(c: MrtCursor, p: number, start: number): number {
  const buf = c.buf;
  const end = c.end;
  if (p + 1 < end && buf[p]! >= 0x80) {
    const low = buf[p]! & 0x7f;
    const b1 = buf[p + 1]!;
    if (b1 < 0x80) {
      c.pos = p + 2;
      return low | (b1 << 7);
    }
    if (p + 2 < end) {
      const b2 = buf[p + 2]!;
      if (b2 < 0x80) {
        c.pos = p + 3;
        return low | ((b1 & 0x7f) << 7) | (b2 << 14);
      }
      if (p + 3 < end) {
        const b3 = buf[p + 3]!;
        if (b3 < 0x80) {
          c.pos = p + 4;
          return low | ((b1 & 0x7f) << 7) | ((b2 & 0x7f) << 14) | (b3 << 21);
        }
      }
    }
  }
  c.pos = p;
  try {
    return c.varint();
  } catch (e) {
    if (e instanceof PayloadError) throw new PayloadError(start + e.at, e.message);
    throw e;
  }
}
