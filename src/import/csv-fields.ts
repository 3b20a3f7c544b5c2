// Byte-level scanners for the fields of a clean CSV record, shared by the CSV
// importer's fast paths (csv.ts): each one reads a field that starts at `p`
// and returns the index just after it, or -1 when the field is something only
// the slow path may judge (the record is then parsed again there).
//
// Bounds: the fast paths run only over records whose newline is in the
// buffer, and every scanner stops at the latest at a newline byte (it is no
// digit, no letter of a name and no text byte), so none of them needs a limit.
// Reads are sequential for the same reason: a byte is read only after the one
// before it turned out to be part of the field. The one look-ahead (a 12-digit
// address) is bounded by `end`, the end of the bytes being parsed.
//
// Numbers: a scanner returns the position, so the value goes through `NUM`, a
// Float64Array slot. A double returned from or passed to a call that V8 does
// not inline is boxed on the heap; a typed-array slot never is, so the per
// event path allocates nothing whatever the JIT decides to inline.

import { LOW_SPAN } from '../events/address-space.js';
import {
  DOMAIN_NAMES,
  DOMAIN_NATIVE,
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
} from '../events/ops.js';

/** Scratch op code of a `stack` record (not an event, never stored in a batch). */
export const OP_STACK_RECORD = 255;

/** The value of the last number a scanner read. */
export const NUM = new Float64Array(1);

/** Hex digit values by byte; 255 for anything else. */
const HEX = new Uint8Array(256).fill(255);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/** HEX with NOT_HEX for non-digits: a bit above the value of four digits, even when shifted. */
const NOT_HEX = 0x10000;
const HEX_OR_FLAG = Int32Array.from(HEX, (d) => (d > 15 ? NOT_HEX : d));

const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

/** Op names as bytes, by op code; `stack` at OP_STACK_RECORD. */
const OP_BYTES: Uint8Array[] = OP_NAMES.map(bytesOf);
OP_BYTES[OP_STACK_RECORD] = bytesOf('stack');
const ARENA_PREFIX = bytesOf('arena_');

/** Whether b[p..] starts with `name`; reads no further than the first mismatch. */
function startsWith(b: Uint8Array, p: number, name: Uint8Array): boolean {
  for (let i = 0; i < name.length; i++) if (b[p + i] !== name[i]) return false;
  return true;
}

/**
 * The op whose name b[p..] starts with (OP_STACK_RECORD for `stack`), or -1;
 * the caller checks what follows the name. The two most frequent ops are
 * compared byte by byte without a loop, which keeps this small enough for
 * V8 to inline into the fast paths; the others take a call.
 */
export function opAt(b: Uint8Array, p: number): number {
  const c = b[p];
  if (c === 97 && b[p + 1] === 108 && b[p + 2] === 108 && b[p + 3] === 111 && b[p + 4] === 99) return OP_ALLOC;
  if (c === 102 && b[p + 1] === 114 && b[p + 2] === 101 && b[p + 3] === 101) return OP_FREE;
  return otherOpAt(b, p);
}

/**
 * opAt for every op: the first byte (and for `a`, the second) picks the only
 * candidate, whose name is then compared.
 */
function otherOpAt(b: Uint8Array, p: number): number {
  let code: number;
  switch (b[p]) {
    case 97: // a
      if (b[p + 1] === 108) code = OP_ALLOC;
      else if (startsWith(b, p, ARENA_PREFIX)) code = b[p + 6] === 97 ? OP_ARENA_ALLOC : OP_ARENA_FREE;
      else return -1;
      break;
    case 102:
      code = OP_FREE;
      break;
    case 114:
      code = OP_REALLOC;
      break;
    case 99:
      code = OP_CALLOC;
      break;
    case 109: // m: mark or a mapping op, told apart by the second byte
      switch (b[p + 1]) {
        case 97:
          code = OP_MARK;
          break;
        case 109:
          code = OP_MMAP;
          break;
        case 117:
          code = OP_MUNMAP;
          break;
        case 114:
          code = OP_MREMAP;
          break;
        default:
          return -1;
      }
      break;
    case 115:
      code = OP_STACK_RECORD;
      break;
    default:
      return -1;
  }
  return startsWith(b, p, OP_BYTES[code]!) ? code : -1;
}

/** Length in bytes of an op's name, by code (OP_STACK_RECORD included). */
export function opLength(code: number): number {
  return OP_BYTES[code]!.length;
}

/**
 * An address: `0x` hex or decimal, below 2^48 (larger ones are exact only
 * through the slow path's address table). The value goes to NUM[0]; an empty
 * field returns p.
 */
