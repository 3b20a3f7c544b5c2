// Arena base addresses for the model, and the check of its arena releases.
//
// With arena records in the trace (trace-format.md): an `arena_alloc` comes
// before the call that needs the arena, so its base waits in `pending` until
// the model asks; an `arena_free` comes after the call that released it, so
// the model's release waits in `released` until the record confirms it.
// Without arena records the feed places arenas itself: fresh bases aligned to
// the arena size (whole pools, none lost to alignment), counting down from a
// high address, and a released base is reused first, as mmap tends to do.

import type { ArenaSource } from '../models/pymalloc/pymalloc-model.js';

export const MAX_ARENA_EXAMPLES = 5;
/**
 * Announced arenas kept waiting for the model, at most. CPython writes an
 * `arena_alloc` right before the call that needs it (a call needs one at
 * most), so more than this is no trace of CPython's: the rest count as
 * mismatches at once instead of growing the queue with the trace (a run of a
 * billion records would outgrow any array).
 */
export const MAX_PENDING_ARENAS = 64;

export interface ArenaCheckExample {
  readonly line: number;
  readonly detail: string;
}

/** Top of the range where the feed places arenas of its own (the main interpreter's; see interpreter-state.ts). */
export const SYNTHETIC_TOP = 0x7e00_0000_0000;

export class ArenaFeed implements ArenaSource {
  private pending: number[] = [];
  private pendingHead = 0;
  private readonly released: number[] = [];
  private readonly reusable: number[] = [];
  private nextSynthetic: number;
  /** True once the trace has shown any arena record. */
  traceHasArenas = false;

  arenasFromTrace = 0;
  arenasPlaced = 0;
  releasesConfirmed = 0;
  mismatches = 0;
  readonly examples: ArenaCheckExample[] = [];
  /**
   * Arena records and releases still waiting to be settled (announced bases
   * not yet used, releases not yet confirmed): the replayer calls the settle
   * methods only while this is non-zero, one field read per event otherwise.
   * (Kept in step by recount() rather than derived in a getter: the getter,
   * read twice per event, made analyze about 5% slower, measured A/B.)
   */
  waiting = 0;

  constructor(
    private readonly arenaSize: number,
    private readonly format: (key: number) => string,
    /** Line of the event being replayed, for examples (asked only when one is kept). */
    private readonly currentLine: () => number = () => 0,
    /** Where the arenas the feed places itself start, counting down. */
    syntheticTop = SYNTHETIC_TOP,
  ) {
    this.nextSynthetic = syntheticTop;
  }

  /**
   * An `arena_alloc` record, with its size. A size other than the model's
   * arena size (that of the trace's Python version) is a disagreement like a
   * misplaced arena: counted with its line, and the replay is not exact. It
   * is not a bad record: the format cannot judge a size, only the version
   * chosen to replay it can (--python may change it).
   */
  announce(base: number, size: number): void {
    this.traceHasArenas = true;
    this.checkSize('allocates', base, size);
    if (this.pending.length - this.pendingHead >= MAX_PENDING_ARENAS) {
      this.mismatch(`trace allocates arena ${this.format(base)} while ${MAX_PENDING_ARENAS} arenas it allocated before are still unused`);
      return;
    }
    this.pending.push(base);
    this.recount();
  }

  /** An `arena_free` record (its size is optional: NaN when absent): the model must have just released this arena. */
  confirmRelease(base: number, size: number): void {
    this.traceHasArenas = true;
    this.checkSize('releases', base, size);
    if (this.released.length === 0) {
      this.mismatch(`trace releases arena ${this.format(base)}, but the model still holds it`);
      return;
    }
    const mine = this.released.shift()!;
    this.recount();
    if (mine === base) this.releasesConfirmed++;
    else this.mismatch(`trace releases arena ${this.format(base)}, the model released ${this.format(mine)}`);
  }

  /**
   * Before any record other than `arena_free`: a release the trace did not
   * confirm right after the call that made it means the model diverged.
   */
  settleReleases(): void {
    if (this.released.length === 0) return;
    if (!this.traceHasArenas) {
      this.released.length = 0;
      this.recount();
      return;
    }
    while (this.released.length > 0) {
      const base = this.released.shift()!;
      this.mismatch(`the model released arena ${this.format(base)}, the trace has no arena_free for it here`);
    }
    this.recount();
  }

  /** After a call: an arena the trace announced for it that the model did not use. */
  settleAnnounced(): void {
    if (this.pendingHead < this.pending.length) {
      const base = this.pending[this.pendingHead++]!;
      this.mismatch(`trace allocates arena ${this.format(base)}, the model did not need a new arena here`);
      this.compactPending();
    }
  }

  allocateArena(): number {
    if (this.pendingHead < this.pending.length) {
      const base = this.pending[this.pendingHead++]!;
      this.compactPending();
      this.arenasFromTrace++;
      return base;
    }
    if (this.traceHasArenas) this.mismatch('the model needed a new arena, the trace allocates none here');
    this.arenasPlaced++;
    const reused = this.reusable.pop();
    if (reused !== undefined) return reused;
    this.nextSynthetic -= this.arenaSize;
    return this.nextSynthetic;
  }

  releaseArena(base: number): void {
    if (this.traceHasArenas) this.released.push(base);
    else this.reusable.push(base);
    this.recount();
  }

  /** Arenas announced by the trace and never used by the model. */
  get unusedAnnounced(): number {
    return this.pending.length - this.pendingHead;
  }

  /** True when every arena came from the trace and every release matched. */
  get exact(): boolean {
    return this.traceHasArenas && this.mismatches === 0 && this.arenasPlaced === 0 && this.unusedAnnounced === 0;
  }

  private compactPending(): void {
    if (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
    }
    this.recount();
  }

  private checkSize(what: string, base: number, size: number): void {
    if (size === size && size !== this.arenaSize) {
      this.mismatch(`trace ${what} arena ${this.format(base)} of ${size} bytes, the model's arenas are ${this.arenaSize} bytes`);
    }
  }

  private recount(): void {
    this.waiting = this.released.length + this.pending.length - this.pendingHead;
  }

  private mismatch(detail: string): void {
    this.mismatches++;
    if (this.examples.length < MAX_ARENA_EXAMPLES) this.examples.push({ line: this.currentLine(), detail });
  }
}
