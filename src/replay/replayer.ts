// The replayer: applies the trace semantics (trace-format.md) to a stream of
// event batches, drives the pymalloc model and the system-malloc account,
// keeps the live-block map, counts events, anomalies and high-water marks,
// and checks the model's addresses and arena decisions against the trace.
//
// It is a TraceSink, so an importer feeds it directly; everything per event
// is typed-array work with no allocation. Analyzers read its state at marks
// (observers) and at the end.

import { MemreplayError } from '../errors.js';
import { count } from '../text/units.js';
import type { AddressSpace } from '../events/address-space.js';
import type { EventBatch } from '../events/event-batch.js';
import {
  DOMAIN_COUNT,
  DOMAIN_NATIVE,
  DOMAIN_RAW,
  OP_ALLOC,
  OP_ARENA_ALLOC,
  OP_ARENA_FREE,
  OP_CALLOC,
  OP_COUNT,
  OP_FREE,
  OP_MARK,
  OP_MMAP,
  OP_MREMAP,
  OP_MUNMAP,
  OP_REALLOC,
} from '../events/ops.js';
import type { TraceMeta, TraceSink } from '../import/types.js';
import {
  DEFAULT_PYTHON_VERSION,
  geometryFor,
  isPythonVersion,
  versionFromMeta,
  type PymallocGeometry,
  type PythonVersion,
} from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC, type PymallocModel } from '../models/pymalloc/pymalloc-model.js';
import type { PymallocView } from '../models/pymalloc/pymalloc-view.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import { Anomalies } from './anomalies.js';
import type { ArenaFeed } from './arena-feed.js';
import { HighWater } from './high-water.js';
import { SLOT_EMPTY, SLOT_FREED, SLOT_LIVE, LiveBlocks } from './live-blocks.js';
import { AnonymousMappings } from './mappings.js';
import type { PoolBlocks } from './pool-blocks.js';
import { AddressCheck } from './address-check.js';
import { InterpreterState, MAX_INTERPRETER_STATES } from './interpreter-state.js';
import type { LiveBlockVisit, LiveBlockVisitBrief, ReplayObserver, ReplayView } from './replay-view.js';

export type { ReplayObserver } from './replay-view.js';

const FOUND_NONE = 0;
const FOUND_POOL = 1;
const FOUND_HASH = 2;

/** An observer that has onEvent (the replayer keeps these apart). */
type EventObserver = ReplayObserver & Required<Pick<ReplayObserver, 'onEvent'>>;
/** An observer of blocks going live or ending (kept apart too). */
type BlockObserver = ReplayObserver & Pick<ReplayObserver, 'onBlockAllocated' | 'onBlockFreed' | 'onBlockResized'>;

/** ChangedBlock as the replayer writes it. */
interface BlockRecord {
  pool: number;
  place: number;
  size: number;
  stack: number;
  domain: number;
  allocEvent: number;
  allocTs: number;
}

/** Thrown from inside the replay to stop it at the requested instant. */
export class ReplayStop extends Error {
  constructor() {
    super('replay stopped at the requested instant');
  }
}

export interface ReplayOptions {
  /** Model version; default: the trace's `# python:` metadata, else 3.11. */
  python?: PythonVersion;
  /** Stop right after the first `mark` with this label. */
  stopAtMark?: string;
  /** Stop right after this many events. */
  stopAtEvent?: number;
  observers?: ReplayObserver[];
  /**
   * Count the trace's `arena_alloc` / `arena_free` records but do not use
   * them: the model places its arenas itself, as for a trace without arena
   * records. For replaying a trace under another version's geometry, where
   * the trace's arena addresses cannot apply (what-if).
   */
  ignoreArenaRecords?: boolean;
  /**
   * Arena slots the model may use (see PymallocModel): default and most
   * maxArenaSlots, 64 GiB of arenas. Lower only to test the limit.
   */
  arenaSlotLimit?: number;
}

export class Replayer implements TraceSink, ReplayView {
  versionSource: 'option' | 'trace' | 'default' = 'default';
  traceMeta: TraceMeta = {};
  readonly system = new SystemMallocAccount();
  /** Every other live block, by trace address (C library, diverged replays). */
  readonly live = new LiveBlocks();
  /** Anonymous mappings C code made directly (mmap, munmap, mremap of the native domain). */
  readonly mappings = new AnonymousMappings();
  readonly anomalies = new Anomalies();
  readonly highWater = new HighWater();
  readonly addressCheck: AddressCheck;
  /** Every pymalloc state, in order of first appearance: [0] is the main interpreter's. */
  readonly interpreters: InterpreterState[] = [];
  // The current state and its parts, in fields of their own: the event
  // methods read them several times per event. select() sets them; start()
  // selects the main interpreter's state, and a TraceSink's meta() (which
  // calls start()) comes before any batch. Outside the event methods, the
  // public getters below answer for them, and say so when nothing started.
  private current: InterpreterState | undefined;
  private geom!: PymallocGeometry;
  private currentModel!: PymallocModel;
  private currentPool!: PoolBlocks;
  private currentArenas!: ArenaFeed;
  /** current.id, in a field of its own: read once per event. */
  private currentId = 0;
  /** Sums over the states other than `current`, for process-wide high-water marks. */
  private otherArenas = 0;
  private otherBlockBytes = 0;
  private otherPools = 0;

