// A snapshot of live memory blocks, as tracemalloc.Snapshot holds one, in the
// form every comparison needs: the traces summed per distinct traceback. All
// of compare_to's groupings (by traceback, line, file; cumulative or not)
// depend on a trace only through its traceback and add sizes and counts, so
// summing per traceback first changes no result and bounds the state by the
// number of distinct tracebacks instead of the number of blocks. The trace
// domain plays no part in compare_to and is not kept.

import { detachedText } from './detached-text.js';
import { MAX_HASHED_KEY_CHARS, digestOf } from './long-keys.js';
import { MemreplayError } from '../errors.js';

export interface SnapshotFrame {
  readonly filename: string;
  readonly lineno: number;
  /** Function name, when the source had one (display only: frames compare by filename and lineno). */
  readonly name?: string;
  /** A stand-in for a missing stack (a label, not a file): displayed without ":0". */
  readonly pseudo?: boolean;
}

export interface TracebackTotal {
  /** Frames oldest first (tracemalloc.Traceback order); never empty. */
  readonly frames: readonly SnapshotFrame[];
  /** Identifies the frames: equal keys, equal (filename, lineno) sequences. */
  readonly key: string;
  size: number;
  count: number;
}

export type SnapshotSourceFormat = 'pickle' | 'jsonl' | 'trace';

export interface Snapshot {
  readonly file: string;
  readonly format: SnapshotSourceFormat;
  /** The JSONL snapshot's label; null for a pickle. */
  readonly label: string | null;
  /** tracemalloc's traceback_limit (frames kept per trace), when the source says. */
  readonly tracebackLimit: number | null;
  readonly traceCount: number;
  readonly totalSize: number;
  readonly tracebacks: readonly TracebackTotal[];
}

/** What tracemalloc records for a block allocated with no Python frame. */
export const UNKNOWN_FRAME: SnapshotFrame = Object.freeze({ filename: '<unknown>', lineno: 0 });

/** `filename:lineno`, as tracemalloc.Frame prints; a pseudo frame is its label. */
export function frameText(f: SnapshotFrame): string {
  return f.pseudo === true ? f.filename : `${f.filename}:${f.lineno}`;
}

/** File names longer than this are keyed by their digest: a traceback's key stays a few dozen characters a frame. */
const MAX_PLAIN_KEY_FILENAME = 64;

/**
 * Key of one frame: the length-prefixed file name (so no file name can forge
 * another) and line, or for a long file name `#` and its SHA-256 (a length
 * prefix starts with a digit, so the two forms never meet). The same for the
 * same frame in every snapshot, as keys are compared across files.
 */
export function frameKey(filename: string, lineno: number): string {
  if (filename.length <= MAX_PLAIN_KEY_FILENAME) return `${filename.length}:${filename}${lineno};`;
  return `#${digestOf(filename)}${lineno};`;
}

const frameKeys = new WeakMap<SnapshotFrame, string>();

/** frameKey of a frame object, worked out once per object (tracebacks share their frames). */
export function frameKeyOf(f: SnapshotFrame): string {
  let key = frameKeys.get(f);
  if (key === undefined) {
    key = frameKey(f.filename, f.lineno);
    frameKeys.set(f, key);
  }
  return key;
}

/**
 * Characters of traceback keys one snapshot may hold (a key is at most about
 * 70 characters a frame): beyond a real snapshot (100 000 distinct tracebacks
 * of 25 frames are about 150 Mi), and a bound on what a pickle can make us
 * build from frames it shares (a memo reference is two bytes).
 */
export const MAX_SNAPSHOT_KEY_CHARS = 256 * 1024 * 1024;

/**
 * Longest file name of a snapshot frame: four times Linux's PATH_MAX, and
 * the longest string V8 hashes by content (events/long-keys.ts).
 */
export const MAX_SNAPSHOT_FILENAME_CHARS = MAX_HASHED_KEY_CHARS;

/** Traceback keys longer than this stand as `!` and their digest (no frame key starts with `!`). */
const MAX_PLAIN_TRACEBACK_KEY = 1024;

