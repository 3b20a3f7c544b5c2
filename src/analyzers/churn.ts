// Allocation churn by site: who allocates most often, most bytes in total,
// and most short-lived blocks — what live-byte views cannot show, since a
// block freed right away is never live at any instant they look at.
//
// One pass, riding the replay (onBlockAllocated / onBlockFreed): per site,
// allocations, requested bytes allocated, temporary allocations, frees of
// blocks allocated in the window and the sum of their lifetimes in events
// and in nanoseconds; over all sites, the requested-size histogram by the
// pymalloc size class each request rounds to (or, for what the C library
// serves, by power-of-two size). State is a few numbers per site (sites are
// bounded by the stack table) and a fixed histogram: never per block.
//
// A temporary allocation is heaptrack's: an allocation directly followed by
// its own deallocation, with no other allocation or deallocation (of any
// thread, any interpreter) in between. A realloc that moves its block frees
// the old block before the new one is allocated, as heaptrack records it;
// a realloc whose new address is its old one resized its block in place:
// no new allocation, and its growth is not counted as bytes allocated. (Resized so from another stack, the block ends at that
// stack's site, as the replay keeps it: the totals count that free, and a
// site with frees but no allocation in the window is listed nowhere.)
//
// The window: from the start, or right after the first mark labelled `from`,
// to the end, or the first mark labelled `to` after it. Only allocations
// made in the window count; their frees count while the window is open, and
// blocks still live when it closes count as allocations without a lifetime.

import { UsageError } from '../errors.js';
import type { ImportContext } from '../import/import-context.js';
import { parseFrame } from '../events/frame-text.js';
import { DOMAIN_RAW } from '../events/ops.js';
import { blockSize, sizeClassOf, type PymallocGeometry } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../models/pymalloc/pymalloc-view.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import { SiteTable, type SiteGroupingOptions } from './site-table.js';
import type { ChurnOptions } from '../options/churn-options.js';

/** How the result says what "temporary" means (docs/json-output.md repeats it). */
export const TEMPORARY_RULE = 'freed directly after it was allocated: no other allocation or deallocation in between (heaptrack\'s definition)';

export interface ChurnFigures {
  readonly allocations: number;
  /** Requested bytes of those allocations, summed. */
  readonly allocatedBytes: number;
  readonly temporary: number;
  /** Allocations of the window freed in it (the rest were still live when it closed). */
  readonly freed: number;
  /** Mean lifetime of the freed ones, in events and in nanoseconds of the trace's `ts` (null: none freed, or no timestamps). */
  readonly meanLifetimeEvents: number | null;
  readonly meanLifetimeNs: number | null;
}

export interface ChurnSite extends ChurnFigures {
  readonly key: string;
  /** The innermost frame the site is named by (null for blocks without a stack). */
  readonly location: { readonly file: string; readonly line: number; readonly function: string } | null;
}

export interface SizeBucket {
  /** pymalloc size class (null: the C library served these). */
  readonly sizeClass: number | null;
  /** Bytes of a block of that class (null for the C library). */
  readonly blockSize: number | null;
  /** Requested sizes the bucket holds, inclusive. */
  readonly minSize: number;
  readonly maxSize: number;
  readonly allocations: number;
  readonly requestedBytes: number;
  /** Bytes those requests occupy: allocations x the block size, or what the C library was asked. */
  readonly blockBytes: number;
}

export interface ChurnResult {
  /** The window: the marks that open and close it (null: the start, the end) and the events it spans. */
  readonly window: { readonly from: string | null; readonly to: string | null; readonly firstEvent: number; readonly lastEvent: number };
  readonly temporaryRule: string;
  readonly totals: ChurnFigures;
  /** Sites with an allocation in the window. */
  readonly totalSites: number;
  /** The top sites by allocations (ties: bytes, then first seen). */
  readonly sites: readonly ChurnSite[];
  /** Non-empty buckets: pymalloc size classes in order, then the C library's. */
  readonly sizes: readonly SizeBucket[];
}

/** C-library buckets: size 0, 1-512 (raw domain), then (2^(k-1), 2^k] for k = 10..63. */
const SYSTEM_BUCKETS = 64;
const FIRST_POWER = 10;