  /**
   * Events replayed so far. Events are numbered from 1 in file order (records
   * after the header, `stack` definitions excluded), so after event N this is N
   * and `--at-event N` stops here.
   */
  events = 0;
  /** Calls by op x domain (alloc, calloc, realloc, free) and records by op. */
  readonly counts = new Float64Array(OP_COUNT * DOMAIN_COUNT);
  /** free(NULL) and realloc(NULL, n) calls. */
  nullPointerCalls = 0;
  /** Live requested bytes over all domains. */
  liveRequestedBytes = 0;
  /** Timestamp of the last event that had one (NaN before). */
  lastTs = NaN;
  /** Label of the last mark replayed ('' before the first). */
  lastMark = '';
  /** The event number of the last mark (0 before the first): the mark was the last record when it equals `events`. */
  lastMarkEvent = 0;
  marks = 0;
  /** Line of the event being replayed. */
  line = 0;
  stopped = false;

  private readonly observers: ReplayObserver[];
  /** Observers with onEvent, apart so that a replay without them pays one length check per event. */
  private readonly eventObservers: EventObserver[];
  /** Observers with onBlockAllocated or onBlockFreed: a replay without them pays one length check per block. */
  private readonly blockObservers: BlockObserver[];
  /** The block those hooks are about, rewritten in place (no object per event). */
  readonly changedBlock: BlockRecord = { size: 0, stack: -1, domain: 0, allocEvent: 0, allocTs: NaN, pool: NOT_PYMALLOC, place: 0 };
  /** True while a block resized in place is stored again under its own address (reallocInPlace). */
  private blockHooksMuted = false;
  private readonly useArenaRecords: boolean;
  /** options.stopAtEvent, or Infinity: one compare per event. */
  private readonly stopAtEvent: number;

  constructor(
    private readonly addresses: AddressSpace,
    private readonly options: ReplayOptions = {},
  ) {
    this.observers = options.observers ?? [];
    this.eventObservers = this.observers.filter((o): o is EventObserver => o.onEvent !== undefined);
    this.blockObservers = this.observers.filter((o) => o.onBlockAllocated !== undefined || o.onBlockFreed !== undefined || o.onBlockResized !== undefined);
    this.useArenaRecords = options.ignoreArenaRecords !== true;
    this.stopAtEvent = options.stopAtEvent ?? Infinity;
    this.addressCheck = new AddressCheck((key) => addresses.format(key));
  }

  // ----------------------------------------------------------- TraceSink

  meta(meta: TraceMeta): void {
    this.traceMeta = meta;
    let version: PythonVersion;
    if (this.options.python !== undefined) {
      version = this.options.python;
      this.versionSource = 'option';
    } else if (meta['python'] !== undefined) {
      const fromTrace = versionFromMeta(meta['python']);
      if (fromTrace === undefined) {
        throw new MemreplayError(
          `the trace says python ${JSON.stringify(meta['python'].slice(0, 20))}, which memreplay does not model; pass --python with one of 3.8 3.9 3.10 3.11 3.12 3.13`,
        );
      }
      version = fromTrace;
      this.versionSource = 'trace';
    } else {
      version = DEFAULT_PYTHON_VERSION;
    }
    this.start(version);
    const arenaSize = meta['arena_size'];
    if (arenaSize !== undefined && this.versionSource !== 'option' && Number(arenaSize) !== this.geom.arenaSize) {
      throw new MemreplayError(
        `the trace says arena_size ${arenaSize.slice(0, 20)}, but CPython ${version} uses ${this.geom.arenaSize}-byte arenas; pass --python to choose the version`,
      );
    }
  }

  /** Set up the model; called by meta(), or directly by library users. */
  start(version: PythonVersion): void {
    if (!isPythonVersion(version)) throw new MemreplayError(`unknown python version ${version}`);
    this.geom = geometryFor(version);
    this.select(this.addInterpreter(0));
  }

  /** The pymalloc state of interpreter `id`, if the trace named it. */
  interpreter(id: number): InterpreterState | undefined {
    return this.interpreters.find((s) => s.id === id);
  }

