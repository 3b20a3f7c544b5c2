// Suppressions: a text file of patterns, one a line, that leave matching
// blocks out of the leak report, like LeakSanitizer's suppression files.
//
//   # comment
//   leak:app/cache.py:42          a file:line
//   leak:*/site-packages/attr/*   any file under a path
//   leak:_compile                 a function
//   leak:json/decoder.py          path segments at the end of a file's path
//
// A pattern is a glob (`*` any characters, `/` included; `?` one). A block
// is suppressed when the pattern matches any frame of its stack: the
// frame's function, its `file:line`, its file, or the `file:line` or file
// with leading path segments dropped (so `json/decoder.py` matches
// `/usr/lib/python3.11/json/decoder.py`). A native frame (C code) offers its
// function, its shared object's name (`libz.so.1`,
// `_leaky.cpython-311-x86_64-linux-gnu.so`) and, with debug information, its
// source file the same ways. The first matching rule counts the block.
//
// LeakSanitizer's `leak:` lines read the same where they mean the same: a
// function, a module or a source file, `*` as a wildcard, and the anchors
// `^` and `$`, which only say "the whole name", as every pattern here means
// (so they are dropped). LSan also matches a bare word inside a longer name;
// here a pattern matches a whole name, so write `*word*` for that.

import { MemreplayError } from '../errors.js';
import { parseFrame } from '../events/frame-text.js';
import { globToRegExp } from './glob.js';

export const SUPPRESSION_TYPE = 'leak';

export interface SuppressionRule {
  /** The glob after `leak:`. */
  readonly pattern: string;
  /** Where it was written. */
  readonly file: string;
  readonly line: number;
}

/** Parse a suppression file; a malformed line is an error naming file and line. */
export function parseSuppressions(text: string, file: string): SuppressionRule[] {
  const rules: SuppressionRule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const type = colon < 0 ? '' : line.slice(0, colon).trim();
    if (type !== SUPPRESSION_TYPE) {
      const got = JSON.stringify(line.length > 60 ? line.slice(0, 60) + '…' : line);
      throw new MemreplayError(
        `${file}:${i + 1}: expected "leak:PATTERN" (a comment starts with #), got ${got}`,
      );
    }
    const pattern = withoutAnchors(line.slice(colon + 1).trim());
    if (pattern === '') throw new MemreplayError(`${file}:${i + 1}: "leak:" needs a pattern after it`);
    rules.push({ pattern, file, line: i + 1 });
  });
  return rules;
}

/** LSan's `^` and `$` anchor a pattern to the whole name, which every pattern here is. */
function withoutAnchors(pattern: string): string {
  const start = pattern.startsWith('^') ? 1 : 0;
  const end = pattern.length > start && pattern.endsWith('$') ? pattern.length - 1 : pattern.length;
  return pattern.slice(start, end);
}

/** Matches stacks against rules; the answer is the index of the first matching rule, or -1. */
export class SuppressionMatcher {
  private readonly regexps: RegExp[];

  constructor(readonly rules: readonly SuppressionRule[]) {
    this.regexps = rules.map((r) => globToRegExp(r.pattern));
  }

  /** `frames` oldest first, as in traces. */
  match(frames: readonly string[]): number {
    if (this.regexps.length === 0) return -1;
    const candidates: string[] = [];
    for (const text of frames) candidatesOf(text, candidates);
    for (let r = 0; r < this.regexps.length; r++) {
      const re = this.regexps[r]!;
      for (const c of candidates) if (re.test(c)) return r;
    }
    return -1;
  }
}

/** The strings a pattern may match for one frame. */
export function candidatesOf(text: string, out: string[] = []): string[] {
  const f = parseFrame(text);
  if (f.func !== '') out.push(f.func);
  if (f.native !== undefined) out.push(f.native.object);
  const file = f.file.replace(/\\/g, '/');
  const suffix = f.line > 0 ? `:${f.line}` : '';
  // The whole path, then each tail after a '/'.
  for (let at = 0; at >= 0 && at < file.length; ) {
    const tail = file.slice(at);
    out.push(tail + suffix);
    if (suffix !== '') out.push(tail);
    const slash = file.indexOf('/', at);
    at = slash < 0 ? -1 : slash + 1;
  }
  return out;
}