function systemBucketOf(size: number): number {
  if (size === 0) return 0;
  if (size <= 512) return 1;
  return Math.min(SYSTEM_BUCKETS - 1, 2 + Math.max(0, Math.ceil(Math.log2(size)) - FIRST_POWER));
}

function systemBucketRange(b: number): [number, number] {
  if (b === 0) return [0, 0];
  if (b === 1) return [1, 512];
  const k = b - 2 + FIRST_POWER;
  return [2 ** (k - 1) + 1, 2 ** k];
}

/** Figures per site, in typed arrays grown by doubling. */
const FIELDS = 7;
const ALLOCS = 0;
const BYTES = 1;
const TEMPS = 2;
const FREED = 3;
const LIFE_EVENTS = 4;
const TIMED = 5;
const LIFE_NS = 6;

export class ChurnAnalysis implements ReplayObserver {
  private table: SiteTable | null = null;
  private geometry: PymallocGeometry | null = null;
  private figures = new Float64Array(256 * FIELDS);
  private classAllocs = new Float64Array(0);
  private classBytes = new Float64Array(0);
  private readonly systemAllocs = new Float64Array(SYSTEM_BUCKETS);
  private readonly systemBytes = new Float64Array(SYSTEM_BUCKETS);
  private readonly systemBlockBytes = new Float64Array(SYSTEM_BUCKETS);
  /** The allocating event of the last allocation, until the next allocation or deallocation (0: none pending). */
  private lastAllocEvent = 0;
  private open: boolean;
  private opened = false;
  private closed = false;
  /** The size class siteOf found for the block at hand (-1: the C library), and the function handing it to SiteTable: made once, not per event. */
  private cls = -1;
  private readonly classOfBlock = (): number => this.cls;
  /** Allocations before this event are outside the window. */
  private firstEvent = 1;
  private lastEvent = 0;

  constructor(
    private readonly ctx: ImportContext,
    private readonly sites: SiteGroupingOptions,
    private readonly options: ChurnOptions,
    /** Sites listed at most. */
    private readonly top: number,
  ) {
    this.open = options.from === undefined;
    this.opened = this.open;
  }

  onMark(r: ReplayView, label: string): void {
    if (!this.opened && label === this.options.from) {
      this.open = true;
      this.opened = true;
      this.firstEvent = r.events + 1;
    } else if (this.open && this.options.to !== undefined && label === this.options.to) {
      this.open = false;
      this.closed = true;
      this.lastEvent = r.events;
    }
  }

  onBlockAllocated(r: ReplayView): void {
    const b = r.changedBlock;
    this.lastAllocEvent = b.allocEvent;
    if (!this.open) return;
    const site = this.siteOf(r, b.stack, b.domain, b.size);
    const f = this.figures;
    const o = site * FIELDS;
    f[o + ALLOCS]!++;
    f[o + BYTES]! += b.size;
    const cls = this.cls;
    if (cls >= 0) {
      this.classAllocs[cls]!++;
      this.classBytes[cls]! += b.size;
    } else {
      const s = systemBucketOf(b.size);
      this.systemAllocs[s]!++;
      this.systemBytes[s]! += b.size;
      this.systemBlockBytes[s]! += SystemMallocAccount.bytesFor(b.size);
    }
  }

  onBlockFreed(r: ReplayView): void {
    const b = r.changedBlock;
    const temporary = b.allocEvent === this.lastAllocEvent;
    this.lastAllocEvent = 0;
    if (!this.open || b.allocEvent < this.firstEvent) return;
    const site = this.siteOf(r, b.stack, b.domain, b.size);
    const f = this.figures;
    const o = site * FIELDS;
    if (temporary) f[o + TEMPS]!++;
    f[o + FREED]!++;
    f[o + LIFE_EVENTS]! += r.events - b.allocEvent;
    // A lifetime in time needs both ends stamped.
    if (b.allocTs === b.allocTs && r.lastTs === r.lastTs) {
      f[o + TIMED]!++;
      f[o + LIFE_NS]! += r.lastTs - b.allocTs;
    }
  }

