// Call stacks interned once per trace (heaptrack's TraceNode, perfetto's
// interned callsites): every distinct frame string is kept once, every distinct
// stack is an array of frame ids, and events refer to stacks by a small id.
// Traces are untrusted, so every dimension is capped: frame text is cut,
// deep stacks keep their innermost frames, and the tables have a ceiling.

export const MAX_FRAME_CHARS = 1024;
export const MAX_STACK_DEPTH = 256;
export const MAX_DISTINCT_FRAMES = 4_000_000;
export const MAX_DISTINCT_STACKS = 4_000_000;

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
      throw new StackLimitError(`more than ${MAX_DISTINCT_STACKS} distinct stacks`);
    }
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
    if (this.stackIds.size < MAX_DISTINCT_STACKS * 2) this.stackIds.set('\u0000' + joined, id);
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
      throw new StackLimitError(`more than ${MAX_DISTINCT_FRAMES} distinct frames`);
    }
    const id = this.frameText.length;
    this.frameText.push(frame);
    this.frameIds.set(frame, id);
    return id;
  }
}

