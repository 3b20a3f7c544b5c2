// Content sniffing: which importer reads a trace is decided from its first
// decoded bytes, never from the file name (speedscope's importer registry
// does the same as its last resort; traces here are renamed and piped too
// often for names to mean anything). Files that are clearly not a trace get
// a fatal error with a remedy here, before any parser sees them, so the user
// reads "binary file" instead of "line 1: bad header".

import type { ImportContext } from './import-context.js';
import { MRT_MAGIC } from './mrt-format.js';
import type { TraceFormatName } from './types.js';

/** How many leading bytes sniffing looks at (fewer when the trace is shorter). */
export const SNIFF_BYTES = 512;
/** More than this share of undecodable or control bytes in the window: binary. */
const MAX_NON_TEXT_SHARE = 0.1;

/**
 * The format of a trace from its first bytes: `head` holds the first
 * SNIFF_BYTES decoded bytes, or all of them when `atEnd`. Returns null when
 * the start matches no format (the caller words that message); throws via
 * `ctx.fatal` for an empty, binary or snapshot-pickle file.
 */
export function sniffFormat(head: Uint8Array, atEnd: boolean, ctx: ImportContext): TraceFormatName | null {
  if (head.length === 0) ctx.fatal(0, 'empty trace: the file has no bytes');
  // The binary format's magic (or the start of it, in a file cut short: its reader says so).
  if (startsLikeMrt(head)) return 'mrt';
  // Protocols past 5 too (up to 15, beyond which it is more likely noise): a newer pickle is still a pickle.
  if (head[0] === 0x80 && head.length > 1 && head[1]! >= 2 && head[1]! <= 15) {
    ctx.fatal(
      0,
      'this looks like a tracemalloc Snapshot.dump() pickle; it holds a snapshot of live blocks, not an event trace, and cannot be replayed (compare snapshots with memreplay diff)',
    );
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    ctx.fatal(0, 'this file is UTF-16 text; traces are UTF-8 (convert it, e.g. with iconv -f UTF-16 -t UTF-8)');
  }
  if (looksBinary(head.subarray(0, SNIFF_BYTES))) ctx.fatal(0, 'binary file: not a CSV or JSONL trace');

  const i = firstNonBlank(head);
  if (i === -1) {
    if (atEnd) ctx.fatal(0, 'empty trace: the file holds only whitespace');
    return null;
  }
  // Past MAX_BLANK_LEAD of whitespace a trace is not recognized, however the
  // bytes were read: a whole buffer must not see further than a stream does.
  if (i >= MAX_BLANK_LEAD) return null;
  const c = head[i]!;
  if (c === 0x7b /* { */) return 'jsonl';
  // `#` comment, a header name, or a quoted header name (RFC 4180).
  if (c === 0x23 || c === 0x22 || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return 'csv';
  return null;
}

function startsLikeMrt(head: Uint8Array): boolean {
  const n = Math.min(head.length, MRT_MAGIC.length);
  for (let i = 0; i < n; i++) if (head[i] !== MRT_MAGIC[i]) return false;
  return true;
}

/**
 * Whitespace a trace may start with before its first record (blank lines):
 * a stream is read on until the first other byte, up to this many bytes.
 */
export const MAX_BLANK_LEAD = 1024 * 1024;

/** Index of the first byte after a BOM and whitespace, within MAX_BLANK_LEAD + 1 bytes; -1 if there is none yet. */
export function firstNonBlank(head: Uint8Array): number {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const end = Math.min(head.length, MAX_BLANK_LEAD + 1);
  while (i < end && isSpace(head[i]!)) i++;
  return i === head.length ? -1 : i;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
}

/** A NUL byte, or too many control bytes and invalid UTF-8 sequences. */
function looksBinary(bytes: Uint8Array): boolean {
  let bad = 0;
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i]!;
    if (c === 0) return true;
    if (c < 0x80) {
      if (c < 0x20 && !isSpace(c) && c !== 0x1b) bad++;
      else if (c === 0x7f) bad++;
      i++;
      continue;
    }
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (extra < 0) {
      bad++;
      i++;
      continue;
    }
    let j = 1;
    while (j <= extra && i + j < bytes.length && (bytes[i + j]! & 0xc0) === 0x80) j++;
    if (j > extra || i + j === bytes.length) {
      i += j; // a whole sequence, or one cut off by the end of the window
    } else {
      bad++;
      i++;
    }
  }
  return bad > bytes.length * MAX_NON_TEXT_SHARE;
}
