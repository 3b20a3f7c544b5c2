// The JSONL importer: every record kind, exact 64-bit addresses, chunk
// boundaries anywhere, and one case per class of bad input in strict and
// lenient mode.

import { describe, expect, test } from 'vitest';
import { TraceFormatError } from '../../src/errors.js';
import type { EventBatch } from '../../src/events/event-batch.js';
import { DOMAIN_NAMES, NO_ID, OP_NAMES } from '../../src/events/ops.js';
import { ImportContext } from '../../src/import/import-context.js';
import { MAX_LINE_BYTES, createJsonlParser } from '../../src/import/jsonl.js';
import type { TraceMeta } from '../../src/import/types.js';

interface Parsed {
  ctx: ImportContext;
  metas: TraceMeta[];
  batches: number;
  metaBeforeFirstBatch: boolean;
  events: Record<string, unknown>[];
}

/** Parse `input` fed in chunks of `chunkSize` bytes; events as plain, comparable objects. */
function parse(input: string | Uint8Array, opts: { lenient?: boolean; chunkSize?: number; capacity?: number } = {}): Parsed {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const ctx = new ImportContext('t.jsonl', opts.lenient ?? false);
  const raw: number[][] = [];
  const labels: string[] = [];
  const out: Parsed = { ctx, metas: [], batches: 0, metaBeforeFirstBatch: true, events: [] };
  const parser = createJsonlParser(
    ctx,
    {
      meta: (m) => out.metas.push(m),
      batch: (b: EventBatch) => {
        if (out.metas.length === 0) out.metaBeforeFirstBatch = false;
        out.batches++;
        for (let i = 0; i < b.length; i++) {
          raw.push([b.op[i]!, b.domain[i]!, b.addr[i]!, b.oldAddr[i]!, b.size[i]!, b.ts[i]!, b.thread[i]!, b.stack[i]!, b.line[i]!, b.interp[i]!]);
          labels.push(b.label[i]!);
        }
      },
    },
    { batchCapacity: opts.capacity ?? 4096 },
  );
  const step = opts.chunkSize ?? bytes.length;
  for (let at = 0; at < bytes.length; at += step) parser.push(bytes.subarray(at, at + step));
  parser.end();
  out.events = raw.map(([op, domain, addr, oldAddr, size, ts, thread, stack, line, interp], n) => {
    const e: Record<string, unknown> = {
      op: OP_NAMES[op!],
      addr: ctx.addresses.format(addr!),
      domain: DOMAIN_NAMES[domain!],
      line,
    };
    if (oldAddr !== 0) e.oldAddr = ctx.addresses.format(oldAddr!);
    if (!Number.isNaN(size)) e.size = size;
    if (!Number.isNaN(ts)) e.ts = ts;
    if (thread !== NO_ID) e.thread = ctx.threads.name(thread!);
    if (stack !== NO_ID) e.frames = ctx.stacks.frames(stack!);
    if (OP_NAMES[op!] === 'mark') e.label = labels[n];
    if (interp !== 0) e.interp = interp;
    return e;
  });
  return out;
}

const EVERY_OP = [
  '{"op":"meta","python":"3.11.7","complete":true,"arena_size":1048576,"note":null,"tags":["a"]}',
  '{"op":"arena_alloc","addr":"0x7f2c1a000000","size":1048576,"ts":0,"thread":1}',
  '{"op":"stack","stack":7,"frames":["<frozen runpy>:88","app.py:12","app.py:40"]}',
  '{"op":"alloc","addr":"0x7f2c1a004030","size":48,"domain":"obj","ts":1203,"thread":1,"stack":7}',
  '{"op":"calloc","addr":"0x7f2c1a004060","size":64,"domain":"mem","frames":["main (app.py:3)"]}',
  '{"op":"realloc","addr":"0x7f2c1a005010","size":200,"old_addr":"0x7f2c1a004030","ts":1250,"thread":"worker-1"}',
  '{"op":"realloc","addr":"0x7f2c1a006010","size":16,"old_addr":null}',
  '{"op":"mark","label":"iteration 1","ts":1300}',
  '{"op":"free","addr":"0x7f2c1a005010","domain":"obj","ts":1400}',
  '{"op":"free","addr":"0x7f2c1a004060","size":64,"domain":"raw"}',
  '{"op":"arena_free","addr":"0x7f2c1a000000","size":1048576}',
].join('\n');

