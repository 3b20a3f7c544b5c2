// What a trace means to memreplay, as one digest that does not depend on its
// encoding: the metadata, and every event with its exact addresses, size,
// domain, timestamp, interpreter and label, its stack as frames and its
// thread as a number or a name. Stacks and threads are numbered by first
// use, so the ids a file happens to give them do not count; nor do line and
// record numbers. Two traces with the same digest replay the same.

import { createHash } from 'node:crypto';
import type { EventBatch } from '../../src/events/event-batch.js';
import { NO_ID, OP_MARK } from '../../src/events/ops.js';
import { ImportContext } from '../../src/import/import-context.js';
import { importTrace } from '../../src/import/index.js';
import type { TraceMeta, TraceSink } from '../../src/import/types.js';

export interface TraceDigest {
  readonly digest: string;
  readonly events: number;
  readonly meta: TraceMeta;
}

/** Importer ids -> order of first use, defining each (through `define`) when first used. */
class FirstUse {
  private order = new Int32Array(1024).fill(-1);
  private next = 0;

  constructor(private readonly define: (id: number) => void) {}

  of(id: number): number {
    if (id === NO_ID) return -1;
    if (id >= this.order.length) {
      const grown = new Int32Array(Math.max(id + 1, this.order.length * 2)).fill(-1);
      grown.set(this.order);
      this.order = grown;
    }
    if (this.order[id] === -1) {
      this.order[id] = this.next++;
      this.define(id);
    }
    return this.order[id]!;
  }
}

/** The digest of the trace at `path`; `options` as importTrace takes them (a binary trace decoded on a worker, or not). */
export async function traceDigest(path: string, options: { decodeThread?: boolean | 'worker' } = {}): Promise<TraceDigest> {
  const ctx = new ImportContext(path);
  const hash = createHash('sha256');
  // Addresses are keys (events/address-space.ts): the same addresses in the same order give the same keys; the 64-bit ones are hashed exactly besides.
  const columns = Array.from({ length: 9 }, () => createHash('sha256'));
  const stacks = new FirstUse((id) => hash.update(`stack ${JSON.stringify(ctx.stacks.frames(id))}\n`));
  const threads = new FirstUse((id) => hash.update(`thread ${ctx.threads.isNumber(id)} ${JSON.stringify(ctx.threads.name(id))}\n`));
  let stackColumn = new Int32Array(0);
  let threadColumn = new Int32Array(0);
  let meta: TraceMeta = {};
  let events = 0;
  const bytes = (a: { buffer: ArrayBufferLike; byteOffset: number; BYTES_PER_ELEMENT: number }, n: number): Uint8Array =>
    new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);
  const sink: TraceSink = {
    meta: (m) => {
      meta = m;
      hash.update(`meta ${JSON.stringify(Object.entries(m))}\n`);
    },
    batch: (b: EventBatch) => {
      const n = b.length;
      if (stackColumn.length < n) {
        stackColumn = new Int32Array(b.capacity);
        threadColumn = new Int32Array(b.capacity);
      }
      for (let i = 0; i < n; i++) {
        stackColumn[i] = stacks.of(b.stack[i]!);
        threadColumn[i] = threads.of(b.thread[i]!);
        if (b.op[i] === OP_MARK) hash.update(`label ${events + i} ${JSON.stringify(b.label[i])}\n`);
        if (b.addr[i]! >= 2 ** 48 || b.oldAddr[i]! >= 2 ** 48) hash.update(`high ${events + i} ${ctx.addresses.format(b.addr[i]!)} ${ctx.addresses.format(b.oldAddr[i]!)}\n`);
      }
      const cols = [b.op, b.domain, b.addr, b.oldAddr, b.size, b.ts, b.interp, stackColumn, threadColumn];
      cols.forEach((c, k) => columns[k]!.update(bytes(c, n)));
      events += n;
    },
  };
  await importTrace(path, { ...options, context: ctx }, sink);
  for (const c of columns) hash.update(c.digest());
  return { digest: hash.digest('hex'), events, meta };
}
