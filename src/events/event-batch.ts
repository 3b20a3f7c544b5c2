// A reusable, columnar block of events: importers fill it, the replayer and
// analyzers read it, and it is handed over synchronously and reused, so the
// per-event path allocates nothing. Absent fields: size NaN, oldAddr 0,
// ts NaN, thread/stack NO_ID, interp 0 (the main interpreter).

import { NO_ID } from './ops.js';

export const DEFAULT_BATCH_CAPACITY = 4096;

/** The columns of a batch, for a batch over columns made elsewhere. */
export type EventColumns = Pick<EventBatch, 'op' | 'domain' | 'addr' | 'oldAddr' | 'size' | 'ts' | 'thread' | 'stack' | 'interp' | 'line' | 'label'>;

export class EventBatch {
  readonly capacity: number;
  length = 0;
  readonly op: Uint8Array;
  readonly domain: Uint8Array;
  /** Address keys (see address-space.ts). */
  readonly addr: Float64Array;
  readonly oldAddr: Float64Array;
  readonly size: Float64Array;
  readonly ts: Float64Array;
  readonly thread: Int32Array;
  /** Interned stack ids from the trace's StackTable. */
  readonly stack: Int32Array;
  /**
   * The interpreter whose pymalloc state served the event (trace column
   * `interp`): 0 is the main interpreter's, and every sub-interpreter that
   * shares it; an isolated sub-interpreter (3.12+) has its own.
   */
  readonly interp: Int32Array;
  /** Source line (CSV) or record line (JSONL), 1-based, for diagnostics. */
  readonly line: Float64Array;
  /** Labels of `mark` events, by position in this batch; other entries are stale. */
  readonly label: string[];

  /**
   * A batch with columns of its own, or over `columns` made elsewhere (each
   * at least `capacity` long): a reader that decodes events into columns of
   * this layout hands them on without copying them.
   */
  constructor(capacity = DEFAULT_BATCH_CAPACITY, columns?: EventColumns) {
    this.capacity = capacity;
    this.op = columns?.op ?? new Uint8Array(capacity);
    this.domain = columns?.domain ?? new Uint8Array(capacity);
    this.addr = columns?.addr ?? new Float64Array(capacity);
    this.oldAddr = columns?.oldAddr ?? new Float64Array(capacity);
    this.size = columns?.size ?? new Float64Array(capacity);
    this.ts = columns?.ts ?? new Float64Array(capacity);
    this.thread = columns?.thread ?? new Int32Array(capacity);
    this.stack = columns?.stack ?? new Int32Array(capacity);
    this.interp = columns?.interp ?? new Int32Array(capacity);
    this.line = columns?.line ?? new Float64Array(capacity);
    this.label = columns?.label ?? new Array<string>(capacity).fill('');
  }

  /**
   * Append one event with every field at its "absent" value and return its
   * index; the importer then sets the fields it has.
   */
  push(op: number, line: number): number {
    const i = this.length++;
    this.op[i] = op;
    this.domain[i] = 0;
    this.addr[i] = 0;
    this.oldAddr[i] = 0;
    this.size[i] = NaN;
    this.ts[i] = NaN;
    this.thread[i] = NO_ID;
    this.stack[i] = NO_ID;
    this.interp[i] = 0;
    this.line[i] = line;
    return i;
  }

  get full(): boolean {
    return this.length === this.capacity;
  }
}
