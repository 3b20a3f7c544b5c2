// Opening an input of `diff`: a file or `-`, gzip or not (source.ts), its kind
// decided from the first bytes (snapshot-sniff.ts), then either read as a
// snapshot here or handed back - as a stream that still starts at byte 0 -
// for the event-trace pipeline.

import { Readable } from 'node:stream';
import { isGzip, openTrace, readHead, traceDisplayName } from './source.js';
import { gunzipWhole } from './gzip-slices.js';
import { parseSnapshotPickle, readSnapshotPickle } from './snapshot-pickle.js';
import { SnapshotJsonlParser } from './snapshot-jsonl.js';
import { DIFF_SNIFF_BYTES, diffHeadLength, sniffDiffInput, type DiffInputKind } from './snapshot-sniff.js';
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
  let head: Uint8Array[];
  let first: Uint8Array;
  let atEnd: boolean;
  let kind: DiffInputKind;
  try {
    ({ chunks: head, bytes: first, atEnd } = await readHead(chunks, DIFF_SNIFF_BYTES));
    // Blank lines lead the file: read on to DIFF_SNIFF_BYTES past them.
    for (let want = diffHeadLength(first); !atEnd && first.length < want; want = diffHeadLength(first)) {
      const more = await readHead(chunks, want - first.length);
      head = [...head, ...more.chunks];
      first = Buffer.concat([first, more.bytes]);
      atEnd = more.atEnd;
    }
    kind = sniffDiffHead(first, atEnd, name, options);
  } catch (e) {
    source.close();
    await chunks.return(undefined).catch(() => undefined);
    throw e;
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
 * The kind of a diff input from its first diffHeadLength() decoded bytes (all
 * of them when `atEnd`), refusing a label where there are no labels and a
 * start that is neither a snapshot nor a trace.
 */
function sniffDiffHead(first: Uint8Array, atEnd: boolean, name: string, options: OpenInputOptions): DiffInputKind {
  const window = first.subarray(0, diffHeadLength(first));
  const kind = sniffDiffInput(window);
  if (options.label !== undefined && kind !== 'snapshot-jsonl') {
    const what = options.labelOption ?? 'a snapshot label';
    throw new UsageError(`${name}: ${what} applies only to JSONL snapshot files; this is ${KIND_NAMES[kind]}`);
  }
  if (kind === 'trace') checkTraceStart(window, atEnd && window.length === first.length, name);
  return kind;
}

/**
 * A diff input held whole in memory (plain or gzip), read as readDiffInput
 * reads the same bytes from a stream - damaged gzip data included: the
 * bytes before the failing slice are read as far as a stream reads them.
 * An event trace comes back as such, for the caller to import.
 */
export function parseDiffInputBytes(bytes: Uint8Array, name: string, options: Omit<OpenInputOptions, 'stdin'> = {}): Snapshot | 'trace' {
  const { decoded, failure } = isGzip(bytes) ? gunzipWhole(name, bytes) : { decoded: bytes, failure: null };
  const want = diffHeadLength(decoded);
  if (failure !== null && decoded.length < want) throw failure;
  const kind = sniffDiffHead(decoded, failure === null, name, options);
  if (kind === 'trace') return 'trace';
  if (kind === 'snapshot-pickle') return parseSnapshotPickle(decoded, name, failure ?? undefined);
  const parser = new SnapshotJsonlParser(name, { label: options.label, labelOption: options.labelOption });
  parser.push(decoded);
  if (failure !== null) throw failure;
  return parser.end();
}

/**
 * What is not a snapshot must start like a trace before it is called one:
 * the trace importer's checks (empty, binary, UTF-16) and the start of a CSV
 * or JSONL trace, so that garbage is reported as such and not as "an event
 * trace" when OLD and NEW are compared by kind.
 */
function checkTraceStart(head: Uint8Array, atEnd: boolean, name: string): void {
  if (sniffFormat(head, atEnd, new ImportContext(name)) !== null) return;
  const window = head.subarray(0, SNIFF_BYTES);
  const start = Buffer.from(window.buffer, window.byteOffset, Math.min(window.length, 40)).toString('utf8');
  throw new TraceFormatError(
    name,
    0,
    `not a tracemalloc snapshot or an event trace: it starts with ${quoteForMessage(start)}; ` +
      'expected a Snapshot.dump() pickle, a JSONL snapshot file, or a CSV or JSONL trace',
  );
}
