// What an analyzer may read of a replay: counts, live-block iteration,
// high-water marks, anomalies, verification, the interpreters' pymalloc
// states (as PymallocView), and where the replay is (event, line, timestamp,
// last mark). Read-only: no mutating method, no scratch field, so observers
// and result functions summarise the replay without being able to steer it.
//
// Replayer implements it, and observers receive the replayer itself typed as
// this view: nothing is wrapped or copied per event.

import type { AnomalyKind } from '../events/anomaly-kinds.js';
import type { HighWaterMetric, NativeHighWaterMetric } from '../events/high-water-metrics.js';
import type { TraceMeta } from '../import/types.js';
import type { PymallocGeometry } from '../models/pymalloc/geometry.js';
import type { PymallocView } from '../models/pymalloc/pymalloc-view.js';
import type { AddressMismatch } from './address-check.js';
import type { AnomalyExample } from './anomalies.js';
import type { ArenaCheckExample } from './arena-feed.js';
import type { HighWaterPoint } from './high-water.js';

/** Where the replay is; what high-water points and examples are stamped with. */
export interface ReplayPosition {
  /** Events replayed so far (numbered from 1 in file order; `--at-event N` stops after N). */
  readonly events: number;
  /** Line of the event being replayed. */
  readonly line: number;
  /** Timestamp of the last event that had one (NaN before). */
  readonly lastTs: number;
  /** Label of the last mark replayed ('' before the first). */
  readonly lastMark: string;
  /** The event number of the last mark (0 before the first). */
  readonly lastMarkEvent: number;
  readonly marks: number;
}

/** The blocks pymalloc passed to the C library, and every RAW-domain block. */
export interface SystemMallocView {
  readonly liveBlocks: number;
  /** Bytes asked of the C library (malloc(0) asks for 1). */
  readonly liveBytes: number;
  /** Live OBJ/MEM blocks pymalloc passed on: part of sys.getallocatedblocks(). */
  readonly objMemLiveBlocks: number;
  /** Live native blocks (C code's own malloc) and their bytes, included in the above. */
  readonly nativeLiveBlocks: number;
  readonly nativeLiveBytes: number;
}

/** Anonymous mappings C code made directly (the native contract). */
export interface MappingsView {
  /** Mappings held now, and their bytes. */
  readonly count: number;
  readonly bytes: number;
}

export interface AnomaliesView {
  readonly counts: Readonly<Record<AnomalyKind, number>>;
  /** The first few of each kind. */
  readonly examples: Readonly<Record<AnomalyKind, readonly AnomalyExample[]>>;
  readonly total: number;
  /** Anomalies of one kind met by events of one domain (DOMAIN_*). */
  countOf(kind: AnomalyKind, domain: number): number;
}

export interface HighWaterView {
  /** A metric's highest value so far and the instant it was reached. */
  point(metric: HighWaterMetric): HighWaterPoint;
  /** Each metric's value after the last event replayed, indexed as HIGH_WATER_METRICS (for observers that follow a metric per event without allocating). */
  readonly now: ArrayLike<number>;
  /** Each metric's point().event, indexed as HIGH_WATER_METRICS, read without allocating (peak-log.ts reads it per ended block). */
  readonly event: ArrayLike<number>;
  /** The same as point() for the native half's metrics. */
  nativePoint(metric: NativeHighWaterMetric): HighWaterPoint;
}

/** --verify: the model's block addresses against the trace's. */
export interface AddressCheckView {
  readonly predicted: number;
  readonly mismatched: number;
  readonly checked: number;
  readonly examples: readonly AddressMismatch[];
}

/** How one pymalloc state's arenas were placed: from the trace's records or by the model. */
export interface ArenaFeedView {
  /** True once the trace has shown any arena record. */
  readonly traceHasArenas: boolean;
  readonly arenasFromTrace: number;
  readonly arenasPlaced: number;
  readonly releasesConfirmed: number;
  readonly mismatches: number;
  readonly examples: readonly ArenaCheckExample[];
  /** Arenas announced by the trace and never used by the model. */
  readonly unusedAnnounced: number;
  /** True when every arena came from the trace and every release matched. */
  readonly exact: boolean;
}

/** One interpreter's pymalloc state. */
export interface InterpreterView {
  /** The trace's interpreter id (0: the main interpreter). */
  readonly id: number;
  /** Order of first appearance in the trace (0: the main interpreter). */
  readonly index: number;
  readonly model: PymallocView;
  readonly arenas: ArenaFeedView;
}

/** A live block: pool slot (-1: C library), size, stack, domain, and the model its pool slot belongs to. */
export type LiveBlockVisitBrief = (pool: number, size: number, stack: number, domain: number, model: PymallocView) => void;
/**
 * A live block as LiveBlockVisitBrief, with its allocating event and that
 * event's timestamp (NaN: none), and its place (ChangedBlock.place): the
 * visit goes through each interpreter's pool store, then the hash, each in
 * ascending place.
 */
export type LiveBlockVisit = (pool: number, size: number, stack: number, domain: number, event: number, ts: number, model: PymallocView, place: number) => void;

