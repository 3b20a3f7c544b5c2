// Exact 64-bit addresses without BigInt on the hot path.
//
// An address is carried as a float64 "address key". Every address below 2^48
// (all x86-64 and arm64 user-space pointers) is its own key, so keys are plain
// numbers the pymalloc model can do arithmetic on. An address at or above 2^48
// is split into its top 16 bits, which are interned in a small per-trace
// segment table, and its low 48 bits: key = segment * 2^48 + low48, with
// segment >= 1. Segments stay below 2^5 so keys stay below 2^53 and exact.
// Pool and arena arithmetic is unaffected because pool and arena sizes divide
// 2^48; only an arena straddling a 2^48 boundary would be split, which no
// allocator produces (mmap results are page aligned and arenas are 1 MiB).

export const LOW_BITS = 48;
export const LOW_SPAN = 2 ** LOW_BITS;
/** Segments 1..MAX_SEGMENTS-1 hold addresses >= 2^48; segment 0 is identity. */
export const MAX_SEGMENTS = 32;

export class AddressSpaceError extends Error {}

export class AddressSpace {
  /** segmentTop[s] = the top 16 bits of every address in segment s (s >= 1). */
  private readonly segmentTop: bigint[] = [0n];

  /** Encode an exact unsigned 64-bit value. Throws AddressSpaceError when out of range. */
  encodeBig(value: bigint): number {
    if (value < 0n || value >= 1n << 64n) {
      throw new AddressSpaceError('address beyond 64 bits');
    }
    if (value < BigInt(LOW_SPAN)) return Number(value);
    const top = value >> BigInt(LOW_BITS);
    const low = Number(value & (BigInt(LOW_SPAN) - 1n));
    let segment = this.segmentTop.indexOf(top, 1);
    if (segment < 0) {
      if (this.segmentTop.length >= MAX_SEGMENTS) {
        throw new AddressSpaceError(
          `more than ${MAX_SEGMENTS - 1} distinct 2^48-byte regions above 2^48; memreplay keeps addresses exact only up to that many`,
        );
      }
      segment = this.segmentTop.length;
      this.segmentTop.push(top);
    }
    return segment * LOW_SPAN + low;
  }

  /** The exact address behind a key. */
  decode(key: number): bigint {
    if (key < LOW_SPAN) return BigInt(key);
    const segment = Math.floor(key / LOW_SPAN);
    const low = key - segment * LOW_SPAN;
    return (this.segmentTop[segment]! << BigInt(LOW_BITS)) | BigInt(low);
  }

  /** `0x`-prefixed lower-case hex of the exact address. */
  format(key: number): string {
    if (key < LOW_SPAN) return '0x' + key.toString(16);
    return '0x' + this.decode(key).toString(16);
  }
}
