// The replayer's address map: trace address -> what lives there.
//
// Open addressing with linear probing over one typed array (measured ~2-3x
// faster than Map for this job, and no per-entry objects). Each entry is a
// 48-byte record of six float64 words, so a lookup and the update after it
// touch one or two cache lines instead of one per field:
//   0 key (trace address)   1 model address   2 requested size
//   3 allocating event      4 its timestamp   5 two int32: pool slot, tag
// where tag = (stack + 1) << 5 | inArena << 4 | domain << 2 | state; inArena
// marks keys inside a pymalloc arena (when inserted, or flagged when an arena
// was later placed over them), so the replayer can skip this table for arena
// addresses while there are none.
//
// Entries are never removed on free, only marked FREED, so a later free of
// the same address can be told apart: a double free (seen and freed) or an
// untracked free (never seen). Freed entries are reused when the address is
// allocated again, which is how allocators behave, so the table grows with
// distinct addresses, not with trace length. If it still grows past
// MAX_ENTRIES_BEFORE_FORGET, a rehash drops the freed history (later double
// frees of those addresses then count as untracked frees).

export const SLOT_EMPTY = 0;
export const SLOT_LIVE = 1;
export const SLOT_FREED = 2;

const WORDS = 6;
// Small to start: the table is probed at random, so a big empty one costs a
// cache miss per probe; it doubles as entries come (most live blocks are in
// the pool store, not here).
const INITIAL_CAPACITY = 1 << 12;
const MAX_LOAD = 0.5;
const MAX_ENTRIES_BEFORE_FORGET = 1 << 26;
/**
 * The largest table: its int32 view (12 words an entry) must stay within a
 * typed array's 2^32 elements. At the load rehash leaves, that is 2^26
 * (67,108,864) blocks live here at once, 12 GiB of table: past it the replay
 * stops with a LiveBlockLimitError rather than a RangeError.
 */
export const MAX_CAPACITY = 2 ** 28;

/** More blocks live outside the pool store than the table can hold (see MAX_CAPACITY). */
export class LiveBlockLimitError extends Error {
  override name = 'LiveBlockLimitError';
  constructor(readonly limit: number) {
    super(
      `more than ${limit.toLocaleString('en-US')} blocks live at once outside the pool store (C-library blocks, or pymalloc blocks whose addresses the model did not predict); memreplay keeps at most that many`,
    );
  }
}
/**
 * Live entries outside arenas are counted per 64 KiB region of address keys,
 * in REGION_BUCKETS counters (regions sharing a counter only cost a
 * needless scan when an arena is placed, never a missed entry).
 */
const REGION = 65536;
const REGION_BUCKETS = 1 << 16;

export class LiveBlocks {
  constructor(
    /** A power of two, at most (and by default) MAX_CAPACITY; lower only to test the limit. */
    private readonly maxCapacity = MAX_CAPACITY,
  ) {}

  private capacity = INITIAL_CAPACITY;
  private mask = INITIAL_CAPACITY - 1;
  /** Entries in use, live or freed. */
  used = 0;
  /** Live entries. */
  live = 0;
  /** Live entries whose key lay inside a live pymalloc arena when inserted. */
  liveInArenas = 0;
  /**
   * Live entries not flagged inArena, per REGION of keys (hashed into
   * buckets): tells in O(1) that an arena placed somewhere covers none of
   * them (the usual case), so the table is scanned only when one may lie
   * under it. Counted on every insert and free of a C-library block, so a
   * typed array rather than a Map.
   */
  private readonly outsideByRegion = new Int32Array(REGION_BUCKETS);
  /** find()'s address, handed to findAt without boxing it (see findAt). */
  private readonly scratch = new Float64Array(1);
  private f64 = new Float64Array(INITIAL_CAPACITY * WORDS);
  private i32 = new Int32Array(this.f64.buffer);

  /**
   * The slot holding `address` (live or freed), or the negative of (empty
   * slot + 1) where it would go. Allocation free.
   */
  find(address: number): number {
    this.scratch[0] = address;
    return this.findAt(this.scratch, 0);
  }

