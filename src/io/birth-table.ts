// The .mrt writer's table of the addresses born in the events chunk being
// written and not yet released (docs/trace-format-binary.md, "Addresses"):
// address -> birth number. An open-addressing hash in typed arrays (linear
// probing, backward-shift deletion), because a Map keyed by addresses beyond
// 2^31 (heap numbers) cost the writer more than all the rest of an event.
// Emptied at every chunk by a new generation, not by clearing its arrays.

const MIN_CAPACITY = 1024;

export class BirthTable {
  private keys = new Float64Array(MIN_CAPACITY);
  private births = new Int32Array(MIN_CAPACITY);
  /** A slot is in use when its generation is the table's. */
  private gens = new Int32Array(MIN_CAPACITY);
  private gen = 1;
  private mask = MIN_CAPACITY - 1;
  private used = 0;

  /** Forget every entry. */
  clear(): void {
    this.gen++;
    this.used = 0;
  }

  /** `address` was born now, as birth `birth` (a later birth at the same address replaces an earlier one). */
  set(address: number, birth: number): void {
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    let i = this.home(address);
    for (; this.gens[i] === this.gen; i = (i + 1) & this.mask) {
      if (this.keys[i] === address) {
        this.births[i] = birth;
        return;
      }
    }
    this.keys[i] = address;
    this.births[i] = birth;
    this.gens[i] = this.gen;
    this.used++;
  }

  /** The birth number of `address`, removed from the table; -1 when it is not there. */
  take(address: number): number {
    for (let i = this.home(address); this.gens[i] === this.gen; i = (i + 1) & this.mask) {
      if (this.keys[i] === address) {
        const birth = this.births[i]!;
        this.deleteAt(i);
        return birth;
      }
    }
    return -1;
  }

  private home(address: number): number {
    // Blocks are 8- or 16-byte aligned: the bits above the fourth, and those past 2^32, mixed.
    return (Math.imul((address / 16) ^ (address / 4294967296), 0x9e3779b1) >>> 0) & this.mask;
  }

  /** Knuth's algorithm R: later entries of the probe run move back over the hole. */
  private deleteAt(hole: number): void {
    const mask = this.mask;
    let i = hole;
    for (let j = (i + 1) & mask; this.gens[j] === this.gen; j = (j + 1) & mask) {
      const h = this.home(this.keys[j]!);
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (stays) continue;
      this.keys[i] = this.keys[j]!;
      this.births[i] = this.births[j]!;
      i = j;
    }
    this.gens[i] = 0;
    this.used--;
  }

  private grow(): void {
    const { keys, births, gens, gen } = this;
    const n = keys.length * 2;
    this.keys = new Float64Array(n);
    this.births = new Int32Array(n);
    this.gens = new Int32Array(n);
    this.gen = 1;
    this.mask = n - 1;
    this.used = 0;
    for (let i = 0; i < keys.length; i++) if (gens[i] === gen) this.set(keys[i]!, births[i]!);
  }
}
