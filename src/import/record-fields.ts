// Field rules shared by every importer: op and domain names, and exact
// parsing of address / integer text (the slow, general path; the CSV scanner
// has its own byte-level fast path and falls back to these).

import { AddressSpace, AddressSpaceError, LOW_SPAN } from '../events/address-space.js';
import { DOMAIN_MEM, DOMAIN_NATIVE, DOMAIN_OBJ, DOMAIN_RAW, OP_NAMES } from '../events/ops.js';
import { visibleControls } from '../text/visible-controls.js';

/**
 * Longest accepted line (a record, including quoted newlines), terminator
 * excluded: longer input is not a trace line, and bounds what untrusted input
 * can make an importer buffer.
 */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Longest mark label, in characters: labels name phases (`warmup done`,
 * `iteration 12`); a longer one is a bad record, so that marks cannot make
 * the replay hold megabytes of label text.
 */
export const MAX_LABEL_CHARS = 4096;

/** Metadata a trace may carry, in characters of keys and values (its # key: value lines or JSONL meta line). */
export const MAX_META_CHARS = 1 << 20;

/** Deepest nesting of arrays and objects in a JSONL meta value (a real one is flat or one level deep). */
export const MAX_JSON_DEPTH = 64;

/** A mark label longer than MAX_LABEL_CHARS, as a bad-record message. */
export function labelTooLong(label: string): string {
  return `mark label of ${label.length} characters: expected at most ${MAX_LABEL_CHARS} (a label names a phase of the program)`;
}

/**
 * How deep arrays and objects nest in a parsed JSON value, counted up to
 * `limit` + 1 and no further. A loop, not recursion: a 1 MiB line can nest
 * half a million levels, more than the call stack.
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit) return deepest;
    for (const item of Object.values(v)) if (typeof item === 'object' && item !== null) pending.push([item, depth + 1]);
  }
  return deepest;
}

/** A parsed JSON value for a message: its JSON text quoted and bounded, or its kind when it nests too deep to write. */
export function quoteJsonForMessage(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (jsonDepth(value) > MAX_JSON_DEPTH) return Array.isArray(value) ? 'a deeply nested array' : 'a deeply nested object';
  return quoteForMessage(JSON.stringify(value));
}

/** Op code by name; `stack` and `meta` are not events and are handled by importers. */
export const OP_BY_NAME: ReadonlyMap<string, number> = new Map(OP_NAMES.map((name, code) => [name, code]));

export const EXPECTED_OPS = 'one of alloc, calloc, realloc, free, arena_alloc, arena_free, mark, mmap, munmap, mremap, stack';

/** Domain code by name; the empty string is the default, obj. */
export function domainCode(text: string): number | undefined {
  switch (text) {
    case '':
    case 'obj':
      return DOMAIN_OBJ;
    case 'mem':
      return DOMAIN_MEM;
    case 'raw':
      return DOMAIN_RAW;
    case 'native':
      return DOMAIN_NATIVE;
    default:
      return undefined;
  }
}

const HEX_RE = /^0[xX][0-9a-fA-F]+$/;
const DEC_RE = /^[0-9]+$/;

/**
 * Parse an address given as `0x` hex or decimal text into an address key.
 * Returns a string describing the problem instead of throwing, so callers can
 * route it through their bad-record policy.
 */
export function parseAddressText(text: string, addresses: AddressSpace): number | string {
  let value: bigint;
  if (HEX_RE.test(text) || DEC_RE.test(text)) {
    if (text.length <= 15 && DEC_RE.test(text)) {
      const n = Number(text);
      if (n < LOW_SPAN) return n;
    }
    value = BigInt(text);
  } else {
    return `expected an address (0x-prefixed hex or decimal), got ${quoteForMessage(text)}`;
  }
  try {
    return addresses.encodeBig(value);
  } catch (e) {
    if (e instanceof AddressSpaceError) return `${e.message}: ${quoteForMessage(text)}`;
    throw e;
  }
}

/** Parse a non-negative integer (sizes); the problem as a string otherwise. */
export function parseSizeText(text: string): number | string {
  if (DEC_RE.test(text)) {
    const n = Number(text);
    if (n > Number.MAX_SAFE_INTEGER) return `size ${quoteForMessage(text)} is too large (at most 2^53-1)`;
    return n;
  }
  if (/^-[0-9]+$/.test(text)) return `negative size ${text}`;
  return `expected a size (non-negative integer), got ${quoteForMessage(text)}`;
}

