// Arena pinning at one instant: pymalloc returns an arena to the OS only when
// every block in it is free, so a few long-lived blocks can keep whole arenas
// (and all their free space) from the OS. For each live arena that holds
// blocks: which sites own them; for each site: how many arenas and pools its
// blocks keep, how many it keeps alone (freeing its blocks would release
// them), its share of the bytes those arenas hold but do not use, and its
// quantization waste (block size minus requested size).
//
// One pass over the live blocks; state is one entry per arena, per site and
// per (arena, site) pair present, and, in typed arrays (walk-scratch.ts),
// per pool in use and (pool, site) pair present: all bounded by the live
// blocks.

import { blockSize } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../models/pymalloc/pymalloc-view.js';
import type { ReplayView } from '../replay/replay-view.js';
import { liveArenaSlots } from './arena-map.js';
import { exampleStackField } from './live-sites.js';
import type { SiteTable } from './site-table.js';
import { SHARED, WalkScratch } from './walk-scratch.js';
import type { ArenaPinning, PinnedArena, PinningSite, SiteShare, TraceInstant } from './report-data.js';

/** Sites listed per pinned arena. */
export const SITES_PER_ARENA = 3;

interface ArenaAcc {
  blocks: number;
  requested: number;
  allocated: number;
  /** site id -> [blocks, allocated bytes] */
  readonly sites: Map<number, [number, number]>;
  /** Pools holding its live blocks (counted after the walk). */
  pools: number;
}

interface SiteAcc {
  blocks: number;
  requested: number;
  allocated: number;
  quantization: number;
  arenas: number;
  arenasSolely: number;
  pools: number;
  poolsSolely: number;
  kept: number;
}

export interface PinningLimits {
  /** Sites per ranking. */
  readonly top: number;
  /** Pinned arenas listed. */
  readonly maxArenas: number;
}