  private addInterpreter(id: number): InterpreterState {
    if (this.interpreters.length >= MAX_INTERPRETER_STATES) {
      throw new MemreplayError(
        `line ${this.line}: the trace names more than ${MAX_INTERPRETER_STATES} interpreters with an allocator of their own (interp ${id}): memreplay keeps at most that many`,
      );
    }
    const a = this.addresses;
    const state = new InterpreterState(id, this.interpreters.length, this.geom, (k) => a.format(k), (k) => a.decode(k), this, this.live, this.options.arenaSlotLimit);
    this.interpreters.push(state);
    return state;
  }

  /**
   * Make `state` the current one. The sums over the others change by what
   * the old current state holds and the new one no longer counts: neither
   * changes while it is not current.
   */
  private select(state: InterpreterState): void {
    const old = this.current;
    if (old === state) return;
    if (old !== undefined) {
      this.otherArenas += old.model.arenasCurrent - state.model.arenasCurrent;
      this.otherBlockBytes += old.model.allocatedBlockBytes - state.model.allocatedBlockBytes;
      this.otherPools += old.model.poolsInUseCount - state.model.poolsInUseCount;
    }
    this.current = state;
    this.currentId = state.id;
    this.currentModel = state.model;
    this.currentPool = state.pool;
    this.currentArenas = state.arenas;
  }

  /**
   * An event of another interpreter than the last one's. The last one's call
   * is over, so a release its arena_free did not confirm is settled now.
   */
  private switchInterpreter(id: number): void {
    if (this.currentArenas.waiting !== 0) this.currentArenas.settleReleases();
    this.select(this.interpreter(id) ?? this.addInterpreter(id));
  }

  batch(b: EventBatch): void {
    const n = b.length;
    // The columns and the fields read for every event, in locals: the event
    // methods are calls V8 may not inline, after which it reloads every field
    // it cannot prove unchanged (the loop's own work was ~30 ns an event).
    const ops = b.op;
    const lines = b.line;
    const interps = b.interp;
    const tss = b.ts;
    const domains = b.domain;
    const addrs = b.addr;
    const counts = this.counts;
    const eventObservers = this.eventObservers;
    const watching = eventObservers.length !== 0;
    const stopAtEvent = this.stopAtEvent;
    for (let i = 0; i < n; i++) {
      const op = ops[i]!;
      const events = ++this.events;
      this.line = lines[i]!;
      if (interps[i] !== this.currentId) this.switchInterpreter(interps[i]!);
      const ts = tss[i]!;
      if (ts === ts) this.lastTs = ts; // not NaN
      // (select() changes currentArenas only in switchInterpreter, just above.)
      const arenas = this.currentArenas;
      if (op !== OP_ARENA_FREE && arenas.waiting !== 0) arenas.settleReleases();
      switch (op) {
        case OP_ALLOC:
        case OP_CALLOC:
          counts[op * DOMAIN_COUNT + domains[i]!]!++;
          this.alloc(b, i);
          if (arenas.waiting !== 0) arenas.settleAnnounced();
          this.updateHighWater();
          break;
        case OP_REALLOC:
          counts[op * DOMAIN_COUNT + domains[i]!]!++;
          if (b.oldAddr[i] === 0) {
            this.nullPointerCalls++;
            this.alloc(b, i);
          } else {
            this.realloc(b, i);
          }
          if (arenas.waiting !== 0) arenas.settleAnnounced();
          this.updateHighWater();
          break;
        case OP_FREE:
          // (A free lowers every high-water metric or leaves it: no update.)
          counts[op * DOMAIN_COUNT + domains[i]!]!++;
          if (addrs[i] === 0) this.nullPointerCalls++;
          else this.free(b, i);
          if (arenas.waiting !== 0) arenas.settleAnnounced();
          break;
        case OP_ARENA_ALLOC:
          counts[op * DOMAIN_COUNT]!++;
          if (this.useArenaRecords) arenas.announce(addrs[i]!, b.size[i]!);
          break;
        case OP_ARENA_FREE:
          counts[op * DOMAIN_COUNT]!++;
          if (this.useArenaRecords) arenas.confirmRelease(addrs[i]!, b.size[i]!);
          break;
        case OP_MARK:
          counts[op * DOMAIN_COUNT]!++;
          this.mark(b.label[i]!);
          break;
        case OP_MMAP:
        case OP_MUNMAP:
        case OP_MREMAP:
          counts[op * DOMAIN_COUNT + DOMAIN_NATIVE]!++;
          this.mapping(op, b, i);
          break;
      }
      if (watching) for (let k = 0; k < eventObservers.length; k++) eventObservers[k]!.onEvent(this, op);
      if (events >= stopAtEvent) this.stop();
      if (op === OP_MARK && b.label[i] === this.options.stopAtMark) this.stop();
    }
  }

