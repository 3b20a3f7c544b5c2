// Anonymous mappings made directly by C code (the native contract's mmap,
// munmap and mremap): a set of disjoint address ranges, kept sorted by start
// in two typed arrays. munmap may cover part of a mapping (which splits it),
// a whole one, or several; mremap takes the mapping from its old address to
// that mapping's end (its known size) and places `size` bytes at the new
// address. Mappings are few next to heap blocks (a program maps at most some
// thousands at once), so an insertion that moves the arrays' tails is cheap;
// the count is bounded by MAX_MAPPINGS, as the replay's other growing
// structures are, with a clear error past it.

/** Mappings held at once, at most: 16 MiB of arrays. */
export const MAX_MAPPINGS = 1 << 20;

/** More anonymous mappings live at once than the replay keeps (see MAX_MAPPINGS). */
export class MappingLimitError extends Error {
  override name = 'MappingLimitError';
  constructor(readonly limit: number) {
    super(`more than ${limit.toLocaleString('en-US')} anonymous mappings live at once; memreplay keeps at most that many`);
  }
}

export class AnonymousMappings {
  private start = new Float64Array(64);
  private end = new Float64Array(64);
  /** Mappings held. */
  count = 0;
  /** Bytes mapped now (the sum of the ranges). */
  bytes = 0;

  constructor(private readonly limit = MAX_MAPPINGS) {}

  /**
   * Map [addr, addr + size). A range already mapped there is replaced (as
   * MAP_FIXED replaces it); returns the bytes it replaced.
   */
  map(addr: number, size: number): number {
    const replaced = this.unmap(addr, size);
    if (size === 0) return replaced;
    if (this.count >= this.limit) throw new MappingLimitError(this.limit);
    if (this.count === this.start.length) this.grow();
    const at = this.firstEndingAfter(addr);
    this.start.copyWithin(at + 1, at, this.count);
    this.end.copyWithin(at + 1, at, this.count);
    this.start[at] = addr;
    this.end[at] = addr + size;
    this.count++;
    this.bytes += size;
    return replaced;
  }

  /** Unmap [addr, addr + size), splitting a mapping it covers in part; returns the bytes that were mapped there. */
  unmap(addr: number, size: number): number {
    // (An empty range unmaps nothing; it must not split the mapping around it.)
    if (size <= 0) return 0;
    const stop = addr + size;
    let removed = 0;
    let i = this.firstEndingAfter(addr);
    while (i < this.count && this.start[i]! < stop) {
      const s = this.start[i]!;
      const e = this.end[i]!;
      const cutFrom = Math.max(s, addr);
      const cutTo = Math.min(e, stop);
      removed += cutTo - cutFrom;
      if (s < addr && e > stop) {
        // A hole in the middle: the mapping becomes two.
        if (this.count >= this.limit) throw new MappingLimitError(this.limit);
        if (this.count === this.start.length) this.grow();
        this.start.copyWithin(i + 2, i + 1, this.count);
        this.end.copyWithin(i + 2, i + 1, this.count);
        this.end[i] = addr;
        this.start[i + 1] = stop;
        this.end[i + 1] = e;
        this.count++;
        break;
      }
      if (s < addr) {
        this.end[i] = addr;
        i++;
      } else if (e > stop) {
        this.start[i] = stop;
        i++;
      } else {
        this.start.copyWithin(i, i + 1, this.count);
        this.end.copyWithin(i, i + 1, this.count);
        this.count--;
      }
    }
    this.bytes -= removed;
    return removed;
  }

  /**
   * The known size of the mapping piece that starts at `addr` and runs to its
   * mapping's end, or -1 when no mapping holds addr.
   */
  sizeFrom(addr: number): number {
    const i = this.firstEndingAfter(addr);
    return i < this.count && this.start[i]! <= addr ? this.end[i]! - addr : -1;
  }

  /** Visit each mapping, in address order. */
  forEach(visit: (start: number, size: number) => void): void {
    for (let i = 0; i < this.count; i++) visit(this.start[i]!, this.end[i]! - this.start[i]!);
  }

  /** Index of the first mapping whose end is above addr (the ranges are disjoint and sorted, so the ends are too). */
  private firstEndingAfter(addr: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.end[mid]! <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const n = Math.min(this.start.length * 2, this.limit + 1);
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    start.set(this.start);
    end.set(this.end);
    this.start = start;
    this.end = end;
  }
}
