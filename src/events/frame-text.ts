// A frame as traces write it (trace-format.md): a Python frame is
// `file:line` or `function (file:line)`; the line number is the digits after
// the last colon. A native frame (the native contract) ends in
// ` [OBJECT+0xOFFSET]` and is `FUNCTION [OBJECT+0xOFFSET]` or, with debug
// information, `FUNCTION (FILE:LINE) [OBJECT+0xOFFSET]`. Frames come from the
// trace, so nothing here trusts their shape: a Python frame that fits
// neither form is kept whole as its file, with no line. The one parser of
// frame text: leaks, sites, suppressions and snapshots all read a frame the
// same way.

export interface PythonFrame {
  /** The function name, or '' when the frame has none. */
  readonly func: string;
  /** The source file ('' for a native frame without debug information). */
  readonly file: string;
  /** 0 when the frame has no line number. */
  readonly line: number;
  /** A native frame: a C function in a shared object or the executable. */
  readonly native?: NativeLocation;
}

/** Where a native frame's code is: the object's base name and the offset in it (`0x` hex, as written). */
export interface NativeLocation {
  readonly object: string;
  readonly offset: string;
}

/** ` [OBJECT+0xHEX]` at the end marks a native frame; OBJECT has no brackets. */
const NATIVE_SUFFIX = / \[([^[\]]*)\+(0x[0-9a-fA-F]+)\]$/;

/** CPython's line numbers are C ints; digits past 2^32 - 1 are not a line but part of the name. */
const MAX_LINE = 2 ** 32 - 1;

const WITH_FUNCTION = /^(.*) \((.*)\)$/s;
const LINE_DIGITS = /^[0-9]+$/;

/** Whether a frame's text is a native frame's (cheaper than parsing it). */
export function isNativeFrame(text: string): boolean {
  return text.endsWith(']') && NATIVE_SUFFIX.test(text);
}

/** `f (a.py)` is function f in file a.py; `:5` is line 5 of file ''; `f [lib.so+0x10]` is native function f. */
export function parseFrame(text: string): PythonFrame {
  if (text.endsWith(']')) {
    const n = NATIVE_SUFFIX.exec(text);
    if (n !== null) return parseNative(text.slice(0, n.index), { object: n[1]!, offset: n[2]! });
  }
  let func = '';
  let location = text;
  const m = WITH_FUNCTION.exec(text);
  if (m !== null) {
    func = m[1]!;
    location = m[2]!;
  }
  const colon = location.lastIndexOf(':');
  const digits = location.slice(colon + 1);
  if (colon >= 0 && LINE_DIGITS.test(digits)) {
    const line = Number(digits);
    if (line <= MAX_LINE) return { func, file: location.slice(0, colon), line };
  }
  return { func, file: location, line: 0 };
}

/** A native frame's part before its ` [OBJECT+0xOFFSET]`: the function, then its `(FILE:LINE)` when known. */
function parseNative(head: string, native: NativeLocation): PythonFrame {
  const m = WITH_FUNCTION.exec(head);
  if (m !== null) {
    const location = m[2]!;
    const colon = location.lastIndexOf(':');
    const digits = location.slice(colon + 1);
    if (colon >= 0 && LINE_DIGITS.test(digits) && Number(digits) <= MAX_LINE) {
      return { func: m[1]!, file: location.slice(0, colon), line: Number(digits), native };
    }
  }
  return { func: head, file: '', line: 0, native };
}

/** `file:line`, or the file alone when the frame has no line. */
export function fileAndLine(f: PythonFrame): string {
  return f.line > 0 ? `${f.file}:${f.line}` : f.file;
}
