// The replayer: applies the trace semantics (trace-format.md) to a stream of
// event batches, drives the pymalloc model and the system-malloc account,
// keeps the live-block map, counts events, anomalies and high-water marks,
// and checks the model's addresses and arena decisions against the trace.
//
// It is a TraceSink, so an importer feeds it directly; everything per event
// is typed-array work with no allocation. Analyzers read its state at marks
// (observers) and at the end.

import { MemreplayError } from '../errors.js';
import type { AddressSpace } from '../events/address-space.js';
import type { EventBatch } from '../events/event-batch.js';
import {
  DOMAIN_COUNT,
  DOMAIN_RAW,
  OP_ALLOC,
  OP_ARENA_ALLOC,
  OP_ARENA_FREE,
  OP_CALLOC,
  OP_COUNT,
  OP_FREE,
  OP_MARK,
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
import { NOT_PYMALLOC, PymallocModel } from '../models/pymalloc/pymalloc-model.js';
import { SystemMallocAccount } from '../models/system-malloc.js';
import { Anomalies } from './anomalies.js';
import { ArenaFeed } from './arena-feed.js';
import { HighWater } from './high-water.js';
import { SLOT_FREED, LiveBlocks } from './live-blocks.js';
import { AddressCheck } from './address-check.js';

/** Thrown from inside the replay to stop it at the requested instant. */
export class ReplayStop extends Error {
  constructor() {
    super('replay stopped at the requested instant');
  }
}

export interface ReplayObserver {
  /** A `mark` record was replayed; the model state is as of that instant. */
  onMark?(replayer: Replayer, label: string): void;
  /** The arena count reached a new high (the model state is as of that instant). */
  onArenaPeak?(replayer: Replayer): void;
}

export interface ReplayOptions {
  /** Model version; default: the trace's `# python:` metadata, else 3.11. */
  python?: PythonVersion;
  /** Stop right after the first `mark` with this label. */
  stopAtMark?: string;
  /** Stop right after this many events. */
  stopAtEvent?: number;
  observers?: ReplayObserver[];
}

export class Replayer implements TraceSink {
  geometry!: PymallocGeometry;
  model!: PymallocModel;
  versionSource: 'option' | 'trace' | 'default' = 'default';
  traceMeta: TraceMeta = {};
  readonly system = new SystemMallocAccount();
  readonly live = new LiveBlocks();
  readonly anomalies = new Anomalies();
  readonly highWater = new HighWater();
  readonly addressCheck: AddressCheck;
  arenas!: ArenaFeed;

  /**
   * Events replayed so far. Events are numbered from 1 in file order (records
   * after the header, `stack` definitions excluded), so after event N this is N
   * and `--at-event N` stops here.
   */
  events = 0;
  /** Calls by op x domain (alloc, calloc, realloc, free) and records by op. */
  readonly counts = new Float64Array(OP_COUNT * DOMAIN_COUNT);
  /** free(NULL) and realloc(NULL, n) calls. */
  nullFrees = 0;
  /** Live requested bytes over all domains. */
  liveRequestedBytes = 0;
  /** Timestamp of the last event that had one (NaN before). */
  lastTs = NaN;
  /** Label of the last mark replayed ('' before the first). */
  lastMark = '';
  marks = 0;
  /** Line of the event being replayed. */
  line = 0;
  stopped = false;

  private readonly observers: ReplayObserver[];

  constructor(
    private readonly addresses: AddressSpace,
    private readonly options: ReplayOptions = {},
  ) {
    this.observers = options.observers ?? [];
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
    if (arenaSize !== undefined && this.versionSource !== 'option' && Number(arenaSize) !== this.geometry.arenaSize) {
      throw new MemreplayError(
        `the trace says arena_size ${arenaSize.slice(0, 20)}, but CPython ${version} uses ${this.geometry.arenaSize}-byte arenas; pass --python to choose the version`,
      );
    }
  }

  /** Set up the model; called by meta(), or directly by library users. */
  start(version: PythonVersion): void {
    if (!isPythonVersion(version)) throw new MemreplayError(`unknown python version ${version}`);
    this.geometry = geometryFor(version);
    this.arenas = new ArenaFeed(this.geometry.arenaSize, (k) => this.addresses.format(k));
    this.model = new PymallocModel(this.geometry, this.arenas, (k) => this.addresses.decode(k));
  }

  batch(b: EventBatch): void {
    const n = b.length;
    const ops = b.op;
    for (let i = 0; i < n; i++) {
      const op = ops[i]!;
      this.events++;
      this.line = b.line[i]!;
      this.arenas.line = this.line;
      const ts = b.ts[i]!;
      if (ts === ts) this.lastTs = ts; // not NaN
      if (op !== OP_ARENA_FREE) this.arenas.settleReleases();
      switch (op) {
        case OP_ALLOC:
        case OP_CALLOC:
          this.counts[op * DOMAIN_COUNT + b.domain[i]!]!++;
          this.alloc(b.addr[i]!, b.size[i]!, b.domain[i]!, b.stack[i]!);
          this.arenas.settleAnnounced();
          break;
        case OP_REALLOC:
          this.counts[op * DOMAIN_COUNT + b.domain[i]!]!++;
          if (b.oldAddr[i] === 0) {
            this.nullFrees++;
            this.alloc(b.addr[i]!, b.size[i]!, b.domain[i]!, b.stack[i]!);
          } else {
            this.realloc(b.addr[i]!, b.oldAddr[i]!, b.size[i]!, b.domain[i]!, b.stack[i]!);
          }
          this.arenas.settleAnnounced();
          break;
        case OP_FREE:
          this.counts[op * DOMAIN_COUNT + b.domain[i]!]!++;
          if (b.addr[i] === 0) this.nullFrees++;
          else this.free(b.addr[i]!, b.size[i]!);
          this.arenas.settleAnnounced();
          break;
        case OP_ARENA_ALLOC:
          this.counts[op * DOMAIN_COUNT]!++;
          this.arenas.announce(b.addr[i]!);
          break;
        case OP_ARENA_FREE:
          this.counts[op * DOMAIN_COUNT]!++;
          this.arenas.confirmRelease(b.addr[i]!);
          break;
        case OP_MARK:
          this.counts[op * DOMAIN_COUNT]!++;
          this.mark(b.label[i]!);
          break;
      }
      if (op <= OP_FREE) this.updateHighWater();
      if (this.options.stopAtEvent !== undefined && this.events >= this.options.stopAtEvent) this.stop();
      if (op === OP_MARK && this.options.stopAtMark !== undefined && b.label[i] === this.options.stopAtMark) this.stop();
    }
  }

  /** End of the trace: settle what is still waiting for a record. */
  finish(): void {
    this.arenas.settleReleases();
  }

  // ------------------------------------------------------------ semantics

  private alloc(address: number, n: number, domain: number, stack: number): void {
    const live = this.live;
    const found = live.find(address);
    if (found >= 0 && live.isLive(found)) {
      this.anomalies.record('missing_free', this.line, this.events, () => this.addresses.format(address));
      this.release(found);
    }
    let modelAddr = address;
    let pool = NOT_PYMALLOC;
    if (domain !== DOMAIN_RAW) {
      const m = this.model.malloc(n);
      if (m !== NOT_PYMALLOC) {
        modelAddr = m;
        pool = this.model.lastPool;
        this.addressCheck.check(m, address, this.line);
      }
    }
    this.place(address, found, modelAddr, pool, n, domain, stack);
  }

  private realloc(address: number, oldAddress: number, n: number, domain: number, stack: number): void {
    const live = this.live;
    const old = live.find(oldAddress);
    if (old < 0 || !live.isLive(old)) {
      this.anomalies.record(
        'untracked_realloc',
        this.line,
        this.events,
        () => this.addresses.format(oldAddress),
        old >= 0 ? 'the block was freed before' : 'the address was never allocated in the trace',
      );
      this.alloc(address, n, domain, stack);
      return;
    }
    const oldPool = live.pool(old);
    const oldModel = live.modelAddr(old);
    const keepStack = stack >= 0 ? stack : live.stack(old);
    const oldDomain = live.domain(old);
    if (oldPool === NOT_PYMALLOC) {
      // A block the C library served stays with it, whatever the new size.
      this.release(old);
      const found = address === oldAddress ? old : this.findForPlacement(address);
      this.place(address, found, address, NOT_PYMALLOC, n, oldDomain === DOMAIN_RAW ? DOMAIN_RAW : domain, keepStack);
      return;
    }
    if (this.model.reallocInPlace(oldPool, n)) {
      this.addressCheck.check(oldModel, address, this.line);
      this.liveRequestedBytes += n - live.size(old);
      live.setSize(old, n);
      live.setStack(old, keepStack);
      if (address !== oldAddress) {
        // The trace moved it although the model keeps it: follow the trace's key.
        const size = n;
        live.markFreed(old);
        this.liveRequestedBytes -= size;
        const found = this.findForPlacement(address);
        this.place(address, found, oldModel, oldPool, size, domain, keepStack);
      }
      return;
    }
    // Moves: a new block first (pymalloc or C library), then the old one is freed.
    const m = this.model.malloc(n);
    let newPool = NOT_PYMALLOC;
    let newModel = address;
    if (m !== NOT_PYMALLOC) {
      newPool = this.model.lastPool;
      newModel = m;
      this.addressCheck.check(m, address, this.line);
    }
    this.release(old);
    const found = this.findForPlacement(address);
    this.place(address, found, newModel, newPool, n, domain, keepStack);
  }

  private free(address: number, size: number): void {
    const live = this.live;
    const found = live.find(address);
    if (found < 0) {
      this.anomalies.record('untracked_free', this.line, this.events, () => this.addresses.format(address));
      return;
    }
    if (live.state(found) === SLOT_FREED) {
      this.anomalies.record('double_free', this.line, this.events, () => this.addresses.format(address));
      return;
    }
    if (size === size && size !== live.size(found)) {
      const allocated = live.size(found);
      this.anomalies.record(
        'free_size_mismatch',
        this.line,
        this.events,
        () => this.addresses.format(address),
        `freed with size ${size}, allocated with ${allocated}`,
      );
    }
    this.release(found);
  }

  /** Slot for a new live block at `address`, releasing a still-live block there (missing free). */
  private findForPlacement(address: number): number {
    const found = this.live.find(address);
    if (found >= 0 && this.live.isLive(found)) {
      this.anomalies.record('missing_free', this.line, this.events, () => this.addresses.format(address));
      this.release(found);
    }
    return found;
  }

  /** Free the block in a live slot, in the model or the system account. */
  private release(slot: number): void {
    const live = this.live;
    const pool = live.pool(slot);
    const n = live.size(slot);
    if (pool === NOT_PYMALLOC) this.system.remove(n, live.domain(slot) !== DOMAIN_RAW);
    else this.model.free(live.modelAddr(slot), pool);
    this.liveRequestedBytes -= n;
    live.markFreed(slot);
  }

  private place(
    address: number,
    found: number,
    modelAddr: number,
    pool: number,
    n: number,
    domain: number,
    stack: number,
  ): void {
    this.live.insert(address, found, modelAddr, pool, n, stack, domain, this.events, this.lastTs);
    if (pool === NOT_PYMALLOC) this.system.add(n, domain !== DOMAIN_RAW);
    this.liveRequestedBytes += n;
  }

  private mark(label: string): void {
    this.marks++;
    this.lastMark = label;
    for (const o of this.observers) o.onMark?.(this, label);
  }

  private updateHighWater(): void {
    const hw = this.highWater;
    const arenas = this.model.arenasCurrent;
    const arenaBytes = arenas * this.geometry.arenaSize;
    const sys = this.system.liveBytes;
    hw.update(this, this.liveRequestedBytes, this.model.allocatedBlockBytes, this.model.poolsInUseCount, arenas, sys, arenaBytes + sys);
    if (hw.arenaPeakRaised) {
      hw.arenaPeakRaised = false;
      for (const o of this.observers) o.onArenaPeak?.(this);
    }
  }

  private stop(): void {
    this.stopped = true;
    throw new ReplayStop();
  }

  // -------------------------------------------------------------- queries

  /** sys.getallocatedblocks(): pymalloc blocks in use plus OBJ/MEM blocks passed to the C library. */
  get allocatedBlocks(): number {
    return this.model.blocksInUseTotal + this.system.objMemLiveBlocks;
  }
}