/**
 * The block an onBlockAllocated / onBlockFreed hook is about (one record the
 * replayer rewrites in place: read it in the hook, do not keep it).
 */
export interface ChangedBlock {
  /** Requested bytes. */
  readonly size: number;
  /** Stack id (-1: none). */
  readonly stack: number;
  readonly domain: number;
  /** The event that allocated it and that event's timestamp (NaN: none); for an allocation, the current event. */
  readonly allocEvent: number;
  readonly allocTs: number;
  /** Its pool slot (NOT_PYMALLOC: the C library's); set for the hooks of a block's end (onBlockFreed, onBlockResized) only. */
  readonly pool: number;
  /**
   * Where the replay keeps its record, set with `pool`: its block index in
   * the pool store (>= 0), or -(slot + 1) for a slot of the hash. Walks of
   * the live set visit records in this order (LiveBlockVisit).
   */
  readonly place: number;
}

export interface ReplayView extends ReplayPosition {
  /**
   * The geometry of the version replayed. Observers and results run once
   * the first record set the model up (replayTrace refuses a trace that
   * never did), so it is always there for them.
   */
  readonly geometry: PymallocGeometry;
  /** Where the version came from: --python, the trace's metadata, or the default. */
  readonly versionSource: 'option' | 'trace' | 'default';
  readonly traceMeta: Readonly<TraceMeta>;
  /**
   * The pymalloc state of the interpreter of the event being replayed (in an
   * observer, the interpreter that took the mark); the main interpreter's
   * once the replay ended or stopped.
   */
  readonly model: PymallocView;
  /** The arena feed of that same state. */
  readonly arenas: ArenaFeedView;
  /** Every pymalloc state, in order of first appearance: [0] is the main interpreter's. */
  readonly interpreters: readonly InterpreterView[];
  /** The pymalloc state of interpreter `id`, if the trace named it. */
  interpreter(id: number): InterpreterView | undefined;

  readonly system: SystemMallocView;
  readonly mappings: MappingsView;
  /** Events of the native domain so far (native blocks' calls and mapping ops): 0 for a trace without its native half. */
  readonly nativeEvents: number;
  readonly anomalies: AnomaliesView;
  readonly highWater: HighWaterView;
  readonly addressCheck: AddressCheckView;

  /** Calls by op x domain (alloc, calloc, realloc, free) and records by op: index op * DOMAIN_COUNT + domain. */
  readonly counts: ArrayLike<number>;
  /** free(NULL) and realloc(NULL, n) calls. */
  readonly nullPointerCalls: number;
  /** Live requested bytes over all domains. */
  readonly liveRequestedBytes: number;
  /** sys.getallocatedblocks(): pymalloc blocks in use plus OBJ/MEM blocks passed to the C library. */
  readonly allocatedBlocks: number;
  /** Live blocks in both stores, of every interpreter. */
  readonly liveBlockCount: number;
  /** True when the replay stopped at the requested mark or event. */
  readonly stopped: boolean;

  /** Visit every live block, of every interpreter's pymalloc state and of the C library. */
  forEachLiveBlock(visit: LiveBlockVisit): void;
  /** forEachLiveBlock without the allocating event and timestamp: cheaper per block. */
  forEachLiveBlockBrief(visit: LiveBlockVisitBrief): void;
  /** An address key as the trace writes it (hex). */
  formatAddress(key: number): string;
  /** The block of the onBlockAllocated / onBlockFreed hook being called. */
  readonly changedBlock: ChangedBlock;
}

/** An analyzer that follows the replay as it goes; every hook receives the replay as a ReplayView. */
export interface ReplayObserver {
  /** A `mark` record was replayed; the model state is as of that instant. */
  onMark?(replay: ReplayView, label: string): void;
  /** The arena count reached a new high (the model state is as of that instant). */
  onArenaPeak?(replay: ReplayView): void;
  /**
   * After every event, with its op (OP_*). For analyzers that sample the state
   * over time; keep it cheap and allocation-free: it runs millions of times.
   */
  onEvent?(replay: ReplayView, op: number): void;
  /**
   * A block went live (alloc, calloc, realloc(NULL), a realloc that moved
   * its block or of an untracked one): `replay.changedBlock` is it. A
   * realloc whose new address is its old one (the trace says the block
   * stayed) is no new block: no hook, neither this nor onBlockFreed.
   * Called before onEvent; keep it allocation-free, as onEvent.
   */
  onBlockAllocated?(replay: ReplayView): void;
  /**
   * A live block ended (free, a realloc that moved it, a missing free found
   * when its address was handed out again): `replay.changedBlock` is it,
   * with the event that allocated it.
   */
  onBlockFreed?(replay: ReplayView): void;
  /**
   * A realloc kept its block's address (no new block, so neither hook above):
   * `replay.changedBlock` is the block as it was, before its size and stack
   * change. `keepsAllocEvent`: the resized block keeps that allocating event
   * (resized in its pool slot); false: it is recorded as allocated now. For
   * analyzers that must know what was live at a past instant (peak-log.ts).
   */
  onBlockResized?(replay: ReplayView, keepsAllocEvent: boolean): void;
}