describe('the JSONL importer reads every record of trace format v1', () => {
  test('interp, the interpreter whose allocator served the event: a number or decimal text, absent or null is 0; anything else is a bad record', () => {
    const { events } = parse(
      ['{"op":"alloc","addr":16,"size":8,"interp":2}', '{"op":"alloc","addr":32,"size":8,"interp":"3"}', '{"op":"mark","label":"stats","interp":2}', '{"op":"free","addr":16,"interp":null}', '{"op":"free","addr":32}'].join('\n'),
    );
    expect(events.map((e) => e.interp ?? 0)).toEqual([2, 3, 2, 0, 0]);
    for (const bad of ['-1', '1.5', '"x"', '2147483648', 'true', '[1]']) {
      const lenient = parse(`{"op":"alloc","addr":16,"size":8,"interp":${bad}}\n`, { lenient: true });
      expect(lenient.events).toEqual([]);
      expect(() => parse(`{"op":"alloc","addr":16,"size":8,"interp":${bad}}\n`)).toThrow(/t.jsonl:1: expected interp \(an interpreter id, an integer from 0 to 2147483647\), got /);
    }
  });

  test('every op becomes the matching event with its fields', () => {
    const { events, ctx } = parse(EVERY_OP);
    expect(events).toEqual([
      { op: 'arena_alloc', addr: '0x7f2c1a000000', size: 1048576, ts: 0, thread: '1', domain: 'obj', line: 2 },
      {
        op: 'alloc', addr: '0x7f2c1a004030', size: 48, domain: 'obj', ts: 1203, thread: '1', line: 4,
        frames: ['<frozen runpy>:88', 'app.py:12', 'app.py:40'],
      },
      { op: 'calloc', addr: '0x7f2c1a004060', size: 64, domain: 'mem', frames: ['main (app.py:3)'], line: 5 },
      { op: 'realloc', addr: '0x7f2c1a005010', size: 200, oldAddr: '0x7f2c1a004030', ts: 1250, thread: 'worker-1', domain: 'obj', line: 6 },
      { op: 'realloc', addr: '0x7f2c1a006010', size: 16, domain: 'obj', line: 7 },
      { op: 'mark', addr: '0x0', label: 'iteration 1', ts: 1300, domain: 'obj', line: 8 },
      { op: 'free', addr: '0x7f2c1a005010', domain: 'obj', ts: 1400, line: 9 },
      { op: 'free', addr: '0x7f2c1a004060', size: 64, domain: 'raw', line: 10 },
      { op: 'arena_free', addr: '0x7f2c1a000000', size: 1048576, domain: 'obj', line: 11 },
    ]);
    expect(ctx.skippedRecords).toBe(0);
  });

  test('the meta line becomes metadata with every value as text', () => {
    const { metas } = parse(EVERY_OP);
    expect(metas).toEqual([{ python: '3.11.7', complete: 'true', arena_size: '1048576', note: '', tags: '["a"]' }]);
  });

  test('meta is sent exactly once, before the first batch, even without a meta line', () => {
    const lines = ['{"op":"alloc","addr":"0x10","size":1}', '{"op":"free","addr":"0x10"}'];
    const withoutMeta = parse(lines.join('\n'), { capacity: 1 });
    expect(withoutMeta.metas).toEqual([{}]);
    expect(withoutMeta.batches).toBe(2);
    expect(withoutMeta.metaBeforeFirstBatch).toBe(true);
    const withMeta = parse(['{"op":"meta","python":"3.12.1"}', ...lines].join('\n'), { capacity: 1 });
    expect(withMeta.metas).toEqual([{ python: '3.12.1' }]);
    expect(withMeta.metaBeforeFirstBatch).toBe(true);
  });

  test('an empty input still sends empty metadata and no batch', () => {
    const { metas, batches, events } = parse('\n\n');
    expect(metas).toEqual([{}]);
    expect(batches).toBe(0);
    expect(events).toEqual([]);
  });

  test('a small batch capacity splits the events over several batches without changing them', () => {
    const whole = parse(EVERY_OP);
    const small = parse(EVERY_OP, { capacity: 2 });
    expect(small.batches).toBe(5);
    expect(small.events).toEqual(whole.events);
  });

  test('blank lines are skipped, CRLF endings and a byte order mark are accepted, and line numbers stay physical', () => {
    const text = '\uFEFF{"op":"alloc","addr":"0x10","size":1}\r\n\r\n   \n{"op":"free","addr":"0x10"}\r\n';
    expect(parse(text).events).toEqual([
      { op: 'alloc', addr: '0x10', size: 1, domain: 'obj', line: 1 },
      { op: 'free', addr: '0x10', domain: 'obj', line: 4 },
    ]);
  });

  test('a stack id defined again with other frames is a bad record; its first definition stays', () => {
    const text = [
      '{"op":"stack","stack":1,"frames":["a.py:1"]}',
      '{"op":"alloc","addr":"0x10","size":1,"stack":1}',
      '{"op":"stack","stack":1,"frames":["a.py:1"]}',
      '{"op":"stack","stack":1,"frames":["b.py:2","c.py:3"]}',
      '{"op":"alloc","addr":"0x20","size":1,"stack":"1"}',
      '{"op":"alloc","addr":"0x30","size":1,"frames":[]}',
    ].join('\n');
    expect(() => parse(text)).toThrow(
      /^t\.jsonl:4: stack 1 is defined again with other frames: expected each stack id defined once \(its first definition stays\)$/,
    );
    const { events, ctx } = parse(text, { lenient: true });
    expect(events.map((e) => e.frames)).toEqual([['a.py:1'], ['a.py:1'], []]);
    expect(ctx.skippedExamples.map((x) => x.line)).toEqual([4]);
  });
});

