// Reading the primitives of the binary trace format from one decoded chunk
// payload: varints, zigzag deltas, float64, length-prefixed UTF-8 text.
// Every read is bounded by the payload's end, and every failure names the
// byte where it happened (the caller turns it into the file's message).

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** A varint of a plain number has at most 8 bytes (56 bits); larger ones are no safe integer. */
const MAX_NUMBER_VARINT_BYTES = 8;
/** An unsigned 64-bit varint has at most 10 bytes. */
const MAX_BIG_VARINT_BYTES = 10;

/** A read that failed at byte `at` of the payload. */
export class PayloadError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

export class MrtCursor {
  pos = 0;
  end = 0;
  buf: Uint8Array = new Uint8Array(0);
  private readonly view8 = new DataView(new ArrayBuffer(8));

  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.pos = 0;
    this.end = buf.length;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) throw this.cut(this.pos, 'a byte');
    return this.buf[this.pos++]!;
  }

  /** A non-negative integer up to 2^53 - 1. */
  varint(): number {
    const b = this.buf;
    let p = this.pos;
    if (p < this.end) {
      const c = b[p]!;
      if (c < 0x80) {
        this.pos = p + 1;
        return c;
      }
    }
    const start = p;
    let value = 0;
    let scale = 1;
    for (let n = 0; n < MAX_NUMBER_VARINT_BYTES; n++) {
      if (p >= this.end) throw this.cut(start, 'a varint');
      const c = b[p++]!;
      value += (c & 0x7f) * scale;
      if (c < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw new PayloadError(start, `varint beyond 2^53 - 1 (${value}): no count, size or delta is that large`);
        this.pos = p;
        return value;
      }
      scale *= 128;
    }
    throw new PayloadError(start, `varint longer than ${MAX_NUMBER_VARINT_BYTES} bytes: no count, size or delta is that large`);
  }

  /** A zigzag-coded signed integer. */
  zigzag(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** An unsigned 64-bit integer. */
  bigVarint(): bigint {
    const start = this.pos;
    let value = 0n;
    let shift = 0n;
    for (let n = 0; n < MAX_BIG_VARINT_BYTES; n++) {
      if (this.pos >= this.end) throw this.cut(start, 'a varint');
      const c = this.buf[this.pos++]!;
      value |= BigInt(c & 0x7f) << shift;
      if (c < 0x80) {
        if (value >= 1n << 64n) throw new PayloadError(start, 'varint beyond 64 bits: expected an address');
        return value;
      }
      shift += 7n;
    }
    throw new PayloadError(start, `varint longer than ${MAX_BIG_VARINT_BYTES} bytes: expected an address of at most 64 bits`);
  }

  f64(): number {
    if (this.end - this.pos < 8) throw this.cut(this.pos, 'a float64');
    for (let k = 0; k < 8; k++) this.view8.setUint8(k, this.buf[this.pos + k]!);
    this.pos += 8;
    return this.view8.getFloat64(0, true);
  }

  /** Length-prefixed UTF-8 text of at most `maxBytes` bytes (`what` names it in the message). */
  text(maxBytes: number, what: string): string {
    const start = this.pos;
    const n = this.varint();
    if (n > maxBytes) throw new PayloadError(start, `${what} of ${n} bytes: expected at most ${maxBytes}`);
    if (n > this.end - this.pos) throw new PayloadError(start, `${what} of ${n} bytes runs past the end of its chunk (${this.end - this.pos} left)`);
    const s = decoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  private cut(at: number, what: string): PayloadError {
    return new PayloadError(at, `the chunk ends inside ${what}`);
  }
}
