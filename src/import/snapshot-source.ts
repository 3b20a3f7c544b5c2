// Opening an input of `diff`: a file or `-`, gzip or not (source.ts), its kind
// decided from the first bytes (snapshot-sniff.ts), then either read as a
// snapshot here or handed back - as a stream that still starts at byte 0 -
// for the event-trace pipeline.

import { Readable } from 'node:stream';
import { openTrace, readHead, traceDisplayName } from './source.js';
import { readSnapshotPickle } from './snapshot-pickle.js';
import { SnapshotJsonlParser } from './snapshot-jsonl.js';
import { DIFF_SNIFF_BYTES, sniffDiffInput } from './snapshot-sniff.js';
import type { Snapshot } from '../events/snapshot.js';
import { TraceFormatError, UsageError } from '../errors.js';
import { ImportContext } from './import-context.js';
import { quoteForMessage } from './record-fields.js';
import { SNIFF_BYTES, sniffFormat } from './sniff.js';
import { checkMemory, outOfMemoryOf } from '../memory-guard.js';
import { bytes } from '../text/units.js';

/** The way on from a snapshot too big for memory that is not more memory. */
const SMALLER_SNAPSHOTS = 'compare smaller snapshots (Snapshot.filter_traces() before dump())';

const KIND_NAMES = { 'snapshot-pickle': 'a Snapshot.dump() pickle', 'snapshot-jsonl': 'a JSONL snapshot file', trace: 'an event trace' } as const;

export interface OpenInputOptions {
  /** The stream read for `-` (default process.stdin). */
  stdin?: Readable;
  /** For a JSONL file with several snapshots: the label of the one to read. */
  label?: string;
  /** How the user gives the label (e.g. `--old-label`), named in messages. */
  labelOption?: string;
}

export type DiffInput =
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  /** An event trace; `stdin` replays the bytes already read when the path is `-`. */
  | { readonly kind: 'trace'; readonly path: string; readonly stdin?: Readable };

export async function readDiffInput(path: string, options: OpenInputOptions = {}): Promise<DiffInput> {
  const name = traceDisplayName(path);
  const source = await openTrace(path, { stdin: options.stdin });
  const chunks = source.chunks();
  const { chunks: head, bytes: first, atEnd } = await readHead(chunks, DIFF_SNIFF_BYTES);
  const kind = sniffDiffInput(first);
  if (options.label !== undefined && kind !== 'snapshot-jsonl') {
    source.close();
    await chunks.return(undefined).catch(() => undefined);
    const what = options.labelOption ?? 'a snapshot label';
    throw new UsageError(`${name}: ${what} applies only to JSONL snapshot files; this is ${KIND_NAMES[kind]}`);
  }
  async function* all(): AsyncGenerator<Uint8Array, void, undefined> {
    yield* head;
    if (!atEnd) yield* chunks;
  }
  const held = (): string => `${bytes(source.bytesDecoded)} of the snapshot read`;
  /** all(), looking at the memory in use after each chunk is read (memory-guard.ts). */
  async function* watched(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of all()) {
      yield chunk;
      checkMemory(name, held, SMALLER_SNAPSHOTS);
    }
  }
  if (kind === 'trace') {
    try {
      checkTraceStart(first, atEnd, name);
    } catch (e) {
      source.close();
      await chunks.return(undefined).catch(() => undefined);
      throw e;
    }
    if (path !== '-') {
      source.close();
      await chunks.return(undefined).catch(() => undefined);
      return { kind: 'trace', path };
    }
    return { kind: 'trace', path, stdin: Readable.from(all(), { objectMode: false }) };
  }
  try {
    if (kind === 'snapshot-pickle') {
      return { kind: 'snapshot', snapshot: await readSnapshotPickle(watched(), name) };
    }
    const parser = new SnapshotJsonlParser(name, { label: options.label, labelOption: options.labelOption });
    for await (const chunk of watched()) parser.push(chunk);
    return { kind: 'snapshot', snapshot: parser.end() };
  } catch (e) {
    throw outOfMemoryOf(e, name, held, SMALLER_SNAPSHOTS) ?? e;
  } finally {
    source.close();
    await chunks.return(undefined).catch(() => undefined);
  }
}

/**
 * What is not a snapshot must start like a trace before it is called one:
 * the trace importer's checks (empty, binary, UTF-16) and the start of a CSV
 * or JSONL trace, so that garbage is reported as such and not as "an event
 * trace" when OLD and NEW are compared by kind.
 */
function checkTraceStart(head: Uint8Array, atEnd: boolean, name: string): void {
  const window = head.subarray(0, SNIFF_BYTES);
  if (sniffFormat(window, atEnd && head.length <= SNIFF_BYTES, new ImportContext(name)) !== null) return;
  const start = Buffer.from(window.buffer, window.byteOffset, Math.min(window.length, 40)).toString('utf8');
  throw new TraceFormatError(
    name,
    0,
    `not a tracemalloc snapshot or an event trace: it starts with ${quoteForMessage(start)}; ` +
      'expected a Snapshot.dump() pickle, a JSONL snapshot file, or a CSV or JSONL trace',
  );
}
