// Live blocks at one instant, grouped: by call site (the innermost frame of
// the block's stack) when the trace has stacks, otherwise by where the
// allocator put them (pymalloc size class, the C library, or the raw domain).
// One pass over the live map; state is one entry per group.

import { DOMAIN_NAMES, DOMAIN_RAW } from '../events/ops.js';
import type { StackTable } from '../events/stack-table.js';
import { blockSize, type PymallocGeometry } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../models/pymalloc/pymalloc-model.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import type { Replayer } from '../replay/replayer.js';
import { parseFrame } from './frame-text.js';

export type LiveGrouping = 'call_site' | 'size_class';

export interface LiveGroup {
  /** The innermost frame (call_site), or a size-class / allocator label. */
  readonly key: string;
  readonly blocks: number;
  /** Sum of requested sizes. */
  readonly requestedBytes: number;
  /** Bytes the blocks occupy: pymalloc block sizes, or what the C library was asked. */
  readonly allocatedBytes: number;
  /** First and last event (1-based) that allocated one of these blocks. */
  readonly firstEvent: number;
  readonly lastEvent: number;
  /** The full stack of one of the blocks, oldest frame first (call_site only). */
  readonly exampleStack?: readonly string[];
}

export interface LiveBlocksSummary {
  readonly groupedBy: LiveGrouping;
  readonly totalBlocks: number;
  readonly totalRequestedBytes: number;
  readonly totalGroups: number;
  /** The largest groups by requested bytes (at most `top`). */
  readonly groups: readonly LiveGroup[];
}

const NO_STACK_SYSTEM = -1;
const NO_STACK_RAW = -2;
/** Groups for pymalloc blocks without a stack: -(3 + size class). */
const NO_STACK_CLASS_BASE = -3;
const EMPTY_STACK = NO_STACK_SYSTEM - 1000;

/**
 * The group ("site") of a live block, as a number: a frame id (>= 0) when
 * grouping by call site and the block has a stack, else a negative id for
 * its size class / the C library / the raw domain. Shared by every analyzer
 * that groups live blocks, so they all name sites alike.
 */
export class SiteKeys {
  constructor(
    private readonly r: Replayer,
    private readonly stacks: StackTable,
    /** Group by call site (the trace has stacks), else by where the allocator put the block. */
    readonly withStack: boolean,
  ) {}

  /** True when some live block has a stack: group by call site. */
  static liveBlocksHaveStacks(r: Replayer): boolean {
    let withStack = false;
    r.forEachLiveBlock((_pool, _size, stack) => {
      if (stack >= 0) withStack = true;
    });
    return withStack;
  }

  get grouping(): LiveGrouping {
    return this.withStack ? 'call_site' : 'size_class';
  }

  idOf(pool: number, stack: number, domain: number): number {
    if (this.withStack && stack >= 0) {
      const frames = this.stacks.frameIdsOf(stack);
      return frames.length > 0 ? frames[frames.length - 1]! : EMPTY_STACK;
    }
    if (pool !== NOT_PYMALLOC) return NO_STACK_CLASS_BASE - this.r.model.poolSizeClass(pool);
    return domain === DOMAIN_RAW ? NO_STACK_RAW : NO_STACK_SYSTEM;
  }

  keyOf(id: number): string {
    const withStack = this.withStack;
    if (id >= 0) return this.stacks.frameString(id);
    if (id === NO_STACK_SYSTEM) return withStack ? '(no stack) C library (size 0 or > 512)' : 'C library (size 0 or > 512)';
    if (id === NO_STACK_RAW) return withStack ? '(no stack) raw domain' : 'raw domain';
    if (id === EMPTY_STACK) return '(empty stack)';
    const c = NO_STACK_CLASS_BASE - id;
    const label = `size class ${c} (${blockSize(this.r.geometry, c)}-byte blocks)`;
    return withStack ? `(no stack) ${label}` : label;
  }

  /** The frames of a stack, oldest first, when the id is a call site; undefined otherwise. */
  exampleStack(id: number, stack: number): string[] | undefined {
    return id >= 0 && stack >= 0 ? this.stacks.frames(stack) : undefined;
  }
}

/** Bytes a live block occupies: its pymalloc block size, or what the C library was asked. */
export function allocatedBytesOf(r: Replayer, pool: number, size: number): number {
  return pool !== NOT_PYMALLOC ? blockSize(r.geometry, r.model.poolSizeClass(pool)) : SystemMallocAccount.bytesFor(size);
}

