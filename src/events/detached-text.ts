// Text that a table keeps for the whole run must not keep more than itself
// alive. V8 makes a substring of 13 characters or more (split, slice, regex
// groups) a view of its parent: one interned frame cut from a 1 MiB `frames`
// field would hold the whole field. Measured: 200 frames of 20 characters
// each split from 1.2 MB strings held 239 MB of heap; copied, 6 MB.

/** Shorter substrings are copies already (V8's SlicedString::kMinLength). */
const MIN_VIEW_CHARS = 13;

/** `s` as a string of its own; call it only for text that is kept (a new table entry), never per event. */
export function detachedText(s: string): string {
  if (s.length < MIN_VIEW_CHARS) return s;
  // UTF-8 keeps one byte a character for ASCII; a lone surrogate (JSON can
  // spell one) would not survive it, UTF-16 does.
  return isWellFormed(s) ? Buffer.from(s, 'utf8').toString('utf8') : Buffer.from(s, 'utf16le').toString('utf16le');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}