  /**
   * find(addresses[i]). The replay's hot path calls this: V8 boxes a double
   * passed to a call it did not inline, and an index into a typed array is
   * not a double.
   */
  findAt(addresses: Float64Array, index: number): number {
    const address = addresses[index]!;
    // Addresses are mostly 16-byte aligned: drop those bits, fold in the high
    // part, then murmur3's finalizer so every input bit reaches the low bits
    // the mask keeps (a bare multiply leaves them depending on low bits only).
    let h = ((address / 1024) | 0) ^ Math.imul((address / 68719476736) | 0, 0x9e3779b1); // 2^36
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let i = ((h << 6) | (((address / 16) | 0) & 63)) & this.mask;
    const f64 = this.f64;
    const i32 = this.i32;
    for (;;) {
      if ((i32[i * 12 + 11]! & 3) === SLOT_EMPTY) return -(i + 1);
      if (f64[i * WORDS] === address) return i;
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Make `address` live with these fields, at the slot `find` returned
   * (reusing a freed entry). Returns the slot.
   */
  insert(
    address: number,
    found: number,
    modelAddr: number,
    pool: number,
    size: number,
    stack: number,
    domain: number,
    event: number,
    ts: number,
    inArena: boolean,
  ): number {
    let slot: number;
    if (found >= 0) {
      slot = found;
    } else {
      if (this.used + 1 > this.capacity * MAX_LOAD) {
        this.rehash();
        found = this.find(address);
      }
      slot = -found - 1;
      this.used++;
    }
    const w = slot * WORDS;
    const f64 = this.f64;
    f64[w] = address;
    f64[w + 1] = modelAddr;
    f64[w + 2] = size;
    f64[w + 3] = event;
    f64[w + 4] = ts;
    this.i32[w * 2 + 10] = pool;
    this.i32[w * 2 + 11] = ((stack + 1) << 5) | (inArena ? 16 : 0) | (domain << 2) | SLOT_LIVE;
    this.live++;
    if (inArena) this.liveInArenas++;
    else this.countOutside(address, 1);
    return slot;
  }

  /** Flag the live entries with lo <= key < hi as inside an arena (an arena was placed there). */
  flagInside(lo: number, hi: number): void {
    const first = Math.floor(lo / REGION);
    const last = Math.floor((hi - 1) / REGION);
    let any = false;
    for (let r = first; r <= last && !any; r++) any = this.outsideByRegion[regionBucket(r)] !== 0;
    if (!any) return;
    for (let i = 0; i < this.capacity; i++) {
      const t = i * 12 + 11;
      const tag = this.i32[t]!;
      const key = this.f64[i * WORDS]!;
      if ((tag & 3) !== SLOT_LIVE || (tag & 16) !== 0 || key < lo || key >= hi) continue;
      this.i32[t] = tag | 16;
      this.liveInArenas++;
      this.countOutside(key, -1);
    }
  }

  private countOutside(key: number, delta: number): void {
    this.outsideByRegion[regionBucket(Math.floor(key / REGION))] += delta;
  }

  markFreed(slot: number): void {
    const t = slot * 12 + 11;
    const tag = this.i32[t]!;
    this.i32[t] = (tag & ~3) | SLOT_FREED;
    this.live--;
    if ((tag & 16) !== 0) this.liveInArenas--;
    else this.countOutside(this.f64[slot * WORDS]!, -1);
  }

  state(slot: number): number {
    return this.i32[slot * 12 + 11]! & 3;
  }

  isLive(slot: number): boolean {
    return (this.i32[slot * 12 + 11]! & 3) === SLOT_LIVE;
  }

  modelAddr(slot: number): number {
    return this.f64[slot * WORDS + 1]!;
  }

  size(slot: number): number {
    return this.f64[slot * WORDS + 2]!;
  }

  setSize(slot: number, size: number): void {
    this.f64[slot * WORDS + 2] = size;
  }

  /** Number (1-based) of the event that allocated the block. */
  allocEvent(slot: number): number {
    return this.f64[slot * WORDS + 3]!;
  }

  allocTs(slot: number): number {
    return this.f64[slot * WORDS + 4]!;
  }

  /** Pool slot in the pymalloc model, or -1 for C-library blocks. */
  pool(slot: number): number {
    return this.i32[slot * 12 + 10]!;
  }

  /** Interned stack id, or -1. */
  stack(slot: number): number {
    return (this.i32[slot * 12 + 11]! >> 5) - 1;
  }

  setStack(slot: number, stack: number): void {
    const t = slot * 12 + 11;
    this.i32[t] = ((stack + 1) << 5) | (this.i32[t]! & 31);
  }

  domain(slot: number): number {
    return (this.i32[slot * 12 + 11]! >> 2) & 3;
  }

  /** Visit every live slot. */
  forEachLive(visit: (slot: number) => void): void {
    if (this.live === 0) return;
    for (let i = 0; i < this.capacity; i++) if ((this.i32[i * 12 + 11]! & 3) === SLOT_LIVE) visit(i);
  }

  private rehash(): void {
    const forget = this.used >= MAX_ENTRIES_BEFORE_FORGET;
    const keep = forget ? this.live : this.used;
    let capacity = this.capacity;
    while (keep + 1 > capacity * MAX_LOAD * 0.5) capacity *= 2;
    if (capacity > this.maxCapacity) throw new LiveBlockLimitError(this.maxCapacity * MAX_LOAD * 0.5);
    const oldF64 = this.f64;
    const oldI32 = this.i32;
    const oldCapacity = this.capacity;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.used = 0;
    this.f64 = new Float64Array(capacity * WORDS);
    this.i32 = new Int32Array(this.f64.buffer);
    for (let i = 0; i < oldCapacity; i++) {
      const state = oldI32[i * 12 + 11]! & 3;
      if (state === SLOT_EMPTY || (forget && state === SLOT_FREED)) continue;
      const j = -this.find(oldF64[i * WORDS]!) - 1;
      for (let k = 0; k < WORDS; k++) this.f64[j * WORDS + k] = oldF64[i * WORDS + k]!;
      this.used++;
    }
  }
}

/** Counter of a region (ToInt32 keeps the low 32 bits of regions beyond 2^31). */
function regionBucket(region: number): number {
  return (region | 0) & (REGION_BUCKETS - 1);
}
