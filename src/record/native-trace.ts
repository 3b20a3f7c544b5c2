// The trace of a --native recording, named as it streams: the launcher writes
// native frames as return addresses (`@native:0xADDR`) and its module map as
// `module` lines into its output, which comes here through a pipe. Every
// line passes on as it is but those two: module lines feed the namer and are
// dropped, stack records go on with their frames named (native-symbols.ts).
// One pass, while the program runs; no second read of the trace.
//
// A stack record whose names are not known yet holds back what follows it
// (the trace's order is kept), up to MAX_HELD_BYTES: then reading waits for
// the names, and the launcher for the pipe.
//
// The pipe is read into one buffer used again and again, and the text passes
// to the file from there (copied only when held back): a Buffer per read of
// the pipe, as a Node stream gives, and a write per piece cost more CPU (in
// the garbage collector and in writes) than the naming itself on a 220 MB
// trace.

import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { importTrace } from '../import/index.js';
import { ImportContext } from '../import/import-context.js';
import { AtomicFileOutput } from '../io/byte-output.js';
import { MrtWriter } from '../io/mrt-writer.js';
import { LineSelector } from './selected-lines.js';
import { parseModuleLine, type FrameNamer } from './native-symbols.js';

const NATIVE_FRAME = /@native:0x([0-9a-f]+)/g;

const SELECTED = ['stack,', 'module,'];

/** Bytes of the trace held back behind a stack record being named, at most. */
export const MAX_HELD_BYTES = 64 << 20;

interface Held {
  bytes: number;
  ready: boolean;
  value: Buffer | Promise<Buffer>;
}

/** Bytes read from the pipe and written to the trace at once (the launcher's pipe holds as much). */
const IO_BYTES = 1 << 20;

/** The pipe's contents, read into one buffer used again: each chunk is valid until the next is asked for. */
export async function* pipeChunks(pipe: FileHandle): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(IO_BYTES);
  for (;;) {
    const { bytesRead } = await pipe.read(buf, 0, IO_BYTES, null);
    if (bytesRead === 0) return;
    yield buf.subarray(0, bytesRead);
  }
}

/** The launcher's output, `chunks` (each valid until the next is asked for), named into the file open at `fd`. */
export async function writeNamedTrace(chunks: AsyncIterable<Buffer>, namer: FrameNamer, fd: number): Promise<void> {
  const out = Buffer.allocUnsafe(IO_BYTES);
  let used = 0;
  const naming = new TraceNaming(namer, (piece) => {
    if (used + piece.length > IO_BYTES) {
      writeAll(fd, out, used);
      used = 0;
    }
    if (piece.length >= IO_BYTES) writeAll(fd, piece, piece.length);
    else used += piece.copy(out, used);
  });
  for await (const chunk of chunks) await naming.feed(chunk);
  await naming.finish();
  writeAll(fd, out, used);
}

function writeAll(fd: number, buf: Buffer, length: number): void {
  for (let done = 0; done < length; ) done += writeSync(fd, buf, done, length - done);
}

/** The same as Buffers of their own, about IO_BYTES each (for a compressor): the pieces are copied, since they may be in the reader's buffer. */
export async function* namedNativeTrace(chunks: AsyncIterable<Buffer>, namer: FrameNamer): AsyncGenerator<Buffer> {
  let full: Buffer[] = [];
  let out = Buffer.allocUnsafe(IO_BYTES);
  let used = 0;
  const naming = new TraceNaming(namer, (piece) => {
    if (used + piece.length > IO_BYTES && used > 0) {
      full.push(out.subarray(0, used));
      out = Buffer.allocUnsafe(IO_BYTES);
      used = 0;
    }
    if (piece.length >= IO_BYTES) full.push(Buffer.from(piece));
    else used += piece.copy(out, used);
  });
  const handOver = function* (): Generator<Buffer> {
    const ready = full;
    full = [];
    yield* ready;
  };
  for await (const chunk of chunks) {
    await naming.feed(chunk);
    yield* handOver();
  }
  await naming.finish();
  yield* handOver();
  if (used > 0) yield out.subarray(0, used);
}