  /** End of the trace: settle what is still waiting for a record. */
  finish(): void {
    for (const state of this.interpreters) state.arenas.settleReleases();
    this.select(this.interpreters[0]!);
  }

  // ------------------------------------------------------------ semantics
  //
  // A live block is in one of two stores: `pool` (PoolBlocks, by position)
  // when the model put it exactly where the trace says, else `live` (the
  // LiveBlocks hash, by trace address) — C-library blocks and blocks of a
  // replay that diverged. `lookup` finds an address in either and leaves the
  // answer in the found* fields.
  //
  // Nothing here allocates per event. Addresses are doubles beyond 2^31, and
  // V8 boxes a double passed to or returned from a call it did not inline (a
  // heap object per call: it was 50 bytes of garbage per event). So the event
  // methods take the batch and an index and read their doubles themselves,
  // and the model hands addresses back in fields (mallocBlock, lastAddress,
  // lastBlock). Only rare paths (anomalies, C-library blocks, a diverged
  // replay) pass addresses as arguments.

  private foundKind = FOUND_NONE;
  /** Block index (FOUND_POOL) or hash slot (FOUND_HASH). */
  private foundIndex = 0;
  /** Pool slot of a FOUND_POOL block. */
  private foundPool = 0;
  /** The address was live before and has been freed (for double-free reports). */
  private foundFreed = false;
  /** lookup()'s address, handed to lookupAt in an array. */
  private readonly scratch = new Float64Array(1);

  /** Look up the event's `addr` (or `old_addr` when `old`). */
  private lookupEvent(b: EventBatch, i: number, old: boolean): void {
    this.lookupAt(old ? b.oldAddr : b.addr, i);
  }

  /** lookupEvent for any address (rare paths), through a one-slot array: no boxing, one code path. */
  private lookup(address: number): void {
    this.scratch[0] = address;
    this.lookupAt(this.scratch, 0);
  }

  private lookupAt(addresses: Float64Array, i: number): void {
    this.foundKind = FOUND_NONE;
    this.foundFreed = false;
    const pool = this.currentModel.locate(addresses, i);
    if (pool !== NOT_PYMALLOC) {
      const k = this.currentModel.locatedBlock;
      const state = k < 0 ? SLOT_EMPTY : this.currentPool.state(k);
      if (state === SLOT_LIVE) {
        this.foundKind = FOUND_POOL;
        this.foundIndex = k;
        this.foundPool = pool;
        return;
      }
      this.foundFreed = state === SLOT_FREED;
      // Inside an arena, the hash can only hold the address if some entry was
      // keyed inside an arena (a replay that diverged from the trace).
      if (this.live.liveInArenas === 0) return;
    }
    if (this.live.used === 0) return;
    this.lookupHashAt(this.live.findAt(addresses, i));
  }

  /** The hash slot find() returned for the address looked up. */
  private lookupHashAt(slot: number): void {
    if (slot < 0) return;
    if (this.live.isLive(slot)) {
      this.foundKind = FOUND_HASH;
      this.foundIndex = slot;
      this.foundFreed = false;
    } else {
      this.foundFreed = true;
    }
  }

  /** Free the block `lookup` found, in the model or the system account. */
  private releaseFound(): void {
    if (this.blockObservers.length !== 0) this.notifyFreedFound();
    if (this.foundKind === FOUND_POOL) {
      const k = this.foundIndex;
      // The store first: the model's free may release the arena, and with it
      // the pool's records (PoolBlocks.releaseArena).
      this.liveRequestedBytes -= this.currentPool.release(k);
      this.currentModel.freeBlockIndex(k, this.foundPool);
    } else {
      const live = this.live;
      const slot = this.foundIndex;
      const pool = live.pool(slot);
      const n = live.size(slot);
      if (pool === NOT_PYMALLOC) this.system.remove(n, live.domain(slot));
      else if (this.interpreters.length === 1 || this.currentModel.poolAt(live.modelAddr(slot)) === pool) this.currentModel.free(live.modelAddr(slot), pool);
      else this.freeInOtherState(live.modelAddr(slot), pool);
      this.liveRequestedBytes -= n;
      live.markFreed(slot);
    }
    this.foundKind = FOUND_NONE;
  }

