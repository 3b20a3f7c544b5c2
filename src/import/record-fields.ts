// Field rules shared by every importer: op and domain names, and exact
// parsing of address / integer text (the slow, general path; the CSV scanner
// has its own byte-level fast path and falls back to these).

import { AddressSpace, AddressSpaceError, LOW_SPAN } from '../events/address-space.js';
import { DOMAIN_MEM, DOMAIN_OBJ, DOMAIN_RAW, OP_NAMES } from '../events/ops.js';

/**
 * Longest accepted line (a record, including quoted newlines), terminator
 * excluded: longer input is not a trace line, and bounds what untrusted input
 * can make an importer buffer.
 */
export const MAX_LINE_BYTES = 1 << 20;

/** Op code by name; `stack` and `meta` are not events and are handled by importers. */
export const OP_BY_NAME: ReadonlyMap<string, number> = new Map(OP_NAMES.map((name, code) => [name, code]));

export const EXPECTED_OPS = 'one of alloc, calloc, realloc, free, arena_alloc, arena_free, mark, stack';

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

/** Parse an integer that may be negative (timestamps); the problem as a string otherwise. */
export function parseIntegerText(text: string, what: string): number | string {
  if (/^-?[0-9]+$/.test(text)) return Number(text);
  return `expected ${what} (an integer), got ${quoteForMessage(text)}`;
}

/** Quote untrusted text for an error message: bounded, control characters escaped. */
export function quoteForMessage(text: string): string {
  const cut = text.length > 40 ? text.slice(0, 40) + '…' : text;
  return JSON.stringify(cut);
}
