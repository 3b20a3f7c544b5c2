// Call stacks interned once per trace (heaptrack's TraceNode, perfetto's
// interned callsites): every distinct frame string is kept once, every distinct
// stack is an array of frame ids, and events refer to stacks by a small id.
// Traces are untrusted, so every dimension is capped: frame text is cut,
// deep stacks keep their innermost frames, and the tables have a ceiling in
// entries and in bytes (distinct frames of 1 KiB each stay within 4 M entries
// but not within memory).

import { detachedText } from './detached-text.js';
import { MAX_HASHED_KEY_CHARS } from './long-keys.js';

export const MAX_FRAME_CHARS = 1024;
export const MAX_STACK_DEPTH = 256;
export const MAX_DISTINCT_FRAMES = 4_000_000;
export const MAX_DISTINCT_STACKS = 4_000_000;

/**
 * What the interned frames and stacks may take, estimated as the characters
 * of frame text and stack keys, 4 bytes a frame id and the per-entry costs
 * below (measured: 900 000 short frames in 300 000 stacks took 185 MB of
 * heap). A real trace's tables take a few MiB to some tens (100 000
 * distinct stacks of 30 frames, about 60 MiB).
 */
export const MAX_STACK_TABLE_BYTES = 256 * 1024 * 1024;

/** Estimated bytes of a frame beside its text: map entry, array slot, string header. */
const FRAME_ENTRY_BYTES = 160;

/** Estimated bytes of a stack beside its key and ids: map entry, array slot, the Int32Array object. */
const STACK_ENTRY_BYTES = 256;

/** Characters of inline `frames` text kept as cache keys; past it a repeated stack is found by its frames, a little slower. */
const MAX_JOINED_CACHE_CHARS = 32 * 1024 * 1024;

export class StackLimitError extends Error {}

/** tracemalloc keeps a line number as a C unsigned int: larger ones come from no interpreter. */
export const MAX_LINE_NUMBER = 2 ** 32 - 1;

/** A frame whose line number is out of range: a bad record, not a full table. */
export class FrameLineError extends Error {}

/** The line number of a frame: the digits after its last colon, before an optional `)`. */
const LINE_NUMBER = /:([0-9]+)\)?$/;

export class StackTable {
  private readonly frameIds = new Map<string, number>();
  private readonly frameText: string[] = [];
  private readonly stackIds = new Map<string, number>();
  private readonly stackFrames: Int32Array[] = [];
  /** External ids of `stack` records -> interned stack id. */
  private readonly external = new Map<number, number>();
  /** Estimated bytes of frames and stacks, bounded by MAX_STACK_TABLE_BYTES. */
  private bytes = 0;
  private joinedCacheChars = 0;

  /** `maxBytes`: the bound on the estimated bytes of the tables (tests give a small one). */
  constructor(private readonly maxBytes = MAX_STACK_TABLE_BYTES) {}

  get stackCount(): number {
    return this.stackFrames.length;
  }

  get frameCount(): number {
    return this.frameText.length;
  }

  /** Intern one stack given as frames, oldest first. Returns its id. */
  intern(frames: readonly string[]): number {
    const start = frames.length > MAX_STACK_DEPTH ? frames.length - MAX_STACK_DEPTH : 0;
    const ids = new Int32Array(frames.length - start);
    for (let i = start; i < frames.length; i++) ids[i - start] = this.internFrame(frames[i]!);
    const key = ids.join(',');
    const known = this.stackIds.get(key);
    if (known !== undefined) return known;
    if (this.stackFrames.length >= MAX_DISTINCT_STACKS) {
      throw new StackLimitError(`more than ${MAX_DISTINCT_STACKS} distinct stacks: memreplay keeps at most that many`);
    }
    this.charge(key.length + 4 * ids.length + STACK_ENTRY_BYTES);
    const id = this.stackFrames.length;
    this.stackFrames.push(ids);
    this.stackIds.set(key, id);
    return id;
  }

  /**
   * Intern an inline CSV `frames` value (frames separated by `;`). The raw
   * text is a cache key first, so a repeated stack costs one map lookup.
   */
  internJoined(joined: string, separator = ';'): number {
    const cached = this.stackIds.get('\u0000' + joined);
    if (cached !== undefined) return cached;
    const id = this.intern(joined === '' ? [] : joined.split(separator));
    // Only text V8 hashes by content is a key (long-keys.ts); a longer stack is found by its frames.
    if (
      joined.length < MAX_HASHED_KEY_CHARS &&
      this.stackIds.size < MAX_DISTINCT_STACKS * 2 &&
      this.joinedCacheChars + joined.length <= MAX_JOINED_CACHE_CHARS
    ) {
      this.joinedCacheChars += joined.length;
      this.stackIds.set('\u0000' + joined, id);
    }
    return id;
  }

  /**
   * Record a `stack` record: external id -> frames. An id keeps its first
   * definition: returns false, changing nothing, when it is defined already
   * with other frames (repeating the same definition is harmless).
   */
  define(externalId: number, frames: readonly string[]): boolean {
    const id = this.intern(frames);
    const known = this.external.get(externalId);
    if (known !== undefined) return known === id;
    this.external.set(externalId, id);
    return true;
  }

  /** The interned id of an external stack id, or undefined when never defined. */
  resolve(externalId: number): number | undefined {
    return this.external.get(externalId);
  }

  /** Frames of a stack, oldest first. */
  frames(stackId: number): string[] {
    const ids = this.stackFrames[stackId];
    if (ids === undefined) return [];
    return Array.from(ids, (f) => this.frameText[f]!);
  }

  /** Frame ids of a stack, oldest first (shared; do not modify). */
  frameIdsOf(stackId: number): Int32Array {
    return this.stackFrames[stackId] ?? new Int32Array(0);
  }

  frameString(frameId: number): string {
    return this.frameText[frameId] ?? '';
  }

  private internFrame(text: string): number {
    const frame = text.length > MAX_FRAME_CHARS ? text.slice(0, MAX_FRAME_CHARS) + '…' : text;
    const known = this.frameIds.get(frame);
    if (known !== undefined) return known;
    // Checked once per distinct frame, here where frames are first seen.
    const digits = LINE_NUMBER.exec(text)?.[1];
    if (digits !== undefined && (digits.length > 10 || Number(digits) > MAX_LINE_NUMBER)) {
      const shown = digits.length > 20 ? digits.slice(0, 20) + '…' : digits;
      throw new FrameLineError(`line number ${shown} of a frame is out of range: expected at most ${MAX_LINE_NUMBER}`);
    }
    if (this.frameText.length >= MAX_DISTINCT_FRAMES) {
      throw new StackLimitError(`more than ${MAX_DISTINCT_FRAMES} distinct frames: memreplay keeps at most that many`);
    }
    this.charge(frame.length + FRAME_ENTRY_BYTES);
    const id = this.frameText.length;
    const own = detachedText(frame);
    this.frameText.push(own);
    this.frameIds.set(own, id);
    return id;
  }

  private charge(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.maxBytes) {
      throw new StackLimitError(
        `more than ${this.maxBytes / (1024 * 1024)} MiB of distinct stacks and frame text ` +
          `(${this.frameText.length} frames, ${this.stackFrames.length} stacks): memreplay keeps at most that much`,
      );
    }
  }
}