  /**
   * A diverged block (in the hash) of another interpreter's state, freed by
   * an event of this one: freed in its own model, whose share of the sums
   * over the other states changes with it.
   */
  private freeInOtherState(modelAddr: number, pool: number): void {
    const owner = this.interpreters.find((s) => s !== this.current && s.model.poolAt(modelAddr) === pool);
    if (owner === undefined) return;
    const m = owner.model;
    const arenas = m.arenasCurrent;
    const blockBytes = m.allocatedBlockBytes;
    const pools = m.poolsInUseCount;
    m.free(modelAddr, pool);
    this.otherArenas += m.arenasCurrent - arenas;
    this.otherBlockBytes += m.allocatedBlockBytes - blockBytes;
    this.otherPools += m.poolsInUseCount - pools;
  }

  /**
   * The block the model just handed out (mallocBlock) goes live at the
   * event's address, which is the model's: it lives in the pool store.
   */
  private storeHandedOut(b: EventBatch, i: number, n: number, domain: number, stack: number): void {
    // The model just handed out this block, so no pool-store entry is live here;
    // a live hash entry can be (the trace reused an address it never freed).
    if (this.live.liveInArenas > 0) this.missingFreeInHash(b.addr[i]!, domain);
    this.currentPool.store(this.currentModel.lastBlock, n, stack, domain);
    this.liveRequestedBytes += n;
    if (this.blockObservers.length !== 0) this.notifyAllocated(n, stack, domain);
  }

  /** A new live block at trace `address`; a block still live there is a missing free. */
  private store(address: number, modelAddr: number, pool: number, n: number, domain: number, stack: number): void {
    if (pool !== NOT_PYMALLOC && modelAddr === address) {
      if (this.live.liveInArenas > 0) this.missingFreeInHash(address, domain);
      this.currentPool.store(this.currentModel.blockIndexOf(address, pool), n, stack, domain);
    } else {
      this.lookup(address);
      if (this.foundKind !== FOUND_NONE) {
        this.anomalies.record('missing_free', domain, this.line, this.events, () => this.addresses.format(address));
        this.releaseFound();
      }
      this.storeInHash(address, modelAddr, pool, n, domain, stack);
      return;
    }
    this.liveRequestedBytes += n;
    if (this.blockObservers.length !== 0) this.notifyAllocated(n, stack, domain);
  }

  /** A new live block in the hash, at a trace address the caller made sure holds no live block. */
  private storeInHash(address: number, modelAddr: number, pool: number, n: number, domain: number, stack: number): void {
    const inArena = this.currentModel.poolAt(address) !== NOT_PYMALLOC;
    this.live.insert(address, this.live.find(address), modelAddr, pool, n, stack, domain, this.events, this.lastTs, inArena);
    if (pool === NOT_PYMALLOC) {
      this.system.add(n, domain);
      if (domain === DOMAIN_NATIVE) this.highWater.updateNativeHeap(this, this.system.nativeLiveBytes);
    }
    this.liveRequestedBytes += n;
    if (this.blockObservers.length !== 0) this.notifyAllocated(n, stack, domain);
  }

  private missingFreeInHash(address: number, domain: number): void {
    const slot = this.live.find(address);
    if (slot >= 0 && this.live.isLive(slot)) {
      this.anomalies.record('missing_free', domain, this.line, this.events, () => this.addresses.format(address));
      this.foundKind = FOUND_HASH;
      this.foundIndex = slot;
      this.releaseFound();
    }
  }

  /** alloc, calloc, realloc(NULL, n), and a realloc of an untracked block: a new block at the event's addr. */
  private alloc(b: EventBatch, i: number): void {
    const address = b.addr[i]!;
    const n = b.size[i]!;
    const domain = b.domain[i]!;
    const stack = b.stack[i]!;
    const model = this.currentModel;
    // The usual case, a replay in step with the trace: the model is about to
    // hand out this very address, so no block of the pool store is live there,
    // and the hash holds none unless some entry was keyed inside an arena.
    // (Only obj and mem go through pymalloc; raw and native blocks are the C library's whatever their size.)
    if (domain < DOMAIN_RAW && this.live.liveInArenas === 0 && model.mallocAt(n, b.addr, i) !== NOT_PYMALLOC) {
      this.addressCheck.predicted++;
      this.currentPool.store(model.lastBlock, n, stack, domain);
      this.liveRequestedBytes += n;
      if (this.blockObservers.length !== 0) this.notifyAllocated(n, stack, domain);
      return;
    }
    // A block still live at this address was never freed: free it first, so
    // the model can hand the same block out again, as the allocator did.
    this.lookupEvent(b, i, false);
    if (this.foundKind !== FOUND_NONE) {
      this.anomalies.record('missing_free', domain, this.line, this.events, () => this.addresses.format(address));
      this.releaseFound();
    }
    // (Nothing is live at the address now, so the block goes straight to its store.)
    if (domain < DOMAIN_RAW && model.mallocBlock(n) !== NOT_PYMALLOC) {
      this.checkAddress(b, i);
      if (model.lastAddress === address) this.storeHandedOut(b, i, n, domain, stack);
      else this.storeInHash(address, model.lastAddress, model.lastPool, n, domain, stack);
      return;
    }
    this.storeInHash(address, address, NOT_PYMALLOC, n, domain, stack);
  }