describe('the JSONL importer keeps addresses exact up to 64 bits', () => {
  const addrOf = (record: string): unknown => parse(record).events[0]!.addr;

  test('an address may be hex text, decimal text or a JSON number', () => {
    expect(addrOf('{"op":"free","addr":"0x7F2C1A004030"}')).toBe('0x7f2c1a004030');
    expect(addrOf('{"op":"free","addr":"139827391512624"}')).toBe('0x7f2c1a004030');
    expect(addrOf('{"op":"free","addr":139827391512624}')).toBe('0x7f2c1a004030');
  });

  test('2^64-1 as a JSON number, as decimal text and as hex text all give 0xffffffffffffffff', () => {
    expect(addrOf('{"op":"free","addr":18446744073709551615}')).toBe('0xffffffffffffffff');
    expect(addrOf('{"op":"free","addr" : 18446744073709551615 }')).toBe('0xffffffffffffffff');
    expect(addrOf('{"op":"free","addr":"18446744073709551615"}')).toBe('0xffffffffffffffff');
    expect(addrOf('{"op":"free","addr":"0xffffffffffffffff"}')).toBe('0xffffffffffffffff');
  });

  test('numbers just above 2^53 and 2^48 are not rounded', () => {
    expect(addrOf('{"op":"free","addr":9007199254740993}')).toBe('0x20000000000001');
    expect(addrOf('{"op":"free","addr":281474976710661}')).toBe('0x1000000000005');
    expect(addrOf('{"op":"free","addr":"281474976710661"}')).toBe('0x1000000000005');
    expect(addrOf('{"op":"free","addr":999999999999999}')).toBe('0x38d7ea4c67fff');
  });

  test('a large old_addr number on realloc is exact too', () => {
    const [e] = parse('{"op":"realloc","addr":1,"size":8,"old_addr":18446744073709551614}').events;
    expect(e!.oldAddr).toBe('0xfffffffffffffffe');
  });

  test('digits that only look like an address inside a string are left alone', () => {
    const label = 'x \\"addr\\":12345678901234567890 y';
    const [e] = parse(`{"op":"mark","label":"${label}"}`).events;
    expect(e!.label).toBe('x "addr":12345678901234567890 y');
  });
});