/** Live blocks of one site. */
export interface SiteAcc {
  blocks: number;
  requested: number;
  allocated: number;
  /** First and last allocating event. */
  first: number;
  last: number;
  /** The stack of one of its blocks. */
  stack: number;
}

/** Live blocks by site id, one pass over the live map. */
export function accumulateLiveSites(r: Replayer, sites: SiteKeys): Map<number, SiteAcc> {
  const groups = new Map<number, SiteAcc>();
  r.forEachLiveBlock((pool, size, stack, domain, event) => {
    const id = sites.idOf(pool, stack, domain);
    let acc = groups.get(id);
    if (acc === undefined) {
      acc = { blocks: 0, requested: 0, allocated: 0, first: event, last: event, stack };
      groups.set(id, acc);
    }
    acc.blocks++;
    acc.requested += size;
    acc.allocated += allocatedBytesOf(r, pool, size);
    if (event < acc.first) acc.first = event;
    if (event > acc.last) acc.last = event;
  });
  return groups;
}

/** Sites by requested bytes, then blocks, then id (a stable order). */
export function rankLiveSites(groups: Map<number, SiteAcc>): [number, SiteAcc][] {
  return [...groups.entries()].sort((a, b) => b[1].requested - a[1].requested || b[1].blocks - a[1].blocks || a[0] - b[0]);
}

export function groupLiveBlocks(r: Replayer, stacks: StackTable, top: number): LiveBlocksSummary {
  const sites = new SiteKeys(r, stacks, SiteKeys.liveBlocksHaveStacks(r));
  const groups = accumulateLiveSites(r, sites);
  let totalBlocks = 0;
  let totalRequested = 0;
  for (const acc of groups.values()) {
    totalBlocks += acc.blocks;
    totalRequested += acc.requested;
  }
  const sorted = rankLiveSites(groups);
  return {
    groupedBy: sites.grouping,
    totalBlocks,
    totalRequestedBytes: totalRequested,
    totalGroups: groups.size,
    groups: sorted.slice(0, top).map(([id, acc]) => ({
      key: sites.keyOf(id),
      blocks: acc.blocks,
      requestedBytes: acc.requested,
      allocatedBytes: acc.allocated,
      firstEvent: acc.first,
      lastEvent: acc.last,
      ...exampleStackField(sites.exampleStack(id, acc.stack)),
    })),
  };
}

/** `{ exampleStack }` when there is one, `{}` otherwise (the field is optional, never undefined). */
export function exampleStackField(stack: string[] | undefined): { exampleStack?: string[] } {
  return stack === undefined ? {} : { exampleStack: stack };
}

// ------------------------------------- sites by --by, for leaks and check
//
// SiteKeys above names the sites of `analyze` and the report (innermost
// frame, or size class). SiteTable is the general form `leaks` and `check`
// use: a site is what `--by` asks for (the innermost frame, the function,
// the file, or the innermost frames of the traceback); blocks without a
// stack are grouped by domain and size class. It maps a block to its site
// once per distinct stack (a cached typed-array lookup afterwards), so a walk
// of the live blocks costs one array read per block; a suppression hook
// decides per stack whether its blocks are left out (counted per rule).

export const SITE_GROUPINGS = ['lineno', 'function', 'filename', 'traceback'] as const;
export type SiteGrouping = (typeof SITE_GROUPINGS)[number];

/** siteOf() for a block whose stack a suppression rule matched. */
export const SUPPRESSED = -1;

/** The pseudo size class of blocks the C library served (sizes 0 and > 512, raw domain). */
export const C_LIBRARY_CLASS = -1;

export interface SiteTableOptions {
  by: SiteGrouping;
  /** With `traceback`: how many innermost frames make the key (default: all). */
  depth?: number;
  /** The index of the suppression rule matching a stack (frames oldest first), or -1. */
  suppressionOf?: (frames: readonly string[]) => number;
  /** Key of the site for blocks without a stack; the default separates domains. */
  noStackKey?: (domain: number, sizeClass: number, geometry: PymallocGeometry) => string;
}

export interface SiteInfo {
  readonly key: string;
  /** A stack of one of the site's blocks (the first seen), or -1 for no-stack sites. */
  readonly exampleStack: number;
  /** For no-stack sites: the domain and size class (C_LIBRARY_CLASS for the C library). */
  readonly noStack: { readonly domain: number; readonly sizeClass: number } | null;
}

/** stackSite entries: 0 not seen yet, IS_SUPPRESSED, or site + OFFSET. */
const IS_SUPPRESSED = 1;
const OFFSET = 2;
/** No-stack cache slots per domain: 32 size classes at most (3.8+: 32) plus the C library. */
const CLASS_SLOTS = 65;