/** Largest interpreter id a trace may name (ids are small in practice; the batch keeps 32 bits). */
export const MAX_INTERP_ID = 0x7fff_ffff;

export const EXPECTED_INTERP = `expected interp (an interpreter id, an integer from 0 to ${MAX_INTERP_ID})`;

/** Parse an interpreter id (`interp`): a non-negative integer up to MAX_INTERP_ID; the problem as a string otherwise. */
export function parseInterpText(text: string): number | string {
  if (DEC_RE.test(text) && text.length <= 10 && Number(text) <= MAX_INTERP_ID) return Number(text);
  return `${EXPECTED_INTERP}, got ${quoteForMessage(text)}`;
}

/** What a 64-bit integer field accepts, for messages. */
export const INTEGER_64_RANGE = 'an integer from -2^63 to 2^64-1';

/**
 * Parse an integer that may be negative (timestamps, stack ids); the problem
 * as a string otherwise. Integers beyond 64 bits (signed or unsigned: no
 * clock or id is wider) are refused; within them a value above 2^53 is the
 * nearest double (a timestamp of epoch nanoseconds is kept to 256 ns).
 */
export function parseIntegerText(text: string, what: string): number | string {
  if (!/^-?[0-9]+$/.test(text)) return `expected ${what} (an integer), got ${quoteForMessage(text)}`;
  if (!fitsIn64Bits(text)) return `expected ${what} (${INTEGER_64_RANGE}), got ${quoteForMessage(text)}`;
  return Number(text);
}

/** A stack id: an exact integer (ids are map keys, never rounded); the problem as a string otherwise. */
export function parseStackIdText(text: string): number | string {
  if (!/^-?[0-9]+$/.test(text)) return `expected a stack id (an integer), got ${quoteForMessage(text)}`;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : stackIdOutOfRange(text);
}

export function stackIdOutOfRange(text: string): string {
  return `stack id ${quoteForMessage(text)} is out of range: expected an integer from -(2^53-1) to 2^53-1`;
}

export function stackRedefined(id: number): string {
  return `stack ${id} is defined again with other frames: expected each stack id defined once (its first definition stays)`;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Whether integer text (an optional `-`, then digits) is within -2^63..2^64-1. */
export function fitsIn64Bits(text: string): boolean {
  const digits = text.replace(/^-?0*/, '');
  if (digits.length <= 18) return true;
  if (digits.length > 20) return false; // and no BigInt of a megabyte of digits
  const value = BigInt(text);
  return value >= INT64_MIN && value <= UINT64_MAX;
}

/** Whether a number read by JSON.parse is an integer within -2^63..2^64-1. */
export function isInteger64(value: number): boolean {
  return Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 64;
}

/** Quote untrusted text for an error message: bounded, control characters escaped (C0 by JSON, DEL and C1 as `\x9b`). */
export function quoteForMessage(text: string): string {
  const cut = text.length > 40 ? text.slice(0, 40) + '…' : text;
  return visibleControls(JSON.stringify(cut));
}

/**
 * Why a native range `[addr, addr+size)` (an mmap's, munmap's or mremap's)
 * cannot be replayed, as a bad-record message; undefined when it can. A range
 * past 2^64 exists in no address space, and one that crosses a 2^48 boundary
 * would, as address keys (see events/address-space.ts), run into another
 * region's keys: either way the mapped-bytes figures would be meaningless.
 * `addr` is an address key; the exact check runs only when the range leaves
 * its key's 2^48 region, which no mapping of a real x86-64 process does.
 */
export function nativeRangeProblem(op: number, addr: number, size: number, addresses: AddressSpace): string | undefined {
  if ((addr % LOW_SPAN) + size <= LOW_SPAN) return undefined;
  const start = addresses.decode(addr);
  const end = start + BigInt(size);
  const what = `${OP_NAMES[op]} of ${size} bytes at 0x${start.toString(16)}`;
  if (end > 1n << 64n) return `${what} runs past the end of the 64-bit address space (2^64)`;
  const boundary = (start / BigInt(LOW_SPAN) + 1n) * BigInt(LOW_SPAN);
  return `${what} crosses the 2^48-byte boundary at 0x${boundary.toString(16)}: memreplay keeps a mapping exact only within one 2^48-byte region`;
}