export class SnapshotBuilder {
  /** Interned frames by file name, then line: no key text is built to find one. */
  private readonly frames = new Map<string, { readonly filename: string; readonly byLine: Map<number, SnapshotFrame> }>();
  /** A small id per interned frame, to find a traceback again by its frames. */
  private readonly frameIds = new Map<SnapshotFrame, number>();
  /** Tracebacks by the ids of their frames (`3,17,4`), which is short whatever the file names. */
  private readonly byIds = new Map<string, TracebackTotal>();
  private readonly byKey = new Map<string, TracebackTotal>();
  private keyChars = 0;
  traceCount = 0;
  totalSize = 0;

  constructor(private readonly file: string) {}

  /** One interned frame object per (filename, lineno). */
  frame(filename: string, lineno: number, name?: string, pseudo?: boolean): SnapshotFrame {
    let file = this.frames.get(filename);
    if (file === undefined) {
      if (filename.length > MAX_SNAPSHOT_FILENAME_CHARS) {
        throw new MemreplayError(
          `${this.file}: a frame's file name has ${filename.length} characters; memreplay accepts at most ${MAX_SNAPSHOT_FILENAME_CHARS}`,
        );
      }
      file = { filename: detachedText(filename), byLine: new Map() };
      this.frames.set(file.filename, file);
    }
    let f = file.byLine.get(lineno);
    if (f === undefined) {
      // The name kept, not the one given, which may be a view of a whole line (detached-text.ts).
      f = { filename: file.filename, lineno, ...(name !== undefined ? { name: detachedText(name) } : {}), ...(pseudo === true ? { pseudo } : {}) };
      file.byLine.set(lineno, f);
      this.frameIds.set(f, this.frameIds.size);
    }
    return f;
  }

  /** The total for a traceback (frames oldest first, interned by frame()); an empty one is <unknown>:0. */
  traceback(frames: readonly SnapshotFrame[]): TracebackTotal {
    const list = frames.length === 0 ? [this.frame(UNKNOWN_FRAME.filename, UNKNOWN_FRAME.lineno)] : frames;
    let ids = '';
    for (const f of list) ids += `${this.frameIds.get(f) ?? this.frameIds.get(this.frame(f.filename, f.lineno))!},`;
    if (ids.length > MAX_PLAIN_TRACEBACK_KEY) ids = `!${digestOf(ids)}`;
    const known = this.byIds.get(ids);
    if (known !== undefined) return known;
    // A new traceback: its key spells out the frames, so that it matches the
    // same traceback of another snapshot (keys are compared across files).
    let key = '';
    for (const f of list) key += frameKeyOf(f);
    this.keyChars += key.length;
    if (key.length > MAX_PLAIN_TRACEBACK_KEY) key = `!${digestOf(key)}`;
    if (this.keyChars > MAX_SNAPSHOT_KEY_CHARS) {
      throw new MemreplayError(
        `${this.file}: the snapshot's distinct tracebacks spell out more than ${MAX_SNAPSHOT_KEY_CHARS / (1024 * 1024)} Mi characters of ` +
          'file names and lines; memreplay keeps at most that (a real snapshot holds far less)',
      );
    }
    let t = this.byKey.get(key);
    if (t === undefined) {
      t = { frames: list, key, size: 0, count: 0 };
      this.byKey.set(key, t);
    }
    this.byIds.set(ids, t);
    return t;
  }

  /** Count `count` traces of `size` bytes in all under a traceback. */
  add(t: TracebackTotal, size: number, count = 1): void {
    t.size += size;
    t.count += count;
    this.traceCount += count;
    this.totalSize += size;
    if (!Number.isSafeInteger(this.totalSize)) {
      throw new MemreplayError(`${this.file}: the snapshot's sizes add up to more than 2^53 bytes`);
    }
  }

  build(format: SnapshotSourceFormat, label: string | null, tracebackLimit: number | null): Snapshot {
    return {
      file: this.file,
      format,
      label,
      tracebackLimit,
      traceCount: this.traceCount,
      totalSize: this.totalSize,
      tracebacks: [...this.byKey.values()].filter((t) => t.count > 0),
    };
  }
}
