// Which live arenas overlap an arena-size granule of the address space
// (granule = floor(address / arena size)): the model's poolAt/locate ask this
// for nearly every free whose arena is not the one asked last.
//
// An open-addressing table in typed arrays (linear probing, backward-shift
// deletion), because a Map of numbers cost a hash-table builtin call per
// lookup on the replay's hot path. An arena that is not aligned to its size
// overlaps two granules, and a granule can be overlapped by two arenas (the
// tail of one, the head of the next), so an entry holds up to two arena
// slots (in two int arrays: unpacking one double took a slow x87 remainder).

const EMPTY = 0;
const NONE = -1;
const MIN_CAPACITY = 64;

export class ArenaDirectory {
  /** granule + 1, EMPTY for a free entry (granules are >= 0). */
  private keys = new Float64Array(MIN_CAPACITY);
  private firsts = new Int32Array(MIN_CAPACITY);
  private seconds = new Int32Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private used = 0;

  /** The entry of `granule` (for first/second), or -1 when no arena overlaps it. */
  find(granule: number): number {
    const key = granule + 1;
    const keys = this.keys;
    for (let i = this.home(granule); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return i;
      if (k === EMPTY) return -1;
    }
  }

  /** An arena slot overlapping the granule of entry `i`. */
  first(i: number): number {
    return this.firsts[i]!;
  }

  /** The other arena slot overlapping it, or -1. */
  second(i: number): number {
    return this.seconds[i]!;
  }

  /** Arena slot `arena` now overlaps `granule`. */
  add(granule: number, arena: number): void {
    const i = this.find(granule);
    if (i >= 0) {
      this.seconds[i] = arena;
      return;
    }
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    this.insert(granule + 1, arena, NONE);
  }

  /** Arena slot `arena` no longer overlaps `granule`. */
  remove(granule: number, arena: number): void {
    const i = this.find(granule);
    if (i < 0) return;
    const keep = this.firsts[i] === arena ? this.seconds[i]! : this.firsts[i]!;
    if (keep !== NONE) {
      this.firsts[i] = keep;
      this.seconds[i] = NONE;
      return;
    }
    this.deleteAt(i);
  }

  private home(granule: number): number {
    // ToInt32 keeps the low 32 bits of granules beyond 2^31: fine for a hash.
    return Math.imul(granule | 0, 0x9e3779b1) >>> 0 & this.mask;
  }

  private insert(key: number, first: number, second: number): void {
    let i = this.home(key - 1);
    while (this.keys[i] !== EMPTY) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.firsts[i] = first;
    this.seconds[i] = second;
    this.used++;
  }

  /** Knuth's algorithm R: pull later entries of the probe run back over the hole. */
  private deleteAt(hole: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = hole;
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const h = this.home(keys[j]! - 1);
      // The entry at j may move to i unless its home lies cyclically in (i, j].
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      this.firsts[i] = this.firsts[j]!;
      this.seconds[i] = this.seconds[j]!;
      i = j;
    }
    keys[i] = EMPTY;
    this.used--;
  }

  private grow(): void {
    const keys = this.keys;
    const firsts = this.firsts;
    const seconds = this.seconds;
    this.keys = new Float64Array(keys.length * 2);
    this.firsts = new Int32Array(keys.length * 2);
    this.seconds = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    this.used = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.insert(keys[i]!, firsts[i]!, seconds[i]!);
  }
}