export function scanAddress(b: Uint8Array, p: number, end: number): number {
  // The usual pointer, `0x` and 12 digits, without a loop: the digits are
  // combined four at a time (no chain of multiplications), and since a
  // non-digit sets a bit above any four digits' value, one test rejects it.
  if (p + 14 < end && b[p] === 48 && b[p + 1] === 120 && HEX_OR_FLAG[b[p + 14]!] === NOT_HEX) {
    const high = (HEX_OR_FLAG[b[p + 2]!]! << 12) | (HEX_OR_FLAG[b[p + 3]!]! << 8) | (HEX_OR_FLAG[b[p + 4]!]! << 4) | HEX_OR_FLAG[b[p + 5]!]!;
    const mid = (HEX_OR_FLAG[b[p + 6]!]! << 12) | (HEX_OR_FLAG[b[p + 7]!]! << 8) | (HEX_OR_FLAG[b[p + 8]!]! << 4) | HEX_OR_FLAG[b[p + 9]!]!;
    const low = (HEX_OR_FLAG[b[p + 10]!]! << 12) | (HEX_OR_FLAG[b[p + 11]!]! << 8) | (HEX_OR_FLAG[b[p + 12]!]! << 4) | HEX_OR_FLAG[b[p + 13]!]!;
    if ((high | mid | low) < NOT_HEX) {
      NUM[0] = (high * 65536 + mid) * 65536 + low;
      return p + 14;
    }
  }
  return scanAnyAddress(b, p);
}

/** scanAddress for any length of hex or decimal digits. */
function scanAnyAddress(b: Uint8Array, p: number): number {
  let v = 0;
  let q = p;
  if (b[p] === 48 && (b[p + 1]! | 32) === 120) {
    q = p + 2;
    for (;;) {
      const d = HEX[b[q]!]!;
      if (d > 15) break;
      v = v * 16 + d;
      q++;
    }
    if (q === p + 2) return -1;
  } else {
    for (;;) {
      const d = b[q]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      q++;
    }
  }
  if (v >= LOW_SPAN) return -1;
  NUM[0] = v;
  return q;
}

/** A size: a non-negative integer of at most 2^53-1, to NUM[0]; an empty field returns p. */
export function scanSize(b: Uint8Array, p: number): number {
  let v = 0;
  let q = p;
  for (;;) {
    const d = b[q]! - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    q++;
  }
  // Beyond 2^53 the sum is rounded, but never down to 2^53-1 or less.
  if (v > Number.MAX_SAFE_INTEGER) return -1;
  NUM[0] = v;
  return q;
}

/**
 * An integer that may be negative (ts, stack ids), of at most 15 digits so
 * that it is exact and safe; to NUM[0]. An empty field returns p.
 */
export function scanSigned(b: Uint8Array, p: number): number {
  const neg = b[p] === 45;
  const ds = neg ? p + 1 : p;
  let v = 0;
  let q = ds;
  for (;;) {
    const d = b[q]! - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    q++;
  }
  if (q - ds > 15 || (neg && q === ds)) return -1;
  NUM[0] = neg ? -v : v;
  return q;
}

/** Domain names by code, as bytes: the code by first byte, then the second and third. */
const DOMAIN_BY_FIRST = new Int8Array(256).fill(-1);
const DOMAIN_SECOND = new Uint8Array(DOMAIN_NAMES.length);
const DOMAIN_THIRD = new Uint8Array(DOMAIN_NAMES.length);
/** Length of each domain's name, by code: what a scanner skips after domainAt. */
export const DOMAIN_LENGTH = Uint8Array.from(DOMAIN_NAMES, (name) => name.length);
DOMAIN_NAMES.forEach((name, code) => {
  DOMAIN_BY_FIRST[name.charCodeAt(0)] = code;
  DOMAIN_SECOND[code] = name.charCodeAt(1);
  DOMAIN_THIRD[code] = name.charCodeAt(2);
});

/**
 * The domain code when b[p..] starts with `obj`, `mem`, `raw` or `native`
 * (the field then has DOMAIN_LENGTH[code] bytes), else -1: an empty field
 * (the caller's separator test passes, and the domain is obj) or a bad one
 * (that test fails). Table driven, so that every domain runs the same
 * operations: a domain first seen late in a trace does not deoptimise the
 * caller. `native`, the one longer name, has its last three bytes compared
 * after the common test (`nat` is no other name's start).
 */
export function domainAt(b: Uint8Array, p: number): number {
  const code = DOMAIN_BY_FIRST[b[p]!]!;
  if (code < 0 || b[p + 1] !== DOMAIN_SECOND[code] || b[p + 2] !== DOMAIN_THIRD[code]) return -1;
  return code !== DOMAIN_NATIVE || (b[p + 3] === 105 && b[p + 4] === 118 && b[p + 5] === 101) ? code : -1;
}

/** Plain text (thread, frames, label, ignored columns): up to a comma, a line end, a quote or a NUL. */
export function scanText(b: Uint8Array, p: number): number {
  // The increment comes first so that it runs on every call, empty fields
  // included: no operation here is first run late in a trace.
  let q = p - 1;
  for (;;) {
    const c = b[++q]!;
    if (c <= 44 && (c === 44 || c === 10 || c === 13 || c === 34 || c === 0)) return q;
  }
}

/**
 * A quoted text field at b[p] (the opening quote) that is simple: no `""`
 * inside and on one line. Returns the index after the closing quote (the
 * text is between the quotes), or -1 for anything else, which is left to the
 * slow path (escaped quotes, quoted newlines and their line numbers, NULs).
 */
export function scanQuoted(b: Uint8Array, p: number): number {
  let q = p;
  for (;;) {
    const c = b[++q]!;
    if (c === 34) break;
    if (c === 10 || c === 0) return -1;
  }
  return b[q + 1] === 34 ? -1 : q + 1;
}
