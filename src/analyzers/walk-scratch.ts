// Reusable typed-array state for walks of the live set (live-sites.ts,
// arena-pinning.ts): which sites share a pool or an arena, and which pools
// or arenas one site holds alone.
//
// Why typed arrays, kept from walk to walk: a walk visits millions of live
// blocks, and the (slot, site) pairs it meets number about pools × sites per
// pool (4 M on the soak's 2 GiB heap). As a Set of numbers each pair past
// 2^31 is a boxed heap number plus a hash entry (~40 bytes), and the Set's
// doublings leave their old tables behind: tens to hundreds of MiB of
// JavaScript heap per walk that the replay around it, which hardly
// allocates, gives V8 no reason to collect. `report` walks the live set at
// the end of one replay and at each peak of another, so these piled up (its
// peak RSS was 1.6x analyze's). Here a pair costs 8 bytes of a table at most
// half full, nothing is boxed, and one WalkScratch serves every walk of a
// report: its arrays grow to the largest walk once and are cleared, not
// reallocated.

import type { PymallocView } from '../models/pymalloc/pymalloc-view.js';

/** Site ids stay below 2^22 (StackTable caps stacks at 4 M), and slots below 2^30: a pair packs exactly into one float64. */
const SITE_SPAN = 2 ** 22;
const INITIAL_PAIRS = 1 << 12;
const INITIAL_SLOTS = 1 << 10;

/** Mixes both halves into the low bits the table's mask keeps (neighbouring pools must not probe neighbouring entries). */
function hashPair(slot: number, site: number): number {
  let h = Math.imul(slot, 0x9e3779b1) ^ site;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** A set of (slot, site) pairs: open addressing with linear probing over one Float64Array (0: empty). */
export class PairSet {
  private keys = new Float64Array(INITIAL_PAIRS);
  private mask = INITIAL_PAIRS - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes of the table. */
  get bytes(): number {
    return this.keys.byteLength;
  }

  clear(): void {
    if (this.count > 0) this.keys.fill(0);
    this.count = 0;
  }

  /** Adds the pair; true when it was not there yet. */
  add(slot: number, site: number): boolean {
    const key = slot * SITE_SPAN + site + 1;
    const keys = this.keys;
    const mask = this.mask;
    for (let i = hashPair(slot, site) & mask; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) return false;
      if (k === 0) {
        keys[i] = key;
        if (++this.count * 2 > keys.length) this.grow();
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2);
    this.mask = this.keys.length - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i++) {
      const key = old[i]!;
      if (key !== 0) this.add(Math.floor((key - 1) / SITE_SPAN), (key - 1) % SITE_SPAN);
    }
  }
}

/** Several sites in one slot. */
export const SHARED = -1;

/**
 * For each pool or arena slot the walk met: its only site, or SHARED.
 * Indexed by slot (slots are small dense integers), with the list of slots
 * met, so clearing and listing cost the slots met, not every slot.
 */
export class SlotOwners {
  /** Per slot: 0 not met, site + 1 for one site, -1 for several. */
  private owner = new Int32Array(INITIAL_SLOTS);
  private metList = new Int32Array(INITIAL_SLOTS);
  private metCount = 0;

  /** Slots met since the last clear. */
  get met(): number {
    return this.metCount;
  }

  get bytes(): number {
    return this.owner.byteLength + this.metList.byteLength;
  }

  clear(): void {
    for (let i = 0; i < this.metCount; i++) this.owner[this.metList[i]!] = 0;
    this.metCount = 0;
  }

  /** A block of `site` lies in `slot`. */
  claim(slot: number, site: number): void {
    if (slot >= this.owner.length) this.growOwner(slot);
    const o = this.owner[slot]!;
    if (o === 0) {
      if (this.metCount === this.metList.length) this.growList();
      this.metList[this.metCount++] = slot;
      this.owner[slot] = site + 1;
    } else if (o !== site + 1) this.owner[slot] = -1;
  }

  /** The i-th slot met (0 <= i < met), in the order first met. */
  slotAt(i: number): number {
    return this.metList[i]!;
  }

  /** The only site of a slot met, or SHARED. */
  ownerOf(slot: number): number {
    const o = this.owner[slot]!;
    return o > 0 ? o - 1 : SHARED;
  }

  private growOwner(slot: number): void {
    let n = this.owner.length;
    while (n <= slot) n *= 2;
    const bigger = new Int32Array(n);
    bigger.set(this.owner);
    this.owner = bigger;
  }

  private growList(): void {
    const bigger = new Int32Array(this.metList.length * 2);
    bigger.set(this.metList);
    this.metList = bigger;
  }
}

/** The scratch of one model (one interpreter's pymalloc state): its pool and arena slots are its own. */
export class ModelSlots {
  readonly poolOwners = new SlotOwners();
  readonly arenaOwners = new SlotOwners();
  readonly poolPairs = new PairSet();
  readonly arenaPairs = new PairSet();

  clear(): void {
    this.poolOwners.clear();
    this.arenaOwners.clear();
    this.poolPairs.clear();
    this.arenaPairs.clear();
  }

  get bytes(): number {
    return this.poolOwners.bytes + this.arenaOwners.bytes + this.poolPairs.bytes + this.arenaPairs.bytes;
  }
}

/**
 * Scratch for walks of the live set, one ModelSlots per model met. A walk
 * calls begin(), of() for each model it meets, and finish() at its end; one
 * walk at a time.
 */
export class WalkScratch {
  private readonly slots: ModelSlots[] = [];
  /** The models of the walk under way, by their slots' index; emptied by finish(). */
  private readonly models: PymallocView[] = [];
  /** Slots used by the last walk (cleared by the next begin). */
  private usedCount = 0;

  /** Starts a walk: the last walk's state cleared. */
  begin(): void {
    for (let i = 0; i < this.usedCount; i++) this.slots[i]!.clear();
    this.usedCount = 0;
    this.models.length = 0;
  }

  /** The scratch of `model` in this walk. */
  of(model: PymallocView): ModelSlots {
    const i = this.models.indexOf(model);
    if (i >= 0) return this.slots[i]!;
    this.models.push(model);
    this.usedCount = this.models.length;
    if (this.slots.length < this.usedCount) this.slots.push(new ModelSlots());
    return this.slots[this.usedCount - 1]!;
  }

  /** The scratch of each model met in this walk, in the order met. */
  used(): readonly ModelSlots[] {
    return this.slots.slice(0, this.usedCount);
  }

  /**
   * Ends the walk: forgets its models. A model holds its replay (whose
   * typed arrays are most of memreplay's memory), and the scratch outlives
   * it in a report, whose next replay must not grow beside this one.
   */
  finish(): void {
    this.models.length = 0;
  }

  /** Bytes held by the scratch's arrays. */
  get bytes(): number {
    let n = 0;
    for (const s of this.slots) n += s.bytes;
    return n;
  }
}