  /** --verify: the model's last block against the event's addr. */
  private checkAddress(b: EventBatch, i: number): void {
    this.addressCheck.check(this.currentModel.lastAddress, b.addr[i]!, this.line);
  }

  private realloc(b: EventBatch, i: number): void {
    this.lookupEvent(b, i, true);
    if (this.foundKind === FOUND_NONE) {
      const oldAddress = b.oldAddr[i]!;
      this.anomalies.record(
        'untracked_realloc',
        b.domain[i]!,
        this.line,
        this.events,
        () => this.addresses.format(oldAddress),
        this.foundFreed ? 'the block was freed before' : 'the address was never allocated in the trace',
      );
      this.alloc(b, i);
      return;
    }
    const n = b.size[i]!;
    const domain = b.domain[i]!;
    const stack = b.stack[i]!;
    let oldPool: number;
    let oldStack: number;
    let oldDomain: number;
    let oldSize: number;
    if (this.foundKind === FOUND_POOL) {
      const k = this.foundIndex;
      oldPool = this.foundPool;
      oldStack = this.currentPool.stack(k);
      oldDomain = this.currentPool.domain(k);
      oldSize = this.currentPool.size(k);
    } else {
      const slot = this.foundIndex;
      oldPool = this.live.pool(slot);
      oldStack = this.live.stack(slot);
      oldDomain = this.live.domain(slot);
      oldSize = this.live.size(slot);
    }
    const keepStack = stack >= 0 ? stack : oldStack;
    if (oldPool === NOT_PYMALLOC) {
      // A block the C library served stays with it, whatever the new size.
      this.releaseFound();
      this.store(b.addr[i]!, b.addr[i]!, NOT_PYMALLOC, n, oldDomain >= DOMAIN_RAW ? oldDomain : domain, keepStack);
      return;
    }
    if (this.currentModel.reallocInPlace(oldPool, n)) {
      this.reallocInPlace(b, i, n, domain, keepStack, oldSize);
      return;
    }
    // Moves: a new block first (pymalloc or C library), then the old one is freed.
    const model = this.currentModel;
    const newPool = model.mallocBlock(n);
    if (newPool !== NOT_PYMALLOC) this.checkAddress(b, i);
    this.releaseFound();
    if (newPool !== NOT_PYMALLOC && model.lastAddress === b.addr[i]) this.storeHandedOut(b, i, n, domain, keepStack);
    else this.store(b.addr[i]!, newPool === NOT_PYMALLOC ? b.addr[i]! : model.lastAddress, newPool, n, domain, keepStack);
  }

  /** The block found by lookup stays where it is (pymalloc_realloc in place). */
  private reallocInPlace(b: EventBatch, i: number, n: number, domain: number, stack: number, oldSize: number): void {
    const address = b.addr[i]!;
    const oldModel = this.foundKind === FOUND_POOL ? b.oldAddr[i]! : this.live.modelAddr(this.foundIndex);
    this.addressCheck.check(oldModel, address, this.line);
    if (address === b.oldAddr[i] && this.foundKind === FOUND_POOL) {
      if (this.blockObservers.length !== 0) this.notifyResizedFound(true);
      this.currentPool.setSize(this.foundIndex, n);
      this.currentPool.setStack(this.foundIndex, stack);
      this.liveRequestedBytes += n - oldSize;
      return;
    }
    // Keep the model's block; re-key it under the trace's new address.
    const pool = this.foundKind === FOUND_POOL ? this.foundPool : this.live.pool(this.foundIndex);
    // The trace kept the address: the same block, resized (no end, no new
    // block for the block hooks), wherever the replay keeps its record.
    const moved = address !== b.oldAddr[i];
    if (this.blockObservers.length !== 0) {
      if (moved) this.notifyFreedFound();
      else this.notifyResizedFound(false);
    }
    if (this.foundKind === FOUND_POOL) this.currentPool.markFreed(this.foundIndex);
    else this.live.markFreed(this.foundIndex);
    this.liveRequestedBytes -= oldSize;
    this.blockHooksMuted = !moved;
    this.store(address, oldModel, pool, n, domain, stack);
    this.blockHooksMuted = false;
  }