/**
 * The trace's pieces in order, to `emit`: the untouched text (a view of the
 * chunk fed, valid until the next) and the stack records named. A chunk is
 * taken without an await unless something is held back.
 */
class TraceNaming {
  private readonly selector = new LineSelector(SELECTED);
  /** Pieces held back, from `first` on (a queue: shift() would copy the rest each time). */
  private held: Held[] = [];
  private first = 0;
  private heldBytes = 0;
  /** Bytes of the launcher's output so far. */
  private at = 0;

  constructor(
    private readonly namer: FrameNamer,
    private readonly emit: (piece: Buffer) => void,
  ) {}

  async feed(chunk: Buffer): Promise<void> {
    for (const part of this.selector.parts(chunk)) {
      if (this.first === this.held.length && typeof part !== 'string') {
        this.at += part.length;
        this.namer.advance(this.at);
        this.emit(part);
      } else await this.take(part);
    }
  }

  async finish(): Promise<void> {
    for (const part of this.selector.end()) await this.take(part);
    this.namer.end();
    for (const h of this.held.slice(this.first)) this.emit(await h.value);
    this.held = [];
    this.first = 0;
  }

  private async take(part: Buffer | string): Promise<void> {
    const namer = this.namer;
    this.at += part.length + (typeof part === 'string' ? 1 : 0);
    namer.advance(this.at);
    let value: Buffer | Promise<Buffer>;
    if (typeof part !== 'string') value = part;
    else if (part.startsWith('module,')) {
      const m = parseModuleLine(part);
      if (m !== null) namer.addModule(m);
      return;
    } else value = namedStackRecord(part, namer, this.at);
    const held = this.held;
    if (this.first === held.length && value instanceof Buffer) return this.emit(value);
    // Held back: the text may be in the reader's buffer, used again for the next chunk.
    if (value instanceof Buffer && typeof part !== 'string') value = Buffer.from(value);
    const h: Held = { bytes: part.length, ready: value instanceof Buffer, value };
    if (!h.ready) void (value as Promise<Buffer>).then(() => void (h.ready = true));
    held.push(h);
    this.heldBytes += h.bytes;
    while (this.first < held.length && (held[this.first]!.ready || this.heldBytes > MAX_HELD_BYTES)) {
      const first = held[this.first++]!;
      this.heldBytes -= first.bytes;
      this.emit(await first.value);
    }
    if (this.first === held.length) {
      this.held = [];
      this.first = 0;
    }
  }
}

/** A stack record with its native frames named: at once when every name is known. */
function namedStackRecord(line: string, namer: FrameNamer, at: number): Buffer | Promise<Buffer> {
  if (!line.includes('@native:')) return Buffer.from(line + '\n');
  const names = new Map<string, string | Promise<string>>();
  let waiting = false;
  for (const m of line.matchAll(NATIVE_FRAME)) {
    const text = namer.name(m[1]!, at);
    names.set(m[1]!, text);
    if (typeof text !== 'string') waiting = true;
  }
  const write = (): Buffer => Buffer.from(line.replace(NATIVE_FRAME, (_, hex: string) => names.get(hex) as string) + '\n');
  if (!waiting) return write();
  return Promise.all([...names].map(async ([hex, text]) => names.set(hex, await text))).then(write);
}

/**
 * The named trace's CSV text, read as any CSV trace is, written as `.mrt`
 * (the launcher writes `.mrt` itself only without --native: its stack
 * records name frames only here).
 */
export async function writeMrtTrace(text: Readable, outPath: string): Promise<void> {
  // The file was created empty by record (it is ours): replaced atomically.
  const out = new AtomicFileOutput(outPath, { force: true, inputs: [] });
  try {
    const ctx = new ImportContext(outPath, false);
    const writer = new MrtWriter(out, ctx);
    await importTrace('-', { context: ctx, format: 'csv', stdin: text }, { meta: (m) => writer.meta(m), batch: (b) => writer.batch(b) });
    writer.finish();
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
