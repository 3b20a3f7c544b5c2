// A snapshot of live memory blocks, as tracemalloc.Snapshot holds one, in the
// form every comparison needs: the traces summed per distinct traceback. All
// of compare_to's groupings (by traceback, line, file; cumulative or not)
// depend on a trace only through its traceback and add sizes and counts, so
// summing per traceback first changes no result and bounds the state by the
// number of distinct tracebacks instead of the number of blocks. The trace
// domain plays no part in compare_to and is not kept.

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

/** Key of one frame (length-prefixed, so no file name can forge another). */
export function frameKey(filename: string, lineno: number): string {
  return `${filename.length}:${filename}${lineno};`;
}

export class SnapshotBuilder {
  private readonly frames = new Map<string, SnapshotFrame>();
  private readonly byKey = new Map<string, TracebackTotal>();
  traceCount = 0;
  totalSize = 0;

  constructor(private readonly file: string) {}

  /** One interned frame object per (filename, lineno). */
  frame(filename: string, lineno: number, name?: string, pseudo?: boolean): SnapshotFrame {
    const key = frameKey(filename, lineno);
    let f = this.frames.get(key);
    if (f === undefined) {
      f = { filename, lineno, ...(name !== undefined ? { name } : {}), ...(pseudo === true ? { pseudo } : {}) };
      this.frames.set(key, f);
    }
    return f;
  }

  /** The total for a traceback (frames oldest first, interned by frame()); an empty one is <unknown>:0. */
  traceback(frames: readonly SnapshotFrame[]): TracebackTotal {
    const list = frames.length === 0 ? [this.frame(UNKNOWN_FRAME.filename, UNKNOWN_FRAME.lineno)] : frames;
    let key = '';
    for (const f of list) key += frameKey(f.filename, f.lineno);
    let t = this.byKey.get(key);
    if (t === undefined) {
      t = { frames: list, key, size: 0, count: 0 };
      this.byKey.set(key, t);
    }
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