  private free(b: EventBatch, i: number): void {
    this.lookupEvent(b, i, false);
    if (this.foundKind === FOUND_NONE) {
      const address = b.addr[i]!;
      this.anomalies.record(this.foundFreed ? 'double_free' : 'untracked_free', b.domain[i]!, this.line, this.events, () =>
        this.addresses.format(address),
      );
      return;
    }
    const size = b.size[i]!;
    if (size === size) {
      const allocated = this.foundKind === FOUND_POOL ? this.currentPool.size(this.foundIndex) : this.live.size(this.foundIndex);
      if (size !== allocated) this.freeSizeMismatch(b.addr[i]!, size, allocated, b.domain[i]!);
    }
    this.releaseFound();
  }

  private freeSizeMismatch(address: number, size: number, allocated: number, domain: number): void {
    this.anomalies.record(
      'free_size_mismatch',
      domain,
      this.line,
      this.events,
      () => this.addresses.format(address),
      `freed with size ${size}, allocated with ${allocated}`,
    );
  }

  /** onBlockAllocated for a block of the current event, stored just now. */
  private notifyAllocated(n: number, stack: number, domain: number): void {
    if (this.blockHooksMuted) return;
    const b = this.changedBlock;
    b.size = n;
    b.stack = stack;
    b.domain = domain;
    b.allocEvent = this.events;
    b.allocTs = this.lastTs;
    for (const o of this.blockObservers) o.onBlockAllocated?.(this);
  }

  /** onBlockFreed for the block lookup found, before its record is freed. */
  private notifyFreedFound(): void {
    this.fillChangedFromFound();
    for (const o of this.blockObservers) o.onBlockFreed?.(this);
  }

  /** onBlockResized for the block lookup found, before its size and stack change. */
  private notifyResizedFound(keepsAllocEvent: boolean): void {
    this.fillChangedFromFound();
    for (const o of this.blockObservers) o.onBlockResized?.(this, keepsAllocEvent);
  }

  /** changedBlock := the record of the block lookup found. */
  private fillChangedFromFound(): void {
    const b = this.changedBlock;
    if (this.foundKind === FOUND_POOL) {
      const k = this.foundIndex;
      this.currentPool.readInto(k, b);
      b.pool = this.foundPool;
      b.place = k;
    } else {
      const h = this.live;
      const slot = this.foundIndex;
      b.size = h.size(slot);
      b.stack = h.stack(slot);
      b.domain = h.domain(slot);
      b.allocEvent = h.allocEvent(slot);
      b.allocTs = h.allocTs(slot);
      b.pool = h.pool(slot);
      b.place = -(slot + 1);
    }
  }

  /**
   * mmap, munmap, mremap: the mapping set changes. A munmap that covers no
   * mapped byte is an untracked free of the native domain (the mapping
   * predates the recording, or was never made); an mremap whose old address
   * is in no mapping is an untracked realloc, and its new mapping is made.
   */
  private mapping(op: number, b: EventBatch, i: number): void {
    const m = this.mappings;
    const addr = b.addr[i]!;
    const size = b.size[i]!;
    if (op === OP_MMAP) {
      m.map(addr, size);
    } else if (op === OP_MUNMAP) {
      if (m.unmap(addr, size) === 0 && size > 0) {
        this.anomalies.record('untracked_free', DOMAIN_NATIVE, this.line, this.events, () => this.addresses.format(addr), 'munmap of a range not mapped');
      }
    } else {
      const old = b.oldAddr[i]!;
      const oldSize = m.sizeFrom(old);
      if (oldSize < 0) {
        this.anomalies.record('untracked_realloc', DOMAIN_NATIVE, this.line, this.events, () => this.addresses.format(old), 'mremap of an address not mapped');
      } else {
        m.unmap(old, oldSize);
      }
      m.map(addr, size);
    }
    if (op !== OP_MUNMAP) {
      this.highWater.updateMapped(this, m.bytes);
      this.updateHighWater();
    }
  }

  private mark(label: string): void {
    this.marks++;
    this.lastMark = label;
    this.lastMarkEvent = this.events;
    for (const o of this.observers) o.onMark?.(this, label);
  }

  private updateHighWater(): void {
    const hw = this.highWater;
    // Summed over every interpreter's pymalloc state: the process's footprint.
    const arenas = this.otherArenas + this.currentModel.arenasCurrent;
    const arenaBytes = arenas * this.geom.arenaSize;
    const sys = this.system.liveBytes;
    const blockBytes = this.otherBlockBytes + this.currentModel.allocatedBlockBytes;
    const footprint = arenaBytes + sys + this.mappings.bytes;
    hw.update(this, this.liveRequestedBytes, blockBytes, this.otherPools + this.currentModel.poolsInUseCount, arenas, sys, footprint);
    if (hw.arenaPeakRaised) {
      hw.arenaPeakRaised = false;
      for (const o of this.observers) o.onArenaPeak?.(this);
    }
  }

