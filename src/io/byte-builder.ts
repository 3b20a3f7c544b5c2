// A growable byte buffer with the binary trace format's primitives: LEB128
// varints of numbers up to 2^53 (and of 64-bit BigInts), zigzag for signed
// deltas, float64, length-prefixed UTF-8 text. The writer's per-event path
// allocates nothing: the buffer is reused after every chunk.

const encoder = new TextEncoder();

export class ByteBuilder {
  bytes: Uint8Array;
  length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  /** The bytes written so far (a view: valid until the next write or clear). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  u8(v: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = v;
  }

  /** A non-negative integer up to 2^53 - 1. */
  varint(v: number): void {
    if (this.length + 8 > this.bytes.length) this.grow(8);
    const b = this.bytes;
    let i = this.length;
    if (v < 0x80000000) {
      while (v >= 0x80) {
        b[i++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= 0x80) {
        b[i++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
    }
    b[i++] = v;
    this.length = i;
  }

  /** A signed integer of magnitude below 2^52, zigzag coded (0, -1, 1, -2... as 0, 1, 2, 3...). */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** An unsigned 64-bit integer. */
  bigVarint(v: bigint): void {
    if (this.length + 10 > this.bytes.length) this.grow(10);
    while (v >= 0x80n) {
      this.bytes[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.bytes[this.length++] = Number(v);
  }

  f64(v: number): void {
    if (this.length + 8 > this.bytes.length) this.grow(8);
    this.scratch.setFloat64(0, v, true);
    for (let k = 0; k < 8; k++) this.bytes[this.length++] = this.scratch.getUint8(k);
  }

  /** Byte length (varint) then the UTF-8 bytes. */
  text(s: string): void {
    const max = s.length * 3;
    if (this.length + max + 8 > this.bytes.length) this.grow(max + 8);
    // Text of under 43 characters takes under 128 bytes: its length is one byte, so it is encoded in place.
    const encoded = max < 128 ? null : encoder.encode(s);
    if (encoded !== null) {
      this.varint(encoded.length);
      this.bytes.set(encoded, this.length);
      this.length += encoded.length;
      return;
    }
    const start = this.length + 1;
    const { written } = encoder.encodeInto(s, this.bytes.subarray(start));
    this.bytes[this.length] = written;
    this.length = start + written;
  }

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.bytes.length) this.grow(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  private grow(need: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}