  private siteOf(r: ReplayView, stack: number, domain: number, size: number): number {
    let table = this.table;
    if (table === null) {
      const g = r.geometry;
      this.geometry = g;
      table = this.table = new SiteTable(this.ctx.stacks, g, this.sites);
      this.classAllocs = new Float64Array(g.sizeClasses);
      this.classBytes = new Float64Array(g.sizeClasses);
    }
    // A block without a stack is named by its domain and size class, as every site of it is.
    const cls = domain === DOMAIN_RAW ? -1 : sizeClassOf(this.geometry!, size);
    this.cls = cls;
    const site = table.siteOf(stack, domain, cls < 0 ? NOT_PYMALLOC : 0, this.classOfBlock);
    if ((site + 1) * FIELDS > this.figures.length) {
      const grown = new Float64Array(Math.max(this.figures.length * 2, (site + 1) * FIELDS));
      grown.set(this.figures);
      this.figures = grown;
    }
    return site;
  }

  /** The churn of the window; `r` is the replay as it ended or stopped. A `from` mark the trace never had is a usage error. */
  result(r: ReplayView): ChurnResult {
    const { from, to } = this.options;
    if (from !== undefined && !this.opened) throw new UsageError(`${this.ctx.fileName}: --churn-from ${JSON.stringify(from.slice(0, 60))}: no mark has that label`);
    const lastEvent = this.closed ? this.lastEvent : r.events;
    const f = this.figures;
    const table = this.table;
    const siteCount = table === null ? 0 : table.count;
    const totals = new Float64Array(FIELDS);
    const ranked: number[] = [];
    for (let s = 0; s < siteCount; s++) {
      for (let i = 0; i < FIELDS; i++) totals[i]! += f[s * FIELDS + i]!;
      if (f[s * FIELDS + ALLOCS] !== 0) ranked.push(s);
    }
    ranked.sort((a, b) => f[b * FIELDS + ALLOCS]! - f[a * FIELDS + ALLOCS]! || f[b * FIELDS + BYTES]! - f[a * FIELDS + BYTES]! || a - b);
    const sites = ranked.slice(0, this.top).map((s): ChurnSite => {
      const info = table!.info(s);
      const frame = info.frame === null ? null : parseFrame(info.frame);
      return { key: info.key, location: frame === null ? null : { file: frame.file, line: frame.line, function: frame.func }, ...figuresOf(f, s * FIELDS) };
    });
    return {
      window: { from: from ?? null, to: this.closed ? (to ?? null) : null, firstEvent: this.firstEvent, lastEvent },
      temporaryRule: TEMPORARY_RULE,
      totals: figuresOf(totals, 0),
      totalSites: ranked.length,
      sites,
      sizes: this.sizeBuckets(),
    };
  }

  private sizeBuckets(): SizeBucket[] {
    const buckets: SizeBucket[] = [];
    const g = this.geometry;
    if (g !== null) {
      const align = 1 << g.alignmentShift;
      for (let c = 0; c < this.classAllocs.length; c++) {
        const n = this.classAllocs[c]!;
        if (n === 0) continue;
        const size = blockSize(g, c);
        buckets.push({ sizeClass: c, blockSize: size, minSize: size - align + 1, maxSize: size, allocations: n, requestedBytes: this.classBytes[c]!, blockBytes: n * size });
      }
    }
    for (let s = 0; s < SYSTEM_BUCKETS; s++) {
      const n = this.systemAllocs[s]!;
      if (n === 0) continue;
      const [minSize, maxSize] = systemBucketRange(s);
      buckets.push({ sizeClass: null, blockSize: null, minSize, maxSize, allocations: n, requestedBytes: this.systemBytes[s]!, blockBytes: this.systemBlockBytes[s]! });
    }
    return buckets;
  }
}

/** The figures of the FIELDS numbers at `o`. */
function figuresOf(f: Float64Array, o: number): ChurnFigures {
  return {
    allocations: f[o + ALLOCS]!,
    allocatedBytes: f[o + BYTES]!,
    temporary: f[o + TEMPS]!,
    freed: f[o + FREED]!,
    meanLifetimeEvents: f[o + FREED]! === 0 ? null : f[o + LIFE_EVENTS]! / f[o + FREED]!,
    meanLifetimeNs: f[o + TIMED]! === 0 ? null : f[o + LIFE_NS]! / f[o + TIMED]!,
  };
}
