// The importer registry and entry point. Which importer reads a trace is the
// caller's explicit choice, else content sniffing of the first decoded bytes
// (sniff.ts) - never the file name. The bytes then stream through that
// format's push parser into the sink; nothing here holds more than the first
// SNIFF_BYTES plus one chunk. Even with an explicit format the sniffer's
// fatal checks (empty, binary, snapshot pickle) run, so a forced format never
// turns garbage into a silent empty trace.

import type { Readable } from 'node:stream';
import { createCsvParser } from './csv.js';
import { ImportContext } from './import-context.js';
import { createJsonlParser } from './jsonl.js';
import { createMrtParser } from './mrt.js';
import { quoteForMessage } from './record-fields.js';
import { firstNonBlank, MAX_BLANK_LEAD, SNIFF_BYTES, sniffFormat } from './sniff.js';
import { gunzipWhole } from './gzip-slices.js';
import { isGzip, openTrace, readHead, traceDisplayName } from './source.js';
import type { ParserOptions, PushParser, TraceFormatName, TraceSink } from './types.js';
import { checkMemory, outOfMemoryOf } from '../memory-guard.js';
import { count } from '../text/units.js';

/** Bytes parsed between two looks at the memory in use (memory-guard.ts). */
const MEMORY_CHECK_BYTES = 256 * 1024;

/** A ParserFactory that may also take the batch size (extra argument ignored by those that do not). */
type Factory = (ctx: ImportContext, sink: TraceSink, options?: ParserOptions) => PushParser;
/**
 * A binary trace at least this big is decoded on a worker thread while this
 * one replays (a worker takes some 30 ms to start: not worth it for less).
 */
const DECODE_THREAD_MIN_BYTES = 4 << 20;

const PARSERS: Readonly<Record<TraceFormatName, Factory>> = {
  csv: createCsvParser,
  jsonl: createJsonlParser,
  mrt: createMrtParser,
};

export interface ParseOptions {
  /** Skip sniffing and read the trace as this format. */
  format?: TraceFormatName;
  /** Count and skip bad records instead of throwing on the first one. */
  lenient?: boolean;
  /** Events per batch handed to the sink. */
  batchCapacity?: number;
  /**
   * Decode a binary trace on a worker thread: default when it is a file of
   * at least 4 MiB; its first chunks are decoded here while the worker starts.
   * 'worker': every events chunk on the worker (for tests: a small file would
   * otherwise be read before the worker is up). (parseTraceBytes never
   * decodes on a worker: it is synchronous.)
   */
  decodeThread?: boolean | 'worker';
  /**
   * Import into this context (for a sink that needs its address space before
   * the import starts); its file name and lenient flag then apply.
   */
  context?: ImportContext;
}

export interface ImportOptions extends ParseOptions {
  /** Called after every chunk read, with the bytes read so far and the file size when known. */
  onProgress?: (bytesRead: number, totalBytes: number | undefined) => void;
  /** The stream read for the path `-` (default process.stdin). */
  stdin?: Readable;
  /**
   * Called once the format is chosen, before any record is parsed: what a
   * caller whose sink stops the import early (a replay to a mark) still needs.
   */
  onFormat?: (format: TraceFormatName, gzip: boolean) => void;
}

export interface ImportSummary {
  /** The file as given, `<stdin>` for `-`, or the name given to parseTraceBytes. */
  file: string;
  format: TraceFormatName;
  gzip: boolean;
  /** Bytes of the file or stream (compressed, when gzip). */
  bytesRead: number;
  /** Bytes after decompression. */
  bytesDecoded: number;
  /** Stacks, threads, addresses and the skipped-record count of this trace. */
  ctx: ImportContext;
}