export function defaultNoStackKey(domain: number, sizeClass: number, g: PymallocGeometry): string {
  if (domain === DOMAIN_RAW) return '(no stack) raw domain';
  const d = DOMAIN_NAMES[domain] ?? 'obj';
  if (sizeClass === C_LIBRARY_CLASS) return `(no stack) ${d} C library (size 0 or > 512)`;
  return `(no stack) ${d} size class ${sizeClass} (${blockSize(g, sizeClass)}-byte blocks)`;
}

export class SiteTable {
  private readonly ids = new Map<string, number>();
  private readonly infos: SiteInfo[] = [];
  private stackSite = new Int32Array(1024);
  private stackRule = new Int32Array(1024).fill(-1);
  private readonly noStackSite = new Int32Array(3 * CLASS_SLOTS).fill(-1);

  constructor(
    private readonly stacks: StackTable,
    private readonly geometry: PymallocGeometry,
    readonly options: SiteTableOptions,
  ) {}

  get count(): number {
    return this.infos.length;
  }

  info(site: number): SiteInfo {
    return this.infos[site]!;
  }

  /** The site of a live block, or SUPPRESSED. `pool` is its pool slot (NOT_PYMALLOC: C library). */
  siteOf(stack: number, domain: number, pool: number, sizeClassOfPool: (pool: number) => number): number {
    if (stack >= 0) {
      if (stack >= this.stackSite.length) this.growStacks(stack);
      const cached = this.stackSite[stack]!;
      if (cached >= OFFSET) return cached - OFFSET;
      if (cached === IS_SUPPRESSED) return SUPPRESSED;
      const site = this.siteOfStack(stack);
      if (site !== undefined) return site;
    }
    const cls = pool === NOT_PYMALLOC || domain === DOMAIN_RAW ? C_LIBRARY_CLASS : sizeClassOfPool(pool);
    const slot = domain * CLASS_SLOTS + cls + 1;
    const known = this.noStackSite[slot]!;
    if (known >= 0) return known;
    const key = (this.options.noStackKey ?? defaultNoStackKey)(domain, cls, this.geometry);
    const site = this.intern(key, -1, { domain, sizeClass: cls });
    this.noStackSite[slot] = site;
    return site;
  }

  /** The suppression rule that matched a stack, or -1. */
  suppressionOfStack(stack: number): number {
    return stack >= 0 && stack < this.stackRule.length ? this.stackRule[stack]! : -1;
  }

  /** First look at a stack: its site, SUPPRESSED, or undefined when it has no frames. */
  private siteOfStack(stack: number): number | undefined {
    const ids = this.stacks.frameIdsOf(stack);
    if (ids.length === 0) return undefined;
    const rule = this.options.suppressionOf?.(this.stacks.frames(stack)) ?? -1;
    if (rule >= 0) {
      this.stackSite[stack] = IS_SUPPRESSED;
      this.stackRule[stack] = rule;
      return SUPPRESSED;
    }
    const site = this.intern(this.keyOf(ids), stack, null);
    this.stackSite[stack] = site + OFFSET;
    return site;
  }

  private keyOf(ids: Int32Array): string {
    const innermost = this.stacks.frameString(ids[ids.length - 1]!);
    switch (this.options.by) {
      case 'lineno':
        return innermost;
      case 'function': {
        const f = parseFrame(innermost);
        return f.func === '' ? innermost : `${f.func} (${f.file})`;
      }
      case 'filename':
        return parseFrame(innermost).file;
      case 'traceback': {
        const depth = this.options.depth ?? ids.length;
        const from = Math.max(0, ids.length - depth);
        const parts: string[] = [];
        for (let i = from; i < ids.length; i++) parts.push(this.stacks.frameString(ids[i]!));
        return parts.join('; ');
      }
    }
  }

  private intern(key: string, exampleStack: number, noStack: SiteInfo['noStack']): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const site = this.infos.length;
    this.infos.push({ key, exampleStack, noStack });
    this.ids.set(key, site);
    return site;
  }

  private growStacks(stack: number): void {
    let n = this.stackSite.length;
    while (n <= stack) n *= 2;
    const sites = new Int32Array(n);
    sites.set(this.stackSite);
    this.stackSite = sites;
    const rules = new Int32Array(n).fill(-1);
    rules.set(this.stackRule);
    this.stackRule = rules;
  }
}