describe('the JSONL importer gives the same events for any chunking', () => {
  const text =
    '{"op":"meta","python":"3.11.7","who":"Jürgen ✓"}\r\n' +
    '{"op":"stack","stack":3,"frames":["größe.py:1","🚀 (start.py:2)"]}\r\n' +
    '\r\n' +
    '{"op":"alloc","addr":"0x7f2c1a004030","size":48,"stack":3,"thread":"主线程"}\n' +
    '{"op":"mark","label":"Größe ✓ — 🚀 iteration 1"}\n' +
    '{"op":"realloc","addr":18446744073709551615,"size":64,"old_addr":"0x7f2c1a004030"}\n' +
    '\n' +
    '{"op":"free","addr":"0xffffffffffffffff","frames":["ü.py:9"]}'; // no final newline
  const reference = parse(text);

  test('the reference parse holds the multi-byte text intact', () => {
    expect(reference.metas).toEqual([{ python: '3.11.7', who: 'Jürgen ✓' }]);
    expect(reference.events.map((e) => e.label ?? e.frames ?? e.thread)).toEqual([
      ['größe.py:1', '🚀 (start.py:2)'],
      'Größe ✓ — 🚀 iteration 1',
      undefined,
      ['ü.py:9'],
    ]);
    expect(reference.events).toHaveLength(4);
  });

  test('chunk sizes of 1 to 100 bytes all give identical events and metadata', () => {
    for (let size = 1; size <= 100; size++) {
      const chunked = parse(text, { chunkSize: size, capacity: 3 });
      expect(chunked.events, `chunk size ${size}`).toEqual(reference.events);
      expect(chunked.metas, `chunk size ${size}`).toEqual(reference.metas);
    }
  });
});

