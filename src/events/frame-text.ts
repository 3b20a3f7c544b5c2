// A Python frame as traces write it (trace-format.md): `file:line` or
// `function (file:line)`; the line number is the digits after the last colon.
// Frames come from the trace, so nothing here trusts their shape: a frame
// that fits neither form is kept whole as its file, with no line. The one
// parser of frame text: leaks, sites, suppressions and snapshots all read a
// frame the same way.

export interface PythonFrame {
  /** The function name, or '' when the frame has none. */
  readonly func: string;
  readonly file: string;
  /** 0 when the frame has no line number. */
  readonly line: number;
}

/** CPython's line numbers are C ints; digits past 2^32 - 1 are not a line but part of the name. */
const MAX_LINE = 2 ** 32 - 1;

const WITH_FUNCTION = /^(.*) \((.*)\)$/s;
const LINE_DIGITS = /^[0-9]+$/;

/** `f (a.py)` is function f in file a.py; `:5` is line 5 of file ''. */
export function parseFrame(text: string): PythonFrame {
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

/** `file:line`, or the file alone when the frame has no line. */
export function fileAndLine(f: PythonFrame): string {
  return f.line > 0 ? `${f.file}:${f.line}` : f.file;
}
