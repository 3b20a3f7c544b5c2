// The import entry point: format and compression come from the bytes, both
// encodings of the same records give the same events, and every way a file
// can be unusable ends in a typed error.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { MemreplayError, TraceFormatError } from '../../src/errors.js';
import type { EventBatch } from '../../src/events/event-batch.js';
import { DOMAIN_NAMES, NO_ID, OP_NAMES } from '../../src/events/ops.js';
import { ImportContext } from '../../src/import/import-context.js';
import { importTrace, parseTraceBytes, type ImportSummary } from '../../src/import/index.js';
import type { TraceMeta, TraceSink } from '../../src/import/types.js';

const dir = mkdtempSync(join(tmpdir(), 'memreplay-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A sink that keeps events as plain objects (line numbers apart, since they differ between encodings). */
class Collector implements TraceSink {
  metas: TraceMeta[] = [];
  largestBatch = 0;
  private readonly rows: { cols: number[]; label: string }[] = [];

  meta(meta: TraceMeta): void {
    this.metas.push(meta);
  }

  batch(b: EventBatch): void {
    this.largestBatch = Math.max(this.largestBatch, b.length);
    for (let i = 0; i < b.length; i++) {
      this.rows.push({
        cols: [b.op[i]!, b.domain[i]!, b.addr[i]!, b.oldAddr[i]!, b.size[i]!, b.ts[i]!, b.thread[i]!, b.stack[i]!, b.line[i]!],
        label: b.label[i]!,
      });
    }
  }

  events(ctx: ImportContext): Record<string, unknown>[] {
    return this.rows.map(({ cols: [op, domain, addr, oldAddr, size, ts, thread, stack], label }) => ({
      op: OP_NAMES[op!],
      domain: DOMAIN_NAMES[domain!],
      addr: ctx.addresses.format(addr!),
      oldAddr: ctx.addresses.format(oldAddr!),
      size,
      ts,
      thread: thread === NO_ID ? null : ctx.threads.name(thread!),
      frames: stack === NO_ID ? null : ctx.stacks.frames(stack!),
      label: OP_NAMES[op!] === 'mark' ? label : null,
    }));
  }

  lines(): number[] {
    return this.rows.map((r) => r.cols[8]!);
  }
}

async function imported(path: string, options: Parameters<typeof importTrace>[1] = {}) {
  const sink = new Collector();
  const summary = await importTrace(path, options, sink);
  return { summary, sink, events: sink.events(summary.ctx) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

const CSV = `# python: 3.11.7
# complete: true
op,addr,size,old_addr,domain,ts,thread,stack,frames,label
arena_alloc,0x7f2c1a000000,1048576,,,0,1,,,
stack,,,,,,,7,"<frozen runpy>:88;app.py:12;app.py:40",
alloc,0x7f2c1a004030,48,,obj,1203,1,7,,
realloc,0x7f2c1a005010,200,0x7f2c1a004030,obj,1250,1,7,,
mark,,,,,1300,1,,,"iteration 1, größe ✓"
calloc,0xffffffffffff0000,32,,mem,,worker,,"a.py:1;b (c.py:2)",
free,0x7f2c1a005010,,,obj,1400,1,,,
free,0xffffffffffff0000,32,,raw,,,,,
arena_free,0x7f2c1a000000,1048576,,,,,,,
`;

const JSONL = `{"op":"meta","python":"3.11.7","complete":true}
{"op":"arena_alloc","addr":"0x7f2c1a000000","size":1048576,"ts":0,"thread":1}
{"op":"stack","stack":7,"frames":["<frozen runpy>:88","app.py:12","app.py:40"]}
{"op":"alloc","addr":"0x7f2c1a004030","size":48,"domain":"obj","ts":1203,"thread":1,"stack":7}
{"op":"realloc","addr":139827391516688,"size":200,"old_addr":"0x7f2c1a004030","domain":"obj","ts":1250,"thread":1,"stack":7}
{"op":"mark","ts":1300,"thread":1,"label":"iteration 1, größe ✓"}
{"op":"calloc","addr":18446744073709486080,"size":32,"domain":"mem","thread":"worker","frames":["a.py:1","b (c.py:2)"]}
{"op":"free","addr":"0x7f2c1a005010","domain":"obj","ts":1400,"thread":1}
{"op":"free","addr":"18446744073709486080","size":32,"domain":"raw"}
{"op":"arena_free","addr":"0x7f2c1a000000","size":1048576}
`;

describe('importTrace picks the format and compression from the bytes', () => {
  test('a CSV trace and a JSONL trace with the same records produce the same events', async () => {
    const csv = await imported(file('same.csv', CSV));
    const jsonl = await imported(file('same.jsonl', JSONL));
    expect(csv.summary.format).toBe('csv');
    expect(jsonl.summary.format).toBe('jsonl');
    expect(csv.events).toHaveLength(8);
    expect(jsonl.events).toEqual(csv.events);
    expect(jsonl.sink.metas).toEqual(csv.sink.metas);
    expect(csv.sink.metas).toEqual([{ python: '3.11.7', complete: 'true' }]);
  });

  test('a gzip file named .csv holding JSONL is decompressed and read as JSONL', async () => {
    const plain = await imported(file('plain.jsonl', JSONL));
    const packed = gzipSync(JSONL);
    const { summary, events } = await imported(file('misnamed.csv', packed));
    expect(summary).toMatchObject({ format: 'jsonl', gzip: true, bytesRead: packed.length, bytesDecoded: Buffer.byteLength(JSONL) });
    expect(events).toEqual(plain.events);
  });

  test('a plain CSV file named .gz is read as plain CSV', async () => {
    const { summary, events } = await imported(file('not-really.csv.gz', CSV));
    expect(summary).toMatchObject({ format: 'csv', gzip: false, bytesRead: Buffer.byteLength(CSV), bytesDecoded: Buffer.byteLength(CSV) });
    expect(events).toHaveLength(8);
  });

  test('a byte order mark before either format is accepted', async () => {
    expect((await imported(file('bom.csv', '\uFEFF' + CSV))).events).toHaveLength(8);
    expect((await imported(file('bom.jsonl', '\uFEFF' + JSONL))).events).toHaveLength(8);
  });

  test('the summary names the file as given and counts its bytes', async () => {
    const path = file('summary.jsonl', JSONL);
    const { summary } = await imported(path);
    expect(summary.file).toBe(path);
    expect(summary.ctx.fileName).toBe(path);
    expect(summary.bytesRead).toBe(statSync(path).size);
  });

  test('progress is reported per chunk with the bytes read so far and the file size', async () => {
    const big = CSV + 'alloc,0x10,16,,,,,,,\nfree,0x10,,,,,,,,\n'.repeat(100_000);
    const path = file('progress.csv', gzipSync(big));
    const calls: [number, number | undefined][] = [];
    const { summary } = await imported(path, { onProgress: (read, total) => calls.push([read, total]) });
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every(([, total]) => total === summary.bytesRead)).toBe(true);
    expect(calls.map(([read]) => read)).toEqual([...calls.map(([read]) => read)].sort((a, b) => a - b));
    expect(calls.at(-1)![0]).toBe(summary.bytesRead);
  });
});

describe('importTrace reads - from stdin', () => {
  test('a JSONL trace on stdin is named <stdin>', async () => {
    const { summary, events } = await imported('-', { stdin: Readable.from([Buffer.from(JSONL)]) });
    expect(summary).toMatchObject({ file: '<stdin>', format: 'jsonl', gzip: false });
    expect(events).toHaveLength(8);
  });

  test('a gzip CSV trace on stdin, in small pieces, gives the same events as the file', async () => {
    const packed = gzipSync(CSV);
    const pieces = Array.from({ length: Math.ceil(packed.length / 7) }, (_, i) => packed.subarray(i * 7, i * 7 + 7));
    const { summary, events } = await imported('-', { stdin: Readable.from(pieces) });
    expect(summary).toMatchObject({ file: '<stdin>', format: 'csv', gzip: true });
    expect(events).toEqual((await imported(file('stdin-ref.csv', CSV))).events);
  });
});

describe('blank lines before the first record', () => {
  // Found by npm run fuzz (seed 202, case 137891): a trace led by more blank
  // bytes than the sniffer's first look was recognized whole, and refused as
  // "unrecognized trace format" when it came in small pieces.
  const led = ' \n'.repeat(2000) + JSONL;

  test('are read past, whole or in small pieces on stdin alike', async () => {
    const whole = await imported(file('led.jsonl', led));
    expect(whole.summary.format).toBe('jsonl');
    const bytes = Buffer.from(led);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const streamed = await imported('-', { stdin: Readable.from(pieces) });
    expect(streamed.summary.format).toBe('jsonl');
    expect(streamed.events).toEqual(whole.events);
  });

  test('past 1 MiB of them a trace is unrecognized, whole or streamed', async () => {
    const far = ' '.repeat(1024 * 1024 + 1) + JSONL;
    expect(() => parseTraceBytes(Buffer.from(far), { fileName: 'far.jsonl' }, { meta() {}, batch() {}, end() {} } as never)).toThrow(/unrecognized trace format/);
    const error = await failure(imported('-', { stdin: Readable.from([Buffer.from(far.slice(0, 5000)), Buffer.from(far.slice(5000))]) }));
    expect(error.message).toMatch(/unrecognized trace format/);
  });
});

describe('options change how a trace is read', () => {
  test('format csv reads a CSV trace whose first byte fits no sniffing rule', async () => {
    const pandasStyle = ',op,addr,size\n0,alloc,0x10,16\n1,free,0x10,\n';
    const path = file('pandas.csv', pandasStyle);
    const error = await failure(imported(path));
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error.message).toMatch(/unrecognized trace format: it starts with ",op,addr,size\\n0,alloc/);
    const { summary, events } = await imported(path, { format: 'csv' });
    expect(summary.format).toBe('csv');
    expect(events.map((e) => e.op)).toEqual(['alloc', 'free']);
  });

  test('a forced format is used even when the bytes say otherwise', async () => {
    const error = await failure(imported(file('forced.csv', CSV), { format: 'jsonl' }));
    expect(error).toBeInstanceOf(TraceFormatError);
    expect((error as TraceFormatError).line).toBe(1);
    expect(error.message).toContain('invalid JSON');
  });

  test('lenient mode skips and counts bad records in the summary context', async () => {
    const withBad = JSONL.replace('{"op":"arena_free"', '{"op":"bogus"}\n{"op":"arena_free"');
    const { summary, events } = await imported(file('lenient.jsonl', withBad), { lenient: true });
    expect(events).toHaveLength(8);
    expect(summary.ctx.skippedRecords).toBe(1);
    expect(summary.ctx.skippedExamples[0]).toMatchObject({ line: 10 });
  });

  test('batchCapacity bounds the batches handed to the sink', async () => {
    const { sink, events } = await imported(file('batches.jsonl', JSONL), { batchCapacity: 2 });
    expect(sink.largestBatch).toBe(2);
    expect(events).toHaveLength(8);
  });

  test('a given context is the one the trace is imported into', async () => {
    const context = new ImportContext('shown-name.jsonl', true);
    const { summary } = await imported(file('ctx.jsonl', JSONL + '{"op":"nope"}\n'), { context });
    expect(summary.ctx).toBe(context);
    expect(summary.file).toBe('shown-name.jsonl');
    expect(context.skippedRecords).toBe(1);
  });

  test('an error thrown by the sink stops the import and reaches the caller', async () => {
    const stop = new Error('enough');
    const sink: TraceSink = {
      meta: () => undefined,
      batch: () => {
        throw stop;
      },
    };
    const big = JSONL + '{"op":"free","addr":"0x0"}\n'.repeat(300_000);
    await expect(importTrace(file('stop.jsonl', big), { batchCapacity: 16 }, sink)).rejects.toBe(stop);
  });
});

describe('importTrace fails with a typed error on files that are not usable traces', () => {
  test('a truncated gzip trace is a TraceFormatError naming the file', async () => {
    const packed = gzipSync(CSV + 'alloc,0x10,16,,,,,,,\nfree,0x10,,,,,,,,\n'.repeat(50));
    const path = file('cut.csv.gz', packed.subarray(0, packed.length - 30));
    const error = await failure(imported(path));
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error.message.startsWith(`${path}: truncated gzip stream: `)).toBe(true);
  });

  test('a missing file is a MemreplayError saying so', async () => {
    const path = join(dir, 'nowhere.csv');
    const error = await failure(imported(path));
    expect(error).toBeInstanceOf(MemreplayError);
    expect(error).not.toBeInstanceOf(TraceFormatError);
    expect(error.message).toBe(`cannot read trace ${path}: no such file`);
  });

  test('a binary file is fatal, even with a forced format or in lenient mode', async () => {
    const path = file('binary.csv', Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256));
    for (const options of [{}, { format: 'csv' as const }, { lenient: true }]) {
      const error = await failure(imported(path, options));
      expect(error).toBeInstanceOf(TraceFormatError);
      expect(error.message).toBe(`${path}: binary file: not a CSV or JSONL trace`);
    }
  });

  test('an empty file, plain or gzip, is an empty trace', async () => {
    for (const [name, content] of [
      ['empty.csv', ''],
      ['empty.csv.gz', gzipSync('')],
      ['blank.jsonl', '\n \r\n'],
    ] as const) {
      const path = file(name, content);
      const error = await failure(imported(path));
      expect(error).toBeInstanceOf(TraceFormatError);
      expect(error.message.startsWith(`${path}: empty trace`)).toBe(true);
    }
  });

  test('a tracemalloc Snapshot.dump() pickle is recognized and refused', async () => {
    const pickle = Buffer.concat([Buffer.from([0x80, 0x04, 0x95, 0x2a, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('\x8c\x0btracemalloc\x94\x8c\x08Snapshot')]);
    const error = await failure(imported(file('snap.pickle', pickle)));
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error.message).toContain('this looks like a tracemalloc Snapshot.dump() pickle');
  });
});

describe('parseTraceBytes reads a trace held in memory, synchronously', () => {
  const parse = (bytes: Uint8Array, options = {}): { summary: ImportSummary; events: Record<string, unknown>[] } => {
    const sink = new Collector();
    const summary = parseTraceBytes(bytes, options, sink);
    return { summary, events: sink.events(summary.ctx) };
  };

  test('plain and gzip bytes of either format give the same events as importTrace', async () => {
    const reference = (await imported(file('mem-ref.csv', CSV))).events;
    for (const bytes of [Buffer.from(CSV), gzipSync(CSV), Buffer.from(JSONL), gzipSync(JSONL)]) {
      expect(parse(bytes).events).toEqual(reference);
    }
    expect(parse(gzipSync(JSONL)).summary).toMatchObject({ file: '<memory>', format: 'jsonl', gzip: true });
  });

  test('messages use the given file name', () => {
    expect(() => parse(Buffer.from('{"op":"nope"}'), { fileName: 'mine.jsonl' })).toThrow(/^mine\.jsonl:1: unknown op "nope"/);
    expect(() => parse(gzipSync(CSV).subarray(0, 40), { fileName: 'mine.gz' })).toThrow(/^mine\.gz: truncated gzip stream: /);
  });
});

/** A copy of the shared CPython 3.11 start-up trace (test/fixtures/cpython-traces/README.md). */
const SHARED_TRACE = join(__dirname, '..', 'fixtures', 'cpython-traces', 'startup-3.11.csv.gz');

describe('the shared CPython 3.11 start-up trace', () => {
  test('imports completely, with the event counts its README gives', async () => {
    const { summary, sink, events } = await imported(SHARED_TRACE);
    expect(summary).toMatchObject({ format: 'csv', gzip: true, bytesRead: statSync(SHARED_TRACE).size });
    expect(summary.ctx.skippedRecords).toBe(0);
    expect(sink.metas).toHaveLength(1);
    expect(sink.metas[0]).toMatchObject({ python: '3.11.7', allocator: 'pymalloc', complete: 'true', arena_size: '1048576' });
    const counts: Record<string, number> = {};
    for (const e of events) counts[e.op as string] = (counts[e.op as string] ?? 0) + 1;
    expect(events).toHaveLength(36_282);
    expect(counts).toEqual({ alloc: 17_343, calloc: 65, realloc: 501, free: 18_368, arena_alloc: 2, arena_free: 1, mark: 2 });
    expect(events.filter((e) => e.op === 'mark').map((e) => e.label)).toEqual(['stats', 'final']);
    expect(events[0]).toMatchObject({ op: 'arena_alloc', addr: '0x7efcd7b1e000', size: 1_048_576 });
  });

  test('converted line by line to JSONL, it gives the same events', async () => {
    const csv = gunzipSync(readFileSync(SHARED_TRACE)).toString('utf8');
    const lines = csv.split('\n').filter((l) => l !== '');
    const header = lines.find((l) => !l.startsWith('#'))!.split(',');
    const meta: Record<string, string> = { op: 'meta' };
    const jsonl: string[] = [];
    for (const line of lines) {
      if (line.startsWith('#')) {
        const colon = line.indexOf(':');
        meta[line.slice(1, colon).trim()] = line.slice(colon + 1).trim();
        continue;
      }
      if (line.startsWith('op,')) continue;
      const record: Record<string, string | number> = {};
      line.split(',').forEach((value, i) => {
        if (value !== '') record[header[i]!] = header[i] === 'size' ? Number(value) : value;
      });
      jsonl.push(JSON.stringify(record));
    }
    const converted = await imported(file('startup-3.11.jsonl', [JSON.stringify(meta), ...jsonl].join('\n')));
    const original = await imported(SHARED_TRACE);
    expect(converted.summary.format).toBe('jsonl');
    expect(converted.sink.metas).toEqual(original.sink.metas);
    expect(converted.events).toEqual(original.events);
  });
});