/** Read a trace file (or `-` for stdin) into `sink`. */
export async function importTrace(path: string, options: ImportOptions, sink: TraceSink): Promise<ImportSummary> {
  const ctx = options.context ?? new ImportContext(traceDisplayName(path), options.lenient ?? false);
  const source = await openTrace(path, { stdin: options.stdin });
  const chunks = source.chunks();
  const progress = (): void => options.onProgress?.(source.bytesRead, source.totalBytes);
  let parser: PushParser | null = null;
  try {
    let { bytes: first, atEnd } = await readHead(chunks, SNIFF_BYTES, progress);
    // Blank lines may run past SNIFF_BYTES: when the first SNIFF_BYTES are
    // blank, read on to MAX_BLANK_LEAD + 1 bytes, so that the format never
    // depends on how the input was cut into chunks (a whole buffer sees it).
    if (needsBlankLead(first, atEnd)) {
      const more = await readHead(chunks, MAX_BLANK_LEAD + 1 - first.length, progress);
      first = Buffer.concat([first, more.bytes]);
      atEnd = more.atEnd;
    }
    const format = chooseFormat(first, atEnd, ctx, options.format);
    options.onFormat?.(format, source.gzip);
    const decodeThread = format === 'mrt' && (options.decodeThread ?? (source.totalBytes ?? 0) >= DECODE_THREAD_MIN_BYTES);
    parser = PARSERS[format](ctx, sink, { batchCapacity: options.batchCapacity, decodeThread });
    parser.push(withoutBom(first));
    if (parser.settle !== undefined) await parser.settle(false);
    // The parsers copy what they keep of a chunk (a record cut at its end).
    source.recycleChunks();
    const held = (): string => heldBy(ctx, sink);
    for (let step = await chunks.next(); !step.done; step = await chunks.next()) {
      // A quarter of a chunk's events (each maybe with a new call stack) is as far as memory may grow unwatched.
      const chunk = step.value;
      for (let at = 0; at < chunk.length; at += MEMORY_CHECK_BYTES) {
        parser.push(at === 0 && chunk.length <= MEMORY_CHECK_BYTES ? chunk : chunk.subarray(at, at + MEMORY_CHECK_BYTES));
        if (parser.settle !== undefined) await parser.settle(false);
        checkMemory(ctx.fileName, held);
      }
      progress();
    }
    if (parser.settle !== undefined) await parser.settle(true);
    parser.end();
    return { file: ctx.fileName, format, gzip: source.gzip, bytesRead: source.bytesRead, bytesDecoded: source.bytesDecoded, ctx };
  } catch (e) {
    throw outOfMemoryOf(e, ctx.fileName, () => heldBy(ctx, sink)) ?? e;
  } finally {
    parser?.close?.();
    source.close();
    await chunks.return(undefined).catch(() => undefined);
  }
}

/** Parse a whole trace held in memory (plain or gzip), synchronously. */
export function parseTraceBytes(
  bytes: Uint8Array,
  options: ParseOptions & { fileName?: string },
  sink: TraceSink,
): ImportSummary {
  const ctx = options.context ?? new ImportContext(options.fileName ?? '<memory>', options.lenient ?? false);
  const gzip = isGzip(bytes);
  const { decoded, failure } = gzip ? gunzipWhole(ctx.fileName, bytes) : { decoded: bytes, failure: null };
  if (failure !== null) failAsStreamed(decoded, failure, ctx, sink, options);
  const format = chooseFormat(decoded, true, ctx, options.format);
  const parser = PARSERS[format](ctx, sink, { batchCapacity: options.batchCapacity });
  parser.push(withoutBom(decoded));
  parser.end();
  return { file: ctx.fileName, format, gzip, bytesRead: bytes.length, bytesDecoded: decoded.length, ctx };
}

/** importTrace reads on past its first SNIFF_BYTES when they are all blank (and there is more). */
function needsBlankLead(first: Uint8Array, atEnd: boolean): boolean {
  return !atEnd && firstNonBlank(first.subarray(0, SNIFF_BYTES)) === -1;
}

/**
 * Damaged gzip data held whole ends as importTrace ends on it: the decoded
 * bytes before the failing slice are sniffed and parsed as far as a stream
 * reads them (a bad record there is the error), then the gzip error.
 */
function failAsStreamed(decoded: Uint8Array, failure: Error, ctx: ImportContext, sink: TraceSink, options: ParseOptions): never {
  const headRead = decoded.length >= SNIFF_BYTES && (!needsBlankLead(decoded, false) || decoded.length > MAX_BLANK_LEAD);
  if (headRead) {
    const parser = PARSERS[chooseFormat(decoded, false, ctx, options.format)](ctx, sink, { batchCapacity: options.batchCapacity });
    parser.push(withoutBom(decoded));
  }
  throw failure;
}

/** What an import holds that grows with the trace: the sink's state (live blocks) and the interned stacks. */
function heldBy(ctx: ImportContext, sink: TraceSink): string {
  const parts = [sink.describeHeld?.() ?? ''];
  if (ctx.stacks.stackCount > 0) parts.push(`${count(ctx.stacks.stackCount, 'interned stack')} of ${count(ctx.stacks.frameCount, 'distinct frame')}`);
  return parts.filter((p) => p !== '').join(' and ');
}

function chooseFormat(
  head: Uint8Array,
  atEnd: boolean,
  ctx: ImportContext,
  forced: TraceFormatName | undefined,
): TraceFormatName {
  const sniffed = sniffFormat(head, atEnd, ctx);
  const format = forced ?? sniffed;
  if (format !== null) return format;
  const start = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 40)).toString('utf8');
  return ctx.fatal(
    0,
    `unrecognized trace format: it starts with ${quoteForMessage(start)}; ` +
      'expected CSV (a header row or # comments), JSONL (one {...} object a line) or a binary .mrt trace; name the format (csv, jsonl or mrt) to force one',
  );
}

function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}