/** What one walk of the live blocks found for one site. */
export interface SiteTotals {
  readonly site: number;
  blocks: number;
  requestedBytes: number;
  /** Bytes the blocks occupy: pymalloc block sizes, or what the C library was asked. */
  allocatedBytes: number;
  /** Earliest and latest allocating event of a live block, with its timestamp (NaN: none). */
  firstEvent: number;
  firstTs: number;
  lastEvent: number;
  lastTs: number;
  /** Live blocks per pymalloc size class (index), and blocks the C library served. */
  readonly classBlocks: number[];
  systemBlocks: number;
  /** Distinct pools / arenas holding at least one of the site's blocks. */
  pools: number;
  arenas: number;
  /** Pools / arenas holding only this site's blocks: freeing them would empty it. */
  poolsAlone: number;
  arenasAlone: number;
}

export interface LiveSitesWalk {
  readonly sites: SiteTotals[];
  readonly totalBlocks: number;
  readonly totalRequestedBytes: number;
  /** Blocks and requested bytes left out, per suppression rule index. */
  readonly suppressed: Map<number, { blocks: number; bytes: number }>;
}

const MULTI = -2;

/**
 * One walk of every live block: totals per site, with the pools and arenas
 * each site keeps alive. State is per site and per (site, pool) pair, never
 * per block.
 */
export function walkLiveSites(r: Replayer, table: SiteTable): LiveSitesWalk {
  const model = r.model;
  const classOf = (pool: number): number => model.poolSizeClass(pool);
  const bySite = new Map<number, SiteTotals>();
  const suppressed = new Map<number, { blocks: number; bytes: number }>();
  /** pool -> its only site, or MULTI. Same for arenas. */
  const poolOwner = new Map<number, number>();
  const arenaOwner = new Map<number, number>();
  const poolPairs = new Set<number>();
  const arenaPairs = new Set<number>();
  let totalBlocks = 0;
  let totalRequested = 0;
  r.forEachLiveBlock((pool, size, stack, domain, event, ts) => {
    const site = table.siteOf(stack, domain, pool, classOf);
    if (site === SUPPRESSED) {
      const rule = table.suppressionOfStack(stack);
      const s = suppressed.get(rule) ?? { blocks: 0, bytes: 0 };
      s.blocks++;
      s.bytes += size;
      suppressed.set(rule, s);
      return;
    }
    totalBlocks++;
    totalRequested += size;
    let t = bySite.get(site);
    if (t === undefined) {
      t = {
        site,
        blocks: 0,
        requestedBytes: 0,
        allocatedBytes: 0,
        firstEvent: event,
        firstTs: ts,
        lastEvent: event,
        lastTs: ts,
        classBlocks: [],
        systemBlocks: 0,
        pools: 0,
        arenas: 0,
        poolsAlone: 0,
        arenasAlone: 0,
      };
      bySite.set(site, t);
    }
    t.blocks++;
    t.requestedBytes += size;
    if (event < t.firstEvent) {
      t.firstEvent = event;
      t.firstTs = ts;
    }
    if (event > t.lastEvent) {
      t.lastEvent = event;
      t.lastTs = ts;
    }
    if (pool === NOT_PYMALLOC) {
      t.systemBlocks++;
      t.allocatedBytes += SystemMallocAccount.bytesFor(size);
      return;
    }
    const cls = model.poolSizeClass(pool);
    t.classBlocks[cls] = (t.classBlocks[cls] ?? 0) + 1;
    t.allocatedBytes += blockSize(r.geometry, cls);
    const arena = model.poolArena(pool);
    // Site ids stay below 2^22 (StackTable caps stacks at 4 M), so the pairs are exact.
    const poolPair = pool * 4194304 + site;
    if (!poolPairs.has(poolPair)) {
      poolPairs.add(poolPair);
      t.pools++;
      const owner = poolOwner.get(pool);
      poolOwner.set(pool, owner === undefined ? site : MULTI);
    }
    const arenaPair = arena * 4194304 + site;
    if (!arenaPairs.has(arenaPair)) {
      arenaPairs.add(arenaPair);
      t.arenas++;
      const owner = arenaOwner.get(arena);
      arenaOwner.set(arena, owner === undefined ? site : MULTI);
    }
  });
  for (const owner of poolOwner.values()) if (owner !== MULTI) bySite.get(owner)!.poolsAlone++;
  for (const owner of arenaOwner.values()) if (owner !== MULTI) bySite.get(owner)!.arenasAlone++;
  return { sites: [...bySite.values()], totalBlocks, totalRequestedBytes: totalRequested, suppressed };
}