  private stop(): void {
    this.stopped = true;
    this.select(this.interpreters[0]!);
    throw new ReplayStop();
  }

  // -------------------------------------------------------------- queries

  /** Whether the model is set up: the trace's header reached meta(), or start() was called. */
  get started(): boolean {
    return this.current !== undefined;
  }

  /** The geometry of the version replayed. */
  get geometry(): PymallocGeometry {
    return this.currentState().model.g;
  }

  /**
   * The pymalloc state of the interpreter of the event being replayed (so,
   * in an observer, the interpreter that took the mark); the main
   * interpreter's once the replay ended or stopped. `model` and `arenas` are
   * that state's. See `interpreters` for all of them.
   */
  get model(): PymallocView {
    return this.currentState().model;
  }

  get arenas(): ArenaFeed {
    return this.currentState().arenas;
  }

  /** The pool store (live blocks the model placed where the trace says) of that same state. */
  get pool(): PoolBlocks {
    return this.currentState().pool;
  }

  /** The current state, or a plain error for a caller that asks before the model exists. */
  private currentState(): InterpreterState {
    if (this.current === undefined) throw new Error('the replay has no pymalloc model yet: no trace header reached it (meta) and start() was not called');
    return this.current;
  }

  /** sys.getallocatedblocks(): pymalloc blocks in use plus OBJ/MEM blocks passed to the C library. */
  get allocatedBlocks(): number {
    return this.currentModel.blocksInUseTotal + this.system.objMemLiveBlocks;
  }

  /**
   * Visit every live block (both stores, every interpreter's pymalloc state):
   * its pool slot (-1: C library), size, stack, domain, allocating event,
   * that event's timestamp (NaN: none) and the model its pool slot belongs to
   * (the main interpreter's for the C library's blocks).
   */
  forEachLiveBlock(visit: LiveBlockVisit): void {
    for (const state of this.interpreters) {
      const p = state.pool;
      const m = state.model;
      p.forEachLive((k, pool) => visit(pool, p.size(k), p.stack(k), p.domain(k), p.allocEvent(k), p.allocTs(k), m, k));
    }
    const h = this.live;
    const main = this.interpreters[0]!.model;
    h.forEachLive((s) => visit(h.pool(s), h.size(s), h.stack(s), h.domain(s), h.allocEvent(s), h.allocTs(s), this.hashModel(h.pool(s), main), -(s + 1)));
  }

  /**
   * forEachLiveBlock without the allocating event and timestamp, for walks
   * that need only these (growth samples, arena pinning): cheaper per block.
   */
  forEachLiveBlockBrief(visit: LiveBlockVisitBrief): void {
    for (const state of this.interpreters) {
      const m = state.model;
      state.pool.forEachLiveBrief((pool, size, stack, domain) => visit(pool, size, stack, domain, m));
    }
    const h = this.live;
    const main = this.interpreters[0]!.model;
    h.forEachLive((s) => visit(h.pool(s), h.size(s), h.stack(s), h.domain(s), this.hashModel(h.pool(s), main)));
  }

  /**
   * The model of a pymalloc block in the hash (a replay that diverged): the
   * hash does not keep its interpreter, so the main one's when it has such a
   * pool slot, else the first state that has. (Only a diverged replay of a
   * trace with several interpreters can pick wrongly.)
   */
  private hashModel(pool: number, main: PymallocModel): PymallocModel {
    if (pool === NOT_PYMALLOC || this.interpreters.length === 1 || main.hasPool(pool)) return main;
    return this.interpreters.find((s) => s.model.hasPool(pool))?.model ?? main;
  }

  /** An address key as the trace writes it (hex). */
  formatAddress(key: number): string {
    return this.addresses.format(key);
  }

  /** Events of the native domain so far: native blocks' calls and mapping ops. */
  get nativeEvents(): number {
    let n = 0;
    for (let op = 0; op < OP_COUNT; op++) n += this.counts[op * DOMAIN_COUNT + DOMAIN_NATIVE]!;
    return n;
  }

  /** Live blocks in both stores, of every interpreter. */
  get liveBlockCount(): number {
    let n = this.live.live;
    for (const state of this.interpreters) n += state.pool.live;
    return n;
  }

  /** What the replay holds, for an out-of-memory message: its live blocks are most of it. */
  describeHeld(): string {
    // Nothing is held before the trace's first record sets the model up.
    if (!this.started) return '';
    return `${count(this.liveBlockCount, 'live block')} after ${count(this.events, 'event')}`;
  }
}
