// The contract between importers and the rest of the pipeline.

import type { EventBatch } from '../events/event-batch.js';
import type { ImportContext } from './import-context.js';

/** `# key: value` metadata (CSV) or the keys of the JSONL `meta` line, as text. */
export type TraceMeta = Record<string, string>;

/** Receives a trace as it is parsed. Both calls are synchronous. */
export interface TraceSink {
  /** Called once, before the first batch (with {} when the trace has none). */
  meta(meta: TraceMeta): void;
  /**
   * A full (or, at the end, the last partial) batch. The batch object is
   * reused after this returns: consume it, do not keep it.
   */
  batch(batch: EventBatch): void;
  /**
   * What the sink holds, for an out-of-memory message ("1,234 live blocks
   * after 5,678 events"); optional.
   */
  describeHeld?(): string;
}

/**
 * A push parser: bytes in, batches out. Chunks may split lines, fields and
 * multi-byte characters anywhere; `end()` flushes the last line (which may
 * lack a newline) and the last partial batch.
 */
export interface PushParser {
  push(chunk: Uint8Array): void;
  end(): void;
  /**
   * A parser that works on another thread too: resolves once what it holds
   * is under its bound (after each push), or, `all`, once everything pushed
   * is parsed (before end()). The parse stays in input order.
   */
  settle?(all: boolean): Promise<void>;
  /** Stops the parser's thread (after the end, or an error). */
  close?(): void;
}

export interface ParserOptions {
  /** Events per batch handed to the sink. */
  batchCapacity?: number;
  /** Decode on a worker thread while this one takes the batches (the binary format only; 'worker': see ImportOptions). */
  decodeThread?: boolean | 'worker';
}

export type TraceFormatName = 'csv' | 'jsonl' | 'mrt';

export type ParserFactory = (ctx: ImportContext, sink: TraceSink, options?: ParserOptions) => PushParser;
