// Writes a trace as text, CSV or JSONL (docs/trace-format.md), from the
// event batches of any importer: a TraceSink. Each interned stack is written
// once, as a `stack` record just before the first event that uses it, and
// events refer to it by id; threads keep their number or their name.
// Read back, the text gives the same events, metadata, stacks and threads.

import { MemreplayError } from '../errors.js';
import type { EventBatch } from '../events/event-batch.js';
import { DOMAIN_NAMES, NO_ID, OP_MARK, OP_NAMES, hasOldAddress } from '../events/ops.js';
import type { ImportContext } from '../import/import-context.js';
import type { TraceMeta, TraceSink } from '../import/types.js';
import type { ByteOutput } from './byte-output.js';

/** Characters gathered before they are encoded and written. */
const FLUSH_CHARS = 1 << 16;

export const CSV_HEADER = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label,interp';

abstract class TextTraceWriter implements TraceSink {
  protected text = '';
  private written = new Uint8Array(1024);

  constructor(
    private readonly out: ByteOutput,
    protected readonly ctx: ImportContext,
  ) {}

  abstract meta(meta: TraceMeta): void;
  protected abstract event(batch: EventBatch, i: number): void;
  protected abstract stackRecord(stack: number): void;

  batch(batch: EventBatch): void {
    for (let i = 0; i < batch.length; i++) {
      const stack = batch.stack[i]!;
      if (stack !== NO_ID && !this.isWritten(stack)) {
        this.stackRecord(stack);
        this.markWritten(stack);
      }
      this.event(batch, i);
      if (this.text.length >= FLUSH_CHARS) this.flush();
    }
  }

  finish(): void {
    this.flush();
  }

  protected flush(): void {
    if (this.text === '') return;
    this.out.write(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }

  private isWritten(stack: number): boolean {
    return stack < this.written.length && this.written[stack] === 1;
  }

  private markWritten(stack: number): void {
    if (stack >= this.written.length) {
      let n = this.written.length * 2;
      while (n <= stack) n *= 2;
      const next = new Uint8Array(n);
      next.set(this.written);
      this.written = next;
    }
    this.written[stack] = 1;
  }
}

export class CsvTraceWriter extends TextTraceWriter {
  meta(meta: TraceMeta): void {
    for (const [key, value] of Object.entries(meta)) {
      if (/[\r\n]/.test(key + value) || key.includes(':') || key.trim() !== key || value.trim() !== value) {
        throw new MemreplayError(`the metadata ${JSON.stringify(key)} cannot be written as a CSV "# key: value" line: write JSONL or .mrt instead`);
      }
      this.text += `# ${key}: ${value}\n`;
    }
    this.text += CSV_HEADER + '\n';
  }

  protected stackRecord(stack: number): void {
    const frames = this.ctx.stacks.frames(stack);
    if (frames.some((f) => f.includes(';'))) {
      throw new MemreplayError(`a frame of stack ${stack} holds a ';', which CSV uses between frames: write JSONL or .mrt instead`);
    }
    this.text += `stack,,,,,,,${stack},${csvField(frames.join(';'))},,\n`;
  }

  protected event(b: EventBatch, i: number): void {
    const op = b.op[i]!;
    const size = b.size[i]!;
    const ts = b.ts[i]!;
    const thread = b.thread[i]!;
    const stack = b.stack[i]!;
    const interp = b.interp[i]!;
    const ctx = this.ctx;
    this.text +=
      OP_NAMES[op] +
      ',' +
      (op === OP_MARK ? '' : ctx.addresses.format(b.addr[i]!)) +
      ',' +
      (size === size ? String(size) : '') +
      ',' +
      (hasOldAddress(op) && b.oldAddr[i] !== 0 ? ctx.addresses.format(b.oldAddr[i]!) : '') +
      ',' +
      (b.domain[i] !== 0 ? DOMAIN_NAMES[b.domain[i]!] : '') +
      ',' +
      (ts === ts ? integerText(ts) : '') +
      ',' +
      (thread === NO_ID ? '' : csvField(ctx.threads.name(thread))) +
      ',' +
      (stack === NO_ID ? '' : String(stack)) +
      ',,' +
      (op === OP_MARK ? csvField(b.label[i]!) : '') +
      ',' +
      (interp !== 0 ? String(interp) : '') +
      '\n';
  }
}

export class JsonlTraceWriter extends TextTraceWriter {
  meta(meta: TraceMeta): void {
    if (Object.keys(meta).length > 0) this.text += JSON.stringify({ op: 'meta', ...meta }) + '\n';
  }

  protected stackRecord(stack: number): void {
    this.text += JSON.stringify({ op: 'stack', stack, frames: this.ctx.stacks.frames(stack) }) + '\n';
  }

  protected event(b: EventBatch, i: number): void {
    const op = b.op[i]!;
    const size = b.size[i]!;
    const ts = b.ts[i]!;
    const thread = b.thread[i]!;
    const stack = b.stack[i]!;
    const interp = b.interp[i]!;
    const ctx = this.ctx;
    let line = `{"op":"${OP_NAMES[op]}"`;
    if (op !== OP_MARK) line += `,"addr":"${ctx.addresses.format(b.addr[i]!)}"`;
    if (size === size) line += `,"size":${size}`;
    if (hasOldAddress(op) && b.oldAddr[i] !== 0) line += `,"old_addr":"${ctx.addresses.format(b.oldAddr[i]!)}"`;
    if (b.domain[i] !== 0) line += `,"domain":"${DOMAIN_NAMES[b.domain[i]!]}"`;
    if (ts === ts) line += `,"ts":${integerText(ts)}`;
    if (thread !== NO_ID) {
      const name = ctx.threads.name(thread);
      line += `,"thread":${ctx.threads.isNumber(thread) ? name : JSON.stringify(name)}`;
    }
    if (stack !== NO_ID) line += `,"stack":${stack}`;
    if (op === OP_MARK) line += `,"label":${JSON.stringify(b.label[i]!)}`;
    if (interp !== 0) line += `,"interp":${interp}`;
    this.text += line + '}\n';
  }
}

/** RFC 4180: a field holding a comma, quote or line end is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

/** An integer-valued double in full digits (String() would use an exponent from 10^21 on). */
function integerText(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}
