// tracemalloc's own Snapshot.dump() files. Snapshot.dump() is
// `pickle.dump(self, fp, pickle.HIGHEST_PROTOCOL)`, and what it writes is the
// same in CPython 3.8-3.13 (checked with pickletools on dumps of each): a
// tracemalloc.Snapshot built with NEWOBJ (protocols 0 and 1:
// copyreg._reconstructor) whose state is
//   {'traces': <tracemalloc._Traces with state {'_traces': [trace, ...]}>,
//    'traceback_limit': int}
// where a trace is a plain tuple: (domain, size, traceback) in 3.8 and
// (domain, size, traceback, total_nframe) from 3.9, and a traceback is a
// tuple of (filename, lineno) tuples, most recent frame first, shared by all
// traces with that traceback (the pickle memo). Trace, Traceback and Frame
// objects are never pickled, so the only classes allowed are Snapshot and
// _Traces (read with the safe reader: nothing is imported or run).

import { MemreplayError } from '../errors.js';
import { PickleReader, type PicklePolicy } from './pickle/pickle-reader.js';
import { PyInstance, PyList, typeName, type PickleValue } from './pickle/values.js';
import { SnapshotBuilder, type Snapshot, type SnapshotFrame, type TracebackTotal } from '../events/snapshot.js';

export const SNAPSHOT_PICKLE_POLICY: PicklePolicy = {
  purpose: 'a tracemalloc Snapshot.dump() file',
  classes: new Set(['tracemalloc.Snapshot', 'tracemalloc._Traces']),
};

/** Read a Snapshot.dump() pickle from its (decoded) byte chunks. */
export async function readSnapshotPickle(chunks: AsyncIterable<Uint8Array>, file: string): Promise<Snapshot> {
  const reader = new PickleReader(file, SNAPSHOT_PICKLE_POLICY);
  for await (const chunk of chunks) {
    reader.push(chunk);
    if (reader.done) break;
  }
  return snapshotFromPickle(reader.end(), file);
}

/**
 * Read a Snapshot.dump() pickle held in memory. `cutBy`: the error that
 * ended the bytes early (damaged gzip data), thrown when the pickle needs
 * more of them, as a stream would throw it when reading on.
 */
export function parseSnapshotPickle(bytes: Uint8Array, file: string, cutBy?: Error): Snapshot {
  const reader = new PickleReader(file, SNAPSHOT_PICKLE_POLICY);
  reader.push(bytes);
  if (cutBy !== undefined && !reader.done) throw cutBy;
  return snapshotFromPickle(reader.end(), file);
}

/** The unpickled value as a Snapshot; a clear error when it has another shape. */
export function snapshotFromPickle(value: PickleValue, file: string): Snapshot {
  const bad = (what: string): never => {
    throw new MemreplayError(`${file}: not a tracemalloc snapshot: ${what}`);
  };
  if (!(value instanceof PyInstance) || value.cls.qualifiedName !== 'tracemalloc.Snapshot') {
    bad(`the pickle holds a ${typeName(value)}, not a tracemalloc.Snapshot`);
  }
  const snap = value as PyInstance;
  const traces = snap.dict.get('traces');
  if (!(traces instanceof PyInstance) || traces.cls.qualifiedName !== 'tracemalloc._Traces') {
    bad(`Snapshot.traces is a ${typeName(traces ?? null)}, expected a tracemalloc._Traces`);
  }
  const list = (traces as PyInstance).dict.get('_traces');
  const items = list instanceof PyList ? list.items : Array.isArray(list) ? (list as readonly PickleValue[]) : bad(`Snapshot.traces._traces is a ${typeName(list ?? null)}, expected a list of traces`);
  const limit = snap.dict.get('traceback_limit');
  const tracebackLimit = typeof limit === 'number' ? limit : null;

  const builder = new SnapshotBuilder(file);
  // Tracebacks are shared tuples: look each one up once.
  const seen = new Map<readonly PickleValue[], TracebackTotal>();
  for (let i = 0; i < items.length; i++) {
    const trace = items[i]!;
    if (!Array.isArray(trace) || (trace.length !== 3 && trace.length !== 4)) {
      bad(`traces[${i}] is ${describe(trace)}, expected (domain, size, traceback[, total_nframe])`);
    }
    const fields = trace as readonly PickleValue[];
    const [domain, size, tb, total] = fields;
    if (!isCount(domain)) bad(`traces[${i}]: domain is ${describe(domain!)}, expected an int >= 0`);
    if (!isCount(size)) bad(`traces[${i}]: size is ${describe(size!)}, expected an int >= 0`);
    if (fields.length === 4 && total !== null && !isCount(total)) bad(`traces[${i}]: total_nframe is ${describe(total!)}, expected an int or None`);
    if (!Array.isArray(tb)) bad(`traces[${i}]: traceback is ${describe(tb!)}, expected a tuple of (filename, lineno) frames`);
    const frames = tb as readonly PickleValue[];
    let t = seen.get(frames);
    if (t === undefined) {
      t = builder.traceback(framesOf(frames, builder, (what) => bad(`traces[${i}]: ${what}`)));
      seen.set(frames, t);
    }
    builder.add(t, size as number);
  }
  return builder.build('pickle', null, tracebackLimit);
}

/** tracemalloc's frames, most recent first, as interned frames oldest first. */
function framesOf(tb: readonly PickleValue[], builder: SnapshotBuilder, bad: (what: string) => never): SnapshotFrame[] {
  const out: SnapshotFrame[] = new Array(tb.length);
  for (let j = 0; j < tb.length; j++) {
    const f = tb[j]!;
    if (!Array.isArray(f) || f.length !== 2 || typeof f[0] !== 'string' || !isCount(f[1])) {
      bad(`frame ${j} is ${describe(f)}, expected (filename: str, lineno: int)`);
    }
    const [filename, lineno] = f as [string, number];
    out[tb.length - 1 - j] = builder.frame(filename, lineno);
  }
  return out;
}

function isCount(v: PickleValue | undefined): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** A short description of a value for a message (never its whole content). */
function describe(v: PickleValue): string {
  if (typeof v === 'number' || typeof v === 'bigint') return `the int ${v.toString().slice(0, 30)}`;
  if (typeof v === 'string') return `the str ${JSON.stringify(v.slice(0, 40))}`;
  if (Array.isArray(v)) return `a tuple of ${v.length}`;
  return `a ${typeName(v)}`;
}
