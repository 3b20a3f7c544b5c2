// Which live arenas overlap an arena-size granule of the address space
// (granule = floor(address / arena size)): the model's poolAt/locate ask this
// for nearly every free whose arena is not the one asked last.
//
// An open-addressing table in typed arrays (linear probing, backward-shift
// deletion), because a Map of numbers cost a hash-table builtin call per
// lookup on the replay's hot path. An arena that is not aligned to its size
// overlaps two granules, and a granule can be overlapped by two arenas (the
// tail of one, the head of the next), so a value packs up to two arena slots:
// (a + 1) + (b + 1) * 2^26, 0 for none.

const EMPTY = 0;
export const SECOND_ARENA = 2 ** 26;
const MIN_CAPACITY = 64;

export class ArenaDirectory {
  /** granule + 1, EMPTY for a free entry (granules are >= 0). */
  private keys = new Float64Array(MIN_CAPACITY);
  private values = new Float64Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private used = 0;

  /** The packed arena slots overlapping `granule`, 0 for none. */
  get(granule: number): number {
    const key = granule + 1;
    const keys = this.keys;
    for (let i = this.home(granule); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return this.values[i]!;
      if (k === EMPTY) return 0;
    }
  }

  /** Arena slot `arena` now overlaps `granule`. */
  add(granule: number, arena: number): void {
    const i = this.find(granule);
    if (i >= 0) {
      const packed = this.values[i]!;
      this.values[i] = packed === 0 ? arena + 1 : (packed % SECOND_ARENA) + (arena + 1) * SECOND_ARENA;
      return;
    }
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    this.insert(granule + 1, arena + 1);
  }

  /** Arena slot `arena` no longer overlaps `granule`. */
  remove(granule: number, arena: number): void {
    const i = this.find(granule);
    if (i < 0) return;
    const packed = this.values[i]!;
    const a = (packed % SECOND_ARENA) - 1;
    const b = Math.floor(packed / SECOND_ARENA) - 1;
    const keep = a === arena ? b : a;
    if (keep >= 0) {
      this.values[i] = keep + 1;
      return;
    }
    this.deleteAt(i);
  }

  private home(granule: number): number {
    // ToInt32 keeps the low 32 bits of granules beyond 2^31: fine for a hash.
    return Math.imul(granule | 0, 0x9e3779b1) >>> 0 & this.mask;
  }

  private find(granule: number): number {
    const key = granule + 1;
    for (let i = this.home(granule); ; i = (i + 1) & this.mask) {
      const k = this.keys[i]!;
      if (k === key) return i;
      if (k === EMPTY) return -1;
    }
  }

  private insert(key: number, value: number): void {
    let i = this.home(key - 1);
    while (this.keys[i] !== EMPTY) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.values[i] = value;
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
      this.values[i] = this.values[j]!;
      i = j;
    }
    keys[i] = EMPTY;
    this.values[i] = 0;
    this.used--;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Float64Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    this.used = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.insert(keys[i]!, values[i]!);
  }
}
