// A frame of trace format v1 as text: `file:line` or `function (file:line)`,
// the line number being the digits after the last colon. Snapshots compare
// frames the way tracemalloc does, by (filename, lineno), so the text is
// split into those; the function name is kept for display only.

export interface ParsedFrame {
  readonly filename: string;
  readonly lineno: number;
  /** The function name of the `function (file:line)` form. */
  readonly name?: string;
}

const WITH_FUNCTION = /^(.*) \((.*):([0-9]+)\)$/s;
const FILE_LINE = /^(.*):([0-9]+)$/s;

/** Split frame text; text without a line number is a file name with line 0. */
export function parseFrameText(text: string): ParsedFrame {
  const f = WITH_FUNCTION.exec(text);
  if (f !== null) return { filename: f[2]!, lineno: lineNumber(f[3]!), name: f[1]! };
  const m = FILE_LINE.exec(text);
  if (m !== null) return { filename: m[1]!, lineno: lineNumber(m[2]!) };
  return { filename: text, lineno: 0 };
}

function lineNumber(digits: string): number {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}
