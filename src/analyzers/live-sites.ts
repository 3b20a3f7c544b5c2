// The live blocks at one instant, by site (site-table.ts says what a site
// is): one walk of every live block gives each site's blocks, bytes, size
// classes, earliest and latest allocation, and the pools and arenas its
// blocks keep alive; `summarizeLiveSites` ranks them for analyze and the
// report's peaks. State is per site, and per (site, pool) pair in typed
// arrays (walk-scratch.ts), never per block.

import type { StackTable } from '../events/stack-table.js';
import { blockSize } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../models/pymalloc/pymalloc-view.js';
import { DOMAIN_NATIVE } from '../events/ops.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import type { ReplayView } from '../replay/replay-view.js';
import { SiteTable, SUPPRESSED, type SiteGrouping, type SiteGroupingOptions } from './site-table.js';
import { SHARED, WalkScratch, type ModelSlots } from './walk-scratch.js';

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
  /** Of those, the native blocks' (C code's own malloc). */
  readonly nativeRequestedBytes: number;
  /** Blocks and requested bytes left out, per suppression rule index. */
  readonly suppressed: Map<number, { blocks: number; bytes: number }>;
}

/**
 * One walk of every live block: totals per site, with the pools and arenas
 * each site keeps alive. State is per site and per (site, pool) pair, never
 * per block; the pairs live in `scratch` (give one WalkScratch to a series
 * of walks so they share its arrays).
 */
export function walkLiveSites(r: ReplayView, table: SiteTable, scratch: WalkScratch = new WalkScratch()): LiveSitesWalk {
  // The model of the block being visited, and its pool and arena owners:
  // pool and arena slots are per interpreter's pymalloc state.
  let model = r.model;
  const classOf = (pool: number): number => model.poolSizeClass(pool);
  const bySite = new Map<number, SiteTotals>();
  const suppressed = new Map<number, { blocks: number; bytes: number }>();
  scratch.begin();
  let slots: ModelSlots = scratch.of(model);
  let totalBlocks = 0;
  let totalRequested = 0;
  let nativeRequested = 0;
  r.forEachLiveBlock((pool, size, stack, domain, event, ts, blockModel) => {
    if (blockModel !== model) {
      model = blockModel;
      slots = scratch.of(model);
    }
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
    if (domain === DOMAIN_NATIVE) nativeRequested += size;
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
    if (slots.poolPairs.add(pool, site)) {
      t.pools++;
      slots.poolOwners.claim(pool, site);
    }
    if (slots.arenaPairs.add(arena, site)) {
      t.arenas++;
      slots.arenaOwners.claim(arena, site);
    }
  });
  for (const { poolOwners, arenaOwners } of scratch.used()) {
    for (let i = 0; i < poolOwners.met; i++) {
      const owner = poolOwners.ownerOf(poolOwners.slotAt(i));
      if (owner !== SHARED) bySite.get(owner)!.poolsAlone++;
    }
    for (let i = 0; i < arenaOwners.met; i++) {
      const owner = arenaOwners.ownerOf(arenaOwners.slotAt(i));
      if (owner !== SHARED) bySite.get(owner)!.arenasAlone++;
    }
  }
  scratch.finish();
  return { sites: [...bySite.values()], totalBlocks, totalRequestedBytes: totalRequested, nativeRequestedBytes: nativeRequested, suppressed };
}

export interface LiveGroup {
  /** The site's key (site-table.ts). */
  readonly key: string;
  readonly blocks: number;
  /** Sum of requested sizes. */
  readonly requestedBytes: number;
  /** Bytes the blocks occupy: pymalloc block sizes, or what the C library was asked. */
  readonly allocatedBytes: number;
  /** First and last event (1-based) that allocated one of these blocks. */
  readonly firstEvent: number;
  readonly lastEvent: number;
  /** The full stack of one of the blocks, oldest frame first (sites with a stack only). */
  readonly exampleStack?: readonly string[];
}

export interface LiveBlocksSummary {
  readonly groupedBy: SiteGrouping;
  /** With `traceback`: innermost frames per site; null: all. */
  readonly depth: number | null;
  readonly totalBlocks: number;
  readonly totalRequestedBytes: number;
  readonly totalGroups: number;
  /** The largest sites by requested bytes (at most `top`). */
  readonly groups: readonly LiveGroup[];
  /** Only when native sites are live (the native contract): the largest of them (at most `top`), named by C function and Python line. */
  readonly nativeGroups?: readonly LiveGroup[];
}

/** Sites by requested bytes, then blocks, then site id (a stable order). */
export function rankSites(sites: readonly SiteTotals[]): SiteTotals[] {
  return [...sites].sort((a, b) => b.requestedBytes - a.requestedBytes || b.blocks - a.blocks || a.site - b.site);
}

/** The `top` largest sites of a walk, with the totals. */
export function summarizeLiveSites(walk: LiveSitesWalk, table: SiteTable, top: number): LiveBlocksSummary {
  const group = (t: SiteTotals): LiveGroup => ({
    key: table.info(t.site).key,
    blocks: t.blocks,
    requestedBytes: t.requestedBytes,
    allocatedBytes: t.allocatedBytes,
    firstEvent: t.firstEvent,
    lastEvent: t.lastEvent,
    ...exampleStackField(table.exampleFrames(t.site)),
  });
  const native = walk.sites.filter((t) => table.info(t.site).nativeFrame !== null);
  return {
    groupedBy: table.options.by,
    depth: table.options.depth ?? null,
    totalBlocks: walk.totalBlocks,
    totalRequestedBytes: walk.totalRequestedBytes,
    totalGroups: walk.sites.length,
    groups: rankSites(walk.sites).slice(0, top).map(group),
    ...(native.length === 0 ? {} : { nativeGroups: rankSites(native).slice(0, top).map(group) }),
  };
}

/** The live blocks now, by site, the `top` largest listed. */
export function groupLiveBlocks(
  r: ReplayView,
  stacks: StackTable,
  grouping: SiteGroupingOptions,
  top: number,
  scratch: WalkScratch = new WalkScratch(),
): LiveBlocksSummary {
  const table = new SiteTable(stacks, r.geometry, grouping);
  return summarizeLiveSites(walkLiveSites(r, table, scratch), table, top);
}

/** `{ exampleStack }` for a site with a stack, `{}` otherwise (the field is optional, never undefined or empty). */
export function exampleStackField(frames: readonly string[]): { exampleStack?: readonly string[] } {
  return frames.length === 0 ? {} : { exampleStack: frames };
}
