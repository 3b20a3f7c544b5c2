// Splits a stream of chunks into lines for the line-per-record importers
// (JSONL traces, JSONL snapshots). A line split over chunks is carried in a
// buffer that grows only up to the line cap, so a file without newlines
// cannot make us allocate more than that.

export class LineSplitter {
  private carry = new Uint8Array(0);
  private carryLength = 0;

  constructor(
    /** The longest line accepted, without its `\n` (one more byte is kept for a `\r`). */
    private readonly maxLineBytes: number,
    /**
     * Called with a lower bound of the line's length when it exceeds the cap,
     * and whether it has a CR not followed by LF (CR-only line ends); must throw.
     */
    private readonly tooLong: (bytes: number, bareCr: boolean) => never,
    /** One line, bytes[start, end) without its `\n` (a `\r` before it is kept). */
    private readonly onLine: (bytes: Buffer, start: number, end: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, start);
      if (nl < 0) {
        this.append(bytes, start, bytes.length);
        return;
      }
      if (this.carryLength > 0) {
        this.append(bytes, start, nl);
        this.flushCarry();
      } else {
        this.onLine(bytes, start, nl);
      }
      start = nl + 1;
    }
  }

  /** The input ended: a last line without its newline is still a line. */
  end(): void {
    if (this.carryLength > 0) this.flushCarry();
  }

  private flushCarry(): void {
    const line = Buffer.from(this.carry.buffer, 0, this.carryLength);
    this.carryLength = 0;
    this.onLine(line, 0, line.length);
  }

  private append(bytes: Uint8Array, start: number, end: number): void {
    const needed = this.carryLength + (end - start);
    if (needed > this.maxLineBytes + 1) {
      this.tooLong(needed, hasBareCr(this.carry.subarray(0, this.carryLength)) || hasBareCr(bytes.subarray(start, end)));
    }
    if (needed > this.carry.length) {
      const grown = new Uint8Array(Math.min(this.maxLineBytes + 1, Math.max(needed, this.carry.length * 2, 256)));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    // Copied: the source may reuse the chunk.
    this.carry.set(bytes.subarray(start, end), this.carryLength);
    this.carryLength = needed;
  }
}

/** Whether a CR is followed by something else than LF (an error path: a plain scan). */
export function hasBareCr(bytes: Uint8Array): boolean {
  for (let p = bytes.indexOf(13); p >= 0 && p + 1 < bytes.length; p = bytes.indexOf(13, p + 1)) {
    if (bytes[p + 1] !== 10) return true;
  }
  return false;
}
