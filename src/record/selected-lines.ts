// A large text stream read in chunks, with the few lines that start with
// given prefixes picked out and everything between them passed on as it is.
// Naming a --native trace's frames changes only its stack and module lines;
// reading every line as a string (readline) cost 4 s of CPU for the 230 MB
// trace of the churn workload, where searching the chunks for the prefixes
// (Buffer.indexOf) costs a tenth of that.

/** Yields Buffers of untouched text (whole lines, newlines included) and,
 * for each line starting with one of `prefixes`, that line as a string
 * without its newline (the caller writes what replaces it). */
export async function* selectedLines(chunks: AsyncIterable<Buffer>, prefixes: readonly string[]): AsyncGenerator<Buffer | string> {
  const selector = new LineSelector(prefixes);
  for await (const chunk of chunks) yield* selector.parts(chunk);
  yield* selector.end();
}

/** The same, one chunk at a time, without an await per piece (the caller reads the chunks). */
export class LineSelector {
  private readonly needles: Buffer[];
  // The start of a line the last chunk cut: joined to its end only, so the
  // chunks themselves pass on without being copied.
  private carry: Buffer = Buffer.alloc(0);

  constructor(prefixes: readonly string[]) {
    this.needles = prefixes.map((p) => Buffer.from(p));
  }

  /** The pieces of `chunk` (and of the line the last one cut); a piece may be a view of `chunk`. */
  *parts(chunk: Buffer): Generator<Buffer | string> {
    const needles = this.needles;
    let buf = chunk;
    if (this.carry.length > 0) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, buf]);
        return;
      }
      const line = Buffer.concat([this.carry, buf.subarray(0, nl + 1)]);
      yield startsWithOne(line, needles) ? line.toString('utf8', 0, line.length - 1) : line;
      buf = buf.subarray(nl + 1);
    }
    const hits = new LineStarts(buf, needles);
    let pos = 0; // always a line start
    for (;;) {
      const k = hits.next(pos);
      if (k < 0) break;
      const end = buf.indexOf(10, k);
      if (end < 0) break; // the line goes on in the next chunk: carried below
      if (k > pos) yield buf.subarray(pos, k);
      yield buf.toString('utf8', k, end);
      pos = end + 1;
    }
    // The last line, unless it ended in this chunk, is carried whole.
    const from = Math.max(pos, buf.lastIndexOf(10) + 1);
    if (from > pos) yield buf.subarray(pos, from);
    this.carry = Buffer.from(buf.subarray(from));
  }

  /** The last line, when the text does not end with a newline. */
  *end(): Generator<Buffer | string> {
    const carry = this.carry;
    if (carry.length > 0) yield startsWithOne(carry, this.needles) ? carry.toString('utf8') : carry;
    this.carry = Buffer.alloc(0);
  }
}

function startsWithOne(line: Buffer, needles: readonly Buffer[]): boolean {
  return needles.some((n) => line.subarray(0, n.length).equals(n));
}

/** The line starts in one buffer that begin with a needle, in order. Each
 * needle's next hit is kept, so the buffer is searched once per needle. */
class LineStarts {
  private readonly at: number[];

  constructor(
    private readonly buf: Buffer,
    private readonly needles: Buffer[],
  ) {
    this.at = needles.map(() => -2); // -2: not searched yet; -1: none left
  }

  /** The first at or after `pos` (a line start), or -1. */
  next(pos: number): number {
    let best = -1;
    this.needles.forEach((n, i) => {
      let k = this.at[i]!;
      if (k === -2 || (k >= 0 && k < pos)) k = this.search(n, pos);
      this.at[i] = k;
      if (k >= 0 && (best < 0 || k < best)) best = k;
    });
    return best;
  }

  private search(n: Buffer, pos: number): number {
    for (let from = pos; ; ) {
      const k = this.buf.indexOf(n, from);
      if (k < 0 || k === pos || this.buf[k - 1] === 10) return k;
      from = k + 1;
    }
  }
}