describe('the JSONL importer rejects bad records with a message naming line and expectation', () => {
  const GOOD_BEFORE = '{"op":"alloc","addr":"0x10","size":16}';
  const GOOD_AFTER = '{"op":"free","addr":"0x10"}';

  // [what is wrong, the bad line 2, a fragment the message must contain]
  const cases: [string, string, string][] = [
    ['invalid JSON', '{"op":"alloc","addr":"0x20",', 'invalid JSON'],
    ['a JSON array instead of an object', '[1,2]', 'expected a JSON object, got an array'],
    ['a JSON number instead of an object', '42', 'expected a JSON object, got 42'],
    ['a missing op', '{"addr":"0x20","size":1}', 'missing op: expected one of alloc'],
    ['an unknown op', '{"op":"malloc","addr":"0x20","size":1}', 'unknown op "malloc": expected one of alloc'],
    ['an op that is not text', '{"op":3}', 'unknown op 3'],
    ['a missing addr', '{"op":"alloc","size":8}', 'missing addr: alloc needs an address'],
    ['a missing size', '{"op":"calloc","addr":"0x20"}', 'missing size: calloc needs a size'],
    ['a size that is not a number', '{"op":"alloc","addr":"0x20","size":"big"}', 'expected a size (non-negative integer), got "big"'],
    ['a size of the wrong JSON type', '{"op":"alloc","addr":"0x20","size":true}', 'expected a size (non-negative integer), got true'],
    ['a negative size', '{"op":"alloc","addr":"0x20","size":-8}', 'negative size -8'],
    ['a fractional size', '{"op":"alloc","addr":"0x20","size":1.5}', 'expected a size (non-negative integer), got 1.5'],
    ['a hex address beyond 64 bits', '{"op":"free","addr":"0x10000000000000000"}', 'address beyond 64 bits: "0x10000000000000000"'],
    ['a numeric address beyond 64 bits', '{"op":"free","addr":18446744073709551616}', 'address beyond 64 bits'],
    ['an address that is not a number', '{"op":"free","addr":"0xZZ"}', 'expected an address (0x-prefixed hex or decimal), got "0xZZ"'],
    ['a fractional address number', '{"op":"free","addr":12.5}', 'got 12.5 (not an integer)'],
    ['a negative address number', '{"op":"free","addr":-16}', 'got -16 (negative)'],
    ['an address of the wrong JSON type', '{"op":"free","addr":[16]}', 'addr: expected an address'],
    ['a bad old_addr', '{"op":"realloc","addr":"0x20","size":4,"old_addr":"nope"}', 'old_addr: expected an address'],
    ['an unknown domain', '{"op":"alloc","addr":"0x20","size":1,"domain":"heap"}', 'expected domain obj, mem, raw or native, got "heap"'],
    ['a timestamp that is not an integer', '{"op":"alloc","addr":"0x20","size":1,"ts":"soon"}', 'expected ts (an integer), got "soon"'],
    ['a thread of the wrong JSON type', '{"op":"alloc","addr":"0x20","size":1,"thread":{}}', 'expected thread (an integer or a string), got an object'],
    ['a stack id never defined', '{"op":"alloc","addr":"0x20","size":1,"stack":99}', 'stack 99 is not defined by an earlier stack record'],
    ['both stack and frames', '{"op":"alloc","addr":"0x20","size":1,"stack":1,"frames":["a.py:1"]}', 'either stack or frames, not both'],
    ['frames that are not an array', '{"op":"alloc","addr":"0x20","size":1,"frames":"a.py:1"}', 'expected frames (an array of strings), got "a.py:1"'],
    ['a frame that is not text', '{"op":"alloc","addr":"0x20","size":1,"frames":["a.py:1",3]}', 'found an element 3'],
    ['a stack record without frames', '{"op":"stack","stack":4}', 'missing frames: a stack record needs "frames"'],
    ['a stack record with a bad id', '{"op":"stack","stack":"four","frames":[]}', 'expected a stack id (an integer), got "four"'],
    ['a meta line after the first line', '{"op":"meta","python":"3.11.7"}', 'a meta line is allowed only as the first line'],
    ['a mark label of the wrong JSON type', '{"op":"mark","label":{"a":1}}', 'expected label (text), got an object'],
    ['a 400-digit ts', `{"op":"alloc","addr":"0x20","size":1,"ts":${'9'.repeat(400)}}`, `expected ts (an integer from -2^63 to 2^64-1), got "${'9'.repeat(40)}…"`],
    ['a ts of 2^64', '{"op":"alloc","addr":"0x20","size":1,"ts":18446744073709551616}', 'expected ts (an integer from -2^63 to 2^64-1), got "18446744073709551616"'],
    ['a ts of 1e30', '{"op":"alloc","addr":"0x20","size":1,"ts":1e30}', 'expected ts (an integer from -2^63 to 2^64-1), got 1e+30'],
    ['a ts text beyond 64 bits', `{"op":"alloc","addr":"0x20","size":1,"ts":"-${'9'.repeat(30)}"}`, 'expected ts (an integer from -2^63 to 2^64-1)'],
    ['a thread number beyond 64 bits', '{"op":"alloc","addr":"0x20","size":1,"thread":18446744073709551616}', 'expected thread (an integer from -2^63 to 2^64-1, or a name), got "18446744073709551616"'],
    ['a thread number of 1e30', '{"op":"alloc","addr":"0x20","size":1,"thread":1e30}', 'expected thread (an integer from -2^63 to 2^64-1, or a name), got 1e+30'],
    ['a stack id beyond 2^53-1', '{"op":"alloc","addr":"0x20","size":1,"stack":9007199254740993}', 'stack id "9007199254740993" is out of range'],
    ['a stack record id of 1e20', '{"op":"stack","stack":1e20,"frames":[]}', 'stack id "100000000000000000000" is out of range'],
    ['a size of 1e20', '{"op":"alloc","addr":"0x20","size":1e20}', 'is too large (at most 2^53-1)'],
    ['an mmap without a size', '{"op":"mmap","addr":"0x7f0000000000"}', 'missing size: mmap needs a size'],
    ['an mremap without old_addr', '{"op":"mremap","addr":"0x7f0000000000","size":4096}', 'missing old_addr: mremap needs addr, size and old_addr'],
    ['a munmap of a Python domain', '{"op":"munmap","addr":"0x7f0000000000","size":4096,"domain":"obj"}', 'munmap with domain "obj": a mapping\'s domain is native or absent'],
  ];

  test.each(cases)('strict mode: %s stops the import with a TraceFormatError at that line', (_what, bad, fragment) => {
    let error: unknown;
    try {
      parse([GOOD_BEFORE, bad, GOOD_AFTER].join('\n'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TraceFormatError);
    const tfe = error as TraceFormatError;
    expect(tfe.line).toBe(2);
    expect(tfe.file).toBe('t.jsonl');
    expect(tfe.detail).toContain(fragment);
    expect(tfe.message.startsWith('t.jsonl:2: ')).toBe(true);
  });

  test.each(cases)('lenient mode: %s is skipped and counted while the good records are kept', (_what, bad, fragment) => {
    const { events, ctx } = parse([GOOD_BEFORE, bad, GOOD_AFTER].join('\n'), { lenient: true });
    expect(events.map((e) => e.line)).toEqual([1, 3]);
    expect(ctx.skippedRecords).toBe(1);
    expect(ctx.skippedExamples).toHaveLength(1);
    expect(ctx.skippedExamples[0]!.line).toBe(2);
    expect(ctx.skippedExamples[0]!.message).toContain(fragment);
  });

  test('quoted text in messages is bounded', () => {
    const long = 'x'.repeat(5000);
    expect(() => parse(`{"op":"${long}"}`)).toThrow(/unknown op "x{40}…"/);
  });

  test('lenient mode counts every skipped record but keeps only the first ten examples', () => {
    const bad = Array.from({ length: 15 }, () => '{"op":"nope"}');
    const { events, ctx } = parse([GOOD_BEFORE, ...bad, GOOD_AFTER].join('\n'), { lenient: true });
    expect(events).toHaveLength(2);
    expect(ctx.skippedRecords).toBe(15);
    expect(ctx.skippedExamples.map((x) => x.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});

describe('the JSONL importer stops on input that cannot be a JSONL event trace, in every mode', () => {
  const modes = [false, true];

  test.each(modes)('a line longer than 1 MiB is fatal (lenient: %s)', (lenient) => {
    const long = `{"op":"mark","label":"${'y'.repeat(1 << 20)}"}`;
    const text = `{"op":"free","addr":"0x0"}\n${long}\n{"op":"free","addr":"0x0"}\n`;
    for (const chunkSize of [undefined, 4096]) {
      expect(() => parse(text, { lenient, chunkSize })).toThrow(TraceFormatError);
      expect(() => parse(text, { lenient, chunkSize })).toThrow(/t\.jsonl:2: line longer than 1 MiB/);
    }
    // Also without a newline at the end: the limit holds for the carried last line.
    expect(() => parse(`{"op":"free","addr":"0x0"}\n${long}`, { lenient, chunkSize: 65536 })).toThrow(/:2: line longer than 1 MiB/);
  });

  test('a line of exactly 1 MiB is still accepted, with either line ending, whole or in chunks', () => {
    // The long text is a key memreplay ignores: a label is bounded far below 1 MiB.
    const prefix = '{"op":"mark","label":"b","note":"';
    const line = prefix + 'z'.repeat(MAX_LINE_BYTES - prefix.length - 2) + '"}';
    expect(line.length).toBe(MAX_LINE_BYTES);
    for (const ending of ['\n', '\r\n', '']) {
      for (const chunkSize of [undefined, 65536]) {
        const { events } = parse(`${line}${ending}`, { chunkSize });
        expect(events[0]!.label).toBe('b');
      }
    }
  });

  test.each(modes)('a tracemalloc snapshot line is fatal with a pointer to what it is (lenient: %s)', (lenient) => {
    expect(() => parse('{"op":"snapshot","label":"before"}\n{"op":"trace","size":8,"domain":0,"frames":[]}', { lenient })).toThrow(
      /t\.jsonl:1: this is a tracemalloc snapshot file, not an event trace; /,
    );
    expect(() => parse('{"op":"trace","size":8,"domain":0,"frames":[]}', { lenient })).toThrow(/tracemalloc snapshot file/);
  });
});

describe('the JSONL importer and line ends', () => {
  const LINES = ['{"op":"meta","python":"3.11.7"}', '{"op":"alloc","addr":"0x10","size":16}', '{"op":"mark","label":"a\\rb"}', '{"op":"free","addr":"0x10"}'];

  test('reads a last line without its newline when it parses: a JSON object closes itself', () => {
    for (let chunkSize = 1; chunkSize <= 40; chunkSize++) {
      const { events } = parse(LINES.join('\n'), { chunkSize });
      expect(events.map((e) => e.op)).toEqual(['alloc', 'mark', 'free']);
    }
  });

  test('says a last line without its newline that does not parse is a cut record, and skips it with --lenient', () => {
    const cut = LINES.join('\n').slice(0, -5);
    expect(() => parse(cut)).toThrow(
      /^t\.jsonl:4: the file ends mid-record: its last line has no newline and does not parse \(invalid JSON.*\); was the file cut off, or still being written\?$/,
    );
    const { events, ctx } = parse(cut, { lenient: true });
    expect(events.map((e) => e.op)).toEqual(['alloc', 'mark']);
    expect(ctx.skippedExamples).toEqual([{ line: 4, message: expect.stringContaining('the file ends mid-record') }]);
    // A bad line that has its newline is a bad record like any other.
    expect(() => parse(cut + '\n')).toThrow(/^t\.jsonl:4: invalid JSON/);
  });

  test.each([false, true])('refuses CR-only line ends at the first line instead of reading an empty trace (lenient: %s)', (lenient) => {
    for (const text of [LINES.join('\r') + '\r', LINES.slice(1).join('\r')]) {
      for (const chunkSize of [undefined, 7]) {
        expect(() => parse(text, { lenient, chunkSize })).toThrow(/^t\.jsonl:1: a carriage return \(\\r\) without a line feed between JSON objects/);
      }
    }
  });

  test('names CR-only line ends when they make a line longer than 1 MiB', () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `{"op":"alloc","addr":"0x${(16 + 32 * i).toString(16)}","size":16}`).join('\r');
    for (const chunkSize of [undefined, 65536]) {
      expect(() => parse(text, { chunkSize })).toThrow(/^t\.jsonl:1: line longer than 1 MiB .*; a carriage return \(\\r\) without a line feed/);
    }
  });

  test('accepts CRs between the tokens of a JSON object', () => {
    expect(parse('{"op":"alloc",\r"addr":"0x10","size":16}\n').events).toHaveLength(1);
  });
});

describe('the JSONL importer keeps 64-bit integers exact', () => {
  test('timestamps and thread ids beyond 2^53 are judged by their exact value, not the double JSON.parse rounds them to', () => {
    const { events } = parse('{"op":"alloc","addr":"0x10","size":1,"ts":18446744073709551615,"thread":18446744073709551615}\n');
    expect(events[0]).toMatchObject({ ts: 2 ** 64, thread: '18446744073709551615' });
  });
});

describe('the JSONL importer and line numbers of frames', () => {
  test('refuses a frame whose line number is beyond 2^32-1 as a bad record', () => {
    const text = [
      '{"op":"alloc","addr":"0x10","size":1,"frames":["a.py:4294967295"]}',
      '{"op":"alloc","addr":"0x20","size":1,"frames":["main.py:1","f (b.py:99999999999)"]}',
      '{"op":"stack","stack":1,"frames":["c.py:4294967296"]}',
    ].join('\n');
    expect(() => parse(text)).toThrow(/^t\.jsonl:2: line number 99999999999 of a frame is out of range: expected at most 4294967295$/);
    const { events, ctx } = parse(text, { lenient: true });
    expect(events.map((e) => e.frames)).toEqual([['a.py:4294967295']]);
    expect(ctx.skippedExamples.map((x) => x.line)).toEqual([2, 3]);
  });
});