/** `scratch`: give one WalkScratch to a series of walks so they share its arrays. */
export function arenaPinning(
  r: ReplayView,
  sites: SiteTable,
  at: TraceInstant,
  limits: PinningLimits,
  scratch: WalkScratch = new WalkScratch(),
): ArenaPinning {
  const m = r.model;
  const g = r.geometry;
  const arenaAccs = new Map<number, ArenaAcc>();
  const siteAccs = new Map<number, SiteAcc>();
  scratch.begin();
  const { poolOwners, poolPairs } = scratch.of(m);
  const classOf = (pool: number): number => m.poolSizeClass(pool);

  // The arenas of the main interpreter's pymalloc state (see ReplayView.model).
  r.forEachLiveBlockBrief((pool, size, stack, domain, model) => {
    if (pool === NOT_PYMALLOC || model !== m) return;
    const arena = m.poolArena(pool);
    const site = sites.siteOf(stack, domain, pool, classOf);
    const bytes = blockSize(g, m.poolSizeClass(pool));
    let a = arenaAccs.get(arena);
    if (a === undefined) {
      a = { blocks: 0, requested: 0, allocated: 0, sites: new Map(), pools: 0 };
      arenaAccs.set(arena, a);
    }
    a.blocks++;
    a.requested += size;
    a.allocated += bytes;
    const share = a.sites.get(site);
    if (share === undefined) a.sites.set(site, [1, bytes]);
    else {
      share[0]++;
      share[1] += bytes;
    }
    let s = siteAccs.get(site);
    if (s === undefined) {
      s = { blocks: 0, requested: 0, allocated: 0, quantization: 0, arenas: 0, arenasSolely: 0, pools: 0, poolsSolely: 0, kept: 0 };
      siteAccs.set(site, s);
    }
    s.blocks++;
    s.requested += size;
    s.allocated += bytes;
    s.quantization += bytes - size;
    if (poolPairs.add(pool, site)) s.pools++;
    poolOwners.claim(pool, site);
  });

  for (let i = 0; i < poolOwners.met; i++) {
    const pool = poolOwners.slotAt(i);
    arenaAccs.get(m.poolArena(pool))!.pools++;
    const owner = poolOwners.ownerOf(pool);
    if (owner !== SHARED) siteAccs.get(owner)!.poolsSolely++;
  }
  scratch.finish();

  // Site ids until the listing is cut: a site's text (263 K characters by traceback) is built only for the sites shown.
  const pinned: (PinnedArena & { slot: number; shares: [number, [number, number]][] })[] = [];
  let heldTotal = 0;
  for (const [slot, a] of arenaAccs) {
    const held = g.arenaSize - a.allocated;
    heldTotal += held;
    for (const [site, [blocks]] of a.sites) {
      const s = siteAccs.get(site)!;
      s.arenas++;
      if (a.sites.size === 1) s.arenasSolely++;
      s.kept += (held * blocks) / a.blocks;
    }
    const shares = [...a.sites.entries()].sort((x, y) => y[1][0] - x[1][0] || y[1][1] - x[1][1] || x[0] - y[0]);
    pinned.push({
      slot,
      base: r.formatAddress(m.arenaBase(slot)),
      serial: m.arenaSerial(slot),
      liveBlocks: a.blocks,
      requestedBytes: a.requested,
      allocatedBlockBytes: a.allocated,
      poolsInUse: a.pools,
      heldBytes: held,
      sites: [],
      shares: shares.slice(0, SITES_PER_ARENA),
      sitesOmitted: Math.max(0, shares.length - SITES_PER_ARENA),
    });
  }
  // Fewest live blocks first: the arenas the program is closest to giving back.
  pinned.sort((x, y) => x.liveBlocks - y.liveBlocks || y.heldBytes - x.heldBytes || m.arenaBase(x.slot) - m.arenaBase(y.slot));

  type Listed = Omit<PinningSite, 'site' | 'exampleStack'> & { id: number };
  const siteList = [...siteAccs.entries()].map(([id, s]): Listed => ({
    id,
    liveBlocks: s.blocks,
    requestedBytes: s.requested,
    allocatedBytes: s.allocated,
    quantizationWasteBytes: s.quantization,
    arenasPinned: s.arenas,
    arenasSolelyPinned: s.arenasSolely,
    poolsPinned: s.pools,
    poolsSolelyPinned: s.poolsSolely,
    keptUnusableBytes: Math.round(s.kept),
  }));
  const ranked = (compare: (x: Listed, y: Listed) => number): PinningSite[] =>
    [...siteList]
      .sort((x, y) => compare(x, y) || x.id - y.id)
      .slice(0, limits.top)
      .map(({ id, ...site }) => ({ site: sites.info(id).key, ...exampleStackField(sites.exampleFrames(id)), ...site }));

  return {
    ...at,
    groupedBy: sites.options.by,
    depth: sites.options.depth ?? null,
    arenaSizeBytes: g.arenaSize,
    pinnedArenas: arenaAccs.size,
    emptyArenas: liveArenaSlots(r).length - arenaAccs.size,
    heldBytes: heldTotal,
    arenas: pinned.slice(0, limits.maxArenas).map(({ slot: _slot, shares, ...arena }) => ({
      ...arena,
      sites: shares.map(([site, [blocks, bytes]]): SiteShare => ({ site: sites.info(site).key, blocks, allocatedBytes: bytes })),
    })),
    arenasOmitted: Math.max(0, pinned.length - limits.maxArenas),
    totalSites: siteAccs.size,
    sitesByArenasPinned: ranked(
      (x, y) => y.arenasPinned - x.arenasPinned || y.poolsPinned - x.poolsPinned || y.keptUnusableBytes - x.keptUnusableBytes,
    ),
    sitesByKeptUnusableBytes: ranked((x, y) => y.keptUnusableBytes - x.keptUnusableBytes || y.arenasPinned - x.arenasPinned),
    sitesByQuantizationWaste: ranked((x, y) => y.quantizationWasteBytes - x.quantizationWasteBytes || y.liveBlocks - x.liveBlocks),
  };
}
