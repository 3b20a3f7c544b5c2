// A Python frame as traces write it (trace-format.md): `file:line` or
// `function (file:line)`; the line number is the digits after the last colon.
// Frames come from the trace, so nothing here trusts their shape: a frame
// that fits neither form is kept whole as its file, with no line.

export interface PythonFrame {
  /** The function name, or '' when the frame has none. */
  readonly func: string;
  readonly file: string;
  /** 0 when the frame has no line number. */
  readonly line: number;
}

const WITH_FUNCTION = /^(.*) \((.*)\)$/s;

export function parseFrame(text: string): PythonFrame {
  let func = '';
  let location = text;
  const m = WITH_FUNCTION.exec(text);
  if (m !== null) {
    func = m[1]!;
    location = m[2]!;
  }
  const colon = location.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(location.slice(colon + 1))) {
    return { func, file: location.slice(0, colon), line: Number(location.slice(colon + 1)) };
  }
  return { func, file: location, line: 0 };
}

/** `file:line`, or the file alone when the frame has no line. */
export function fileAndLine(f: PythonFrame): string {
  return f.line > 0 ? `${f.file}:${f.line}` : f.file;
}
