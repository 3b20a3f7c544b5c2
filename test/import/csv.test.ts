// The CSV importer (src/import/csv.ts) against the trace contract
// (the shared trace-format.md, "CSV"): field mapping, exact addresses,
// chunk boundaries, csv-parse as an oracle, and the bad-input policy.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as csvParse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceFormatError } from '../../src/errors.js';
import { DEFAULT_BATCH_CAPACITY, type EventBatch } from '../../src/events/event-batch.js';
import { DOMAIN_NAMES, NO_ID, OP_MARK, OP_NAMES } from '../../src/events/ops.js';
import { MAX_LINE_BYTES, createCsvParser } from '../../src/import/csv.js';
import { ImportContext } from '../../src/import/import-context.js';
import type { TraceMeta } from '../../src/import/types.js';

/** Copies of the shared CPython traces (see the README there). */
const SHARED_TRACES = join(__dirname, '..', 'fixtures', 'cpython-traces');

interface Ev {
  op: string;
  line: number;
  addr: string;
  size: number;
  oldAddr: string;
  domain: string;
  ts: number;
  thread: string | null;
  stack: string[] | null;
  label?: string;
  interp?: number;
}

interface Parsed {
  ctx: ImportContext;
  meta: TraceMeta | undefined;
  metaCalls: number;
  batches: number;
  events: Ev[];
}

function toEv(ctx: ImportContext, b: EventBatch, i: number): Ev {
  const ev: Ev = {
    op: OP_NAMES[b.op[i]!]!,
    line: b.line[i]!,
    addr: ctx.addresses.format(b.addr[i]!),
    size: b.size[i]!,
    oldAddr: ctx.addresses.format(b.oldAddr[i]!),
    domain: DOMAIN_NAMES[b.domain[i]!]!,
    ts: b.ts[i]!,
    thread: b.thread[i] === NO_ID ? null : ctx.threads.name(b.thread[i]!),
    stack: b.stack[i] === NO_ID ? null : ctx.stacks.frames(b.stack[i]!),
  };
  if (b.op[i] === OP_MARK) ev.label = b.label[i]!;
  if (b.interp[i] !== 0) ev.interp = b.interp[i]!;
  return ev;
}

/** Parse a whole trace, pushed in chunks of `chunk` bytes (default: one chunk). */
function parseTrace(input: string | Uint8Array, opts: { chunk?: number; lenient?: boolean } = {}): Parsed {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const ctx = new ImportContext('trace.csv', opts.lenient ?? false);
  const out: Parsed = { ctx, meta: undefined, metaCalls: 0, batches: 0, events: [] };
  const parser = createCsvParser(ctx, {
    meta(meta) {
      out.metaCalls++;
      out.meta = { ...meta };
    },
    batch(b) {
      if (out.metaCalls !== 1) throw new Error('batch before meta');
      out.batches++;
      for (let i = 0; i < b.length; i++) out.events.push(toEv(ctx, b, i));
    },
  });
  const step = opts.chunk ?? Math.max(bytes.length, 1);
  for (let i = 0; i < bytes.length; i += step) parser.push(bytes.subarray(i, i + step));
  parser.end();
  return out;
}

/** The error a strict parse throws (fails the test when it does not throw). */
function strictError(input: string | Uint8Array, chunk?: number): TraceFormatError {
  try {
    parseTrace(input, chunk === undefined ? {} : { chunk });
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFormatError);
    return e as TraceFormatError;
  }
  throw new Error('expected the parse to fail');
}

const BASE = { size: NaN, oldAddr: '0x0', domain: 'obj', ts: NaN, thread: null, stack: null };

describe('CSV importer: reading valid traces', () => {
  it('collects `# key: value` comments as metadata and ignores other comments', () => {
    const { meta, metaCalls, events } = parseTrace(
      [
        '# python: 3.11.7',
        '#   allocator  :  pymalloc  ',
        '# recorder: pyrec 2, embedding launcher: PyMem_SetAllocator (OBJ, MEM)',
        '# just a remark without a colon',
        '# __proto__: harmless',
        'op,addr,size',
        'alloc,0x10,32',
      ].join('\n') + '\n',
    );
    expect(metaCalls).toBe(1);
    expect(meta).toEqual({
      python: '3.11.7',
      allocator: 'pymalloc',
      recorder: 'pyrec 2, embedding launcher: PyMem_SetAllocator (OBJ, MEM)',
      ['__proto__']: 'harmless',
    });
    expect(events).toEqual([{ ...BASE, op: 'alloc', line: 7, addr: '0x10', size: 32 }]);
  });

  it('calls meta with an empty record when the trace has no comments, even with no events', () => {
    const { meta, metaCalls, batches } = parseTrace('op,addr,size\n');
    expect(metaCalls).toBe(1);
    expect(meta).toEqual({});
    expect(batches).toBe(0);
  });

  it('maps columns by their header names in any order and ignores unknown columns', () => {
    const { events } = parseTrace(
      ['size,note,domain,addr,op,extra', '48,hello,mem,0x7f00,alloc,', ',x,,0x7f00,free,"quoted, ignored"'].join('\n') + '\n',
    );
    expect(events).toEqual([
      { ...BASE, op: 'alloc', line: 2, addr: '0x7f00', size: 48, domain: 'mem' },
      { ...BASE, op: 'free', line: 3, addr: '0x7f00' },
    ]);
  });

  it('treats columns missing from the header, and trailing fields missing from a row, as empty', () => {
    const { events } = parseTrace('op,addr,size,domain,ts\nalloc,0x10,16\nfree,0x10\n');
    expect(events).toEqual([
      { ...BASE, op: 'alloc', line: 2, addr: '0x10', size: 16 },
      { ...BASE, op: 'free', line: 3, addr: '0x10' },
    ]);
  });

  it('reads every op and every domain with the fields each one uses', () => {
    const { events } = parseTrace(
      [
        'op,addr,size,old_addr,domain,ts,thread,label',
        'arena_alloc,0x7f2c1a000000,1048576,,,0,1,',
        'alloc,0x7f2c1a004030,48,,obj,1203,1,',
        'calloc,0x7f2c1a004060,64,,mem,1204,1,',
        'realloc,0x7f2c1a005010,200,0x7f2c1a004030,obj,1250,1,',
        'realloc,0x7f2c1a006010,8,,raw,1251,1,',
        'free,0x7f2c1a005010,,,obj,1400,1,',
        'free,0x7f2c1a006010,8,,raw,1401,1,',
        'free,0x0,,,,,,',
        'mark,,,,,1300,1,iteration 1',
        'mark,,,,,,,',
        'arena_free,0x7f2c1a000000,,,,-5,1,',
      ].join('\n') + '\n',
    );
    const t = { thread: '1' };
    expect(events).toEqual([
      { ...BASE, ...t, op: 'arena_alloc', line: 2, addr: '0x7f2c1a000000', size: 1048576, ts: 0 },
      { ...BASE, ...t, op: 'alloc', line: 3, addr: '0x7f2c1a004030', size: 48, ts: 1203 },
      { ...BASE, ...t, op: 'calloc', line: 4, addr: '0x7f2c1a004060', size: 64, domain: 'mem', ts: 1204 },
      { ...BASE, ...t, op: 'realloc', line: 5, addr: '0x7f2c1a005010', size: 200, oldAddr: '0x7f2c1a004030', ts: 1250 },
      { ...BASE, ...t, op: 'realloc', line: 6, addr: '0x7f2c1a006010', size: 8, domain: 'raw', ts: 1251 },
      { ...BASE, ...t, op: 'free', line: 7, addr: '0x7f2c1a005010', ts: 1400 },
      { ...BASE, ...t, op: 'free', line: 8, addr: '0x7f2c1a006010', size: 8, domain: 'raw', ts: 1401 },
      { ...BASE, op: 'free', line: 9, addr: '0x0' },
      { ...BASE, ...t, op: 'mark', line: 10, addr: '0x0', ts: 1300, label: 'iteration 1' },
      { ...BASE, op: 'mark', line: 11, addr: '0x0', label: '' },
      { ...BASE, ...t, op: 'arena_free', line: 12, addr: '0x7f2c1a000000', ts: -5 },
    ]);
  });

  it('keeps hex and decimal addresses exact up to 64 bits, above 2^53 included', () => {
    const texts = [
      '0x7f2c1a004030',
      '0X7F2C1A004031',
      '140737488355328', // 2^47, decimal
      '281474976710656', // 2^48, 15 decimal digits
      '0x0000ffffffffffff',
      '0x1000000000000',
      '0x7fffffffffffffff',
      '0xffffffffffffffff',
      '0xfffffffffffffff0',
      '18446744073709551615', // 2^64-1, decimal
      '9007199254740993', // 2^53+1, decimal
    ];
    const csv = 'op,addr,size\n' + texts.map((a) => `alloc,${a},16`).join('\n') + '\n';
    const { events } = parseTrace(csv);
    expect(events.map((e) => e.addr)).toEqual(texts.map((t) => '0x' + BigInt(t).toString(16)));
    expect(events.map((e) => e.addr)).toContain('0xffffffffffffffff');
    expect(events.map((e) => e.addr)).toContain('0x7fffffffffffffff');
  });

  it('keeps old_addr above 2^53 exact too', () => {
    const { events } = parseTrace('op,addr,size,old_addr\nrealloc,0xffffffffffff0010,64,0xffffffffffff0000\n');
    expect(events[0]).toMatchObject({ addr: '0xffffffffffff0010', oldAddr: '0xffffffffffff0000' });
  });

  it('accepts sizes up to 2^53-1 exactly', () => {
    const { events } = parseTrace('op,addr,size\nalloc,0x10,9007199254740991\nalloc,0x20,0\n');
    expect(events.map((e) => e.size)).toEqual([9007199254740991, 0]);
  });

  it('interns integer and text thread ids', () => {
    const { events, ctx } = parseTrace(
      'op,addr,size,thread\nalloc,0x10,1,140234\nalloc,0x20,1,MainThread\nalloc,0x30,1,140234\nalloc,0x40,1,-3\nalloc,0x50,1,18446744073709551615\n',
    );
    expect(events.map((e) => e.thread)).toEqual(['140234', 'MainThread', '140234', '-3', '18446744073709551615']);
    expect(ctx.threads.count).toBe(4);
  });

  it('handles CRLF line ends, a BOM and blank lines', () => {
    const text = '\uFEFF# python: 3.12.1\r\n\r\nop,addr,size\r\n\r\nalloc,0x10,16\r\n\nfree,0x10,\r\nfree,0x20\r\n';
    const { events, meta } = parseTrace(text);
    expect(meta).toEqual({ python: '3.12.1' });
    expect(events).toEqual([
      { ...BASE, op: 'alloc', line: 5, addr: '0x10', size: 16 },
      { ...BASE, op: 'free', line: 7, addr: '0x10' },
      { ...BASE, op: 'free', line: 8, addr: '0x20' },
    ]);
  });

  it('reads a header row that starts right after the BOM', () => {
    const { events } = parseTrace('\uFEFFop,addr,size\nalloc,0x10,16\n');
    expect(events).toHaveLength(1);
  });

  it('unquotes RFC 4180 fields: commas, doubled quotes and newlines, keeping line numbers right', () => {
    const { events } = parseTrace(
      [
        'op,addr,size,frames,label',
        'alloc,"0x10","16","f (a.py:1);g, h (b.py:2);say ""hi"" (c.py:3)",',
        'mark,,,,"two',
        'lines, with a comma and ""quotes"""',
        'mark,,,,""',
        'free,0x10,,,',
      ].join('\r\n') + '\r\n',
    );
    expect(events).toEqual([
      { ...BASE, op: 'alloc', line: 2, addr: '0x10', size: 16, stack: ['f (a.py:1)', 'g, h (b.py:2)', 'say "hi" (c.py:3)'] },
      { ...BASE, op: 'mark', line: 3, addr: '0x0', label: 'two\r\nlines, with a comma and "quotes"' },
      { ...BASE, op: 'mark', line: 5, addr: '0x0', label: '' },
      { ...BASE, op: 'free', line: 6, addr: '0x10' },
    ]);
  });

  it('resolves stack records and stack refs, and interns inline frames', () => {
    const { events, ctx } = parseTrace(
      [
        'op,addr,size,stack,frames',
        'stack,,,7,"<frozen runpy>:88;app.py:12;app.py:40"',
        'alloc,0x10,16,7,',
        'alloc,0x20,16,,app.py:12;app.py:41',
        'stack,,,7,"<frozen runpy>:88;app.py:12;app.py:40"', // the same definition again: harmless
        'alloc,0x30,16,7,',
        'alloc,0x40,16,,app.py:12;app.py:41',
      ].join('\n') + '\n',
    );
    expect(events.map((e) => e.stack)).toEqual([
      ['<frozen runpy>:88', 'app.py:12', 'app.py:40'],
      ['app.py:12', 'app.py:41'],
      ['<frozen runpy>:88', 'app.py:12', 'app.py:40'],
      ['app.py:12', 'app.py:41'],
    ]);
    expect(events.map((e) => e.line)).toEqual([3, 4, 6, 7]);
    expect(ctx.stacks.stackCount).toBe(2);
  });

  it('resolves stack refs of any size, each to its definition; one defined again with other frames is a bad record', () => {
    const refs = ['1', '0', '-4', '2000000', '9007199254740991'];
    const lines = ['op,addr,size,old_addr,domain,ts,thread,stack,frames,label'];
    for (const ref of refs) lines.push(`stack,,,,,,,${ref},"first ${ref}",`);
    for (const ref of refs) lines.push(`alloc,0x10,1,,,,,${ref},,`, `alloc,0x20,1,,,,,${ref},,`);
    for (const ref of refs) lines.push(`stack,,,,,,,${ref},"second ${ref}",`, `alloc,0x30,1,,,,,${ref},,`);
    lines.push('alloc,0x40,1,,,,,3,,');
    const { events, ctx } = parseTrace(lines.join('\n') + '\n', { lenient: true });
    expect(events.map((e) => e.stack![0])).toEqual([
      ...refs.flatMap((ref) => [`first ${ref}`, `first ${ref}`]),
      ...refs.map((ref) => `first ${ref}`),
    ]);
    expect(ctx.skippedExamples).toEqual([
      ...refs.map((ref, i) => ({
        line: 17 + 2 * i,
        message: `stack ${ref} is defined again with other frames: expected each stack id defined once (its first definition stays)`,
      })),
      { line: lines.length, message: 'stack 3 is not defined by an earlier stack record' },
    ]);
    const e = strictError(lines.join('\n') + '\n');
    expect(e.message).toBe('trace.csv:17: stack 1 is defined again with other frames: expected each stack id defined once (its first definition stays)');
  });

  it('fills full batches and flushes the last partial one at the end', () => {
    const n = DEFAULT_BATCH_CAPACITY * 2 + 5;
    const rows = Array.from({ length: n }, (_, i) => `alloc,0x${(0x1000 + i * 16).toString(16)},16`);
    const { events, batches } = parseTrace('op,addr,size\n' + rows.join('\n') + '\n');
    expect(batches).toBe(3);
    expect(events).toHaveLength(n);
    expect(events[n - 1]).toMatchObject({ line: n + 1, addr: '0x' + (0x1000 + (n - 1) * 16).toString(16) });
  });

  it('honours a batch capacity given by the caller', () => {
    const ctx = new ImportContext('trace.csv');
    const sizes: number[] = [];
    const parser = createCsvParser(ctx, { meta() {}, batch: (b) => void sizes.push(b.length) }, { batchCapacity: 2 });
    parser.push(new TextEncoder().encode('op,addr,size\nalloc,0x10,1\nalloc,0x20,1\nalloc,0x30,1\nalloc,0x40,1\nfree,0x10\n'));
    parser.end();
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('does not keep references to the chunks it was given', () => {
    const text = new TextEncoder().encode('\uFEFFop,addr,size,label\nalloc,0x10,16,\nmark,,,"a\nb"\nalloc,0x20,32,\n');
    const reused = new Uint8Array(5);
    const ctx = new ImportContext('trace.csv');
    const events: Ev[] = [];
    const parser = createCsvParser(ctx, {
      meta() {},
      batch(b) {
        for (let i = 0; i < b.length; i++) events.push(toEv(ctx, b, i));
      },
    });
    for (let i = 0; i < text.length; i += reused.length) {
      const part = text.subarray(i, i + reused.length);
      reused.fill(0x7a);
      reused.set(part);
      parser.push(reused.subarray(0, part.length));
      reused.fill(0x7a);
    }
    parser.end();
    expect(events.map((e) => [e.op, e.addr, e.label])).toEqual([
      ['alloc', '0x10', undefined],
      ['mark', '0x0', 'a\nb'],
      ['alloc', '0x20', undefined],
    ]);
  });
});

describe('CSV importer: chunk boundaries', () => {
  const TRICKY = [
    '\uFEFF# python: 3.11.7',
    '# note: café, 日本',
    'op,addr,size,old_addr,domain,ts,thread,stack,frames,label',
    'arena_alloc,0x7f2c1a000000,1048576,,,0,1,,,',
    'stack,,,,,,,7,"<frozen runpy>:88;app.py:12;app.py:40",',
    'alloc,0x7f2c1a004030,48,,obj,1203,1,7,,',
    'alloc,0xffffffffffff0010,48,,mem,1204,主线程,,"é (日本.py:1);f, g (x.py:2)",',
    'realloc,0x7f2c1a005010,200,0x7f2c1a004030,obj,1250,1,7,,',
    'mark,,,,,1300,1,,,"iteration 1, ""quoted""',
    'and a second line: 日本語 é"',
    '',
    'calloc,18446744073709551600,32,,raw,-7,2,,a.py:1;b.py:2,',
    'free,0x7f2c1a005010,,,obj,1400,1,,,',
    'mark,,,,,,,,,é',
    'free,0x0,,,,,,,,',
    'arena_free,0x7f2c1a000000,1048576,,,,,,,',
  ];

  for (const [name, text] of [
    ['LF', TRICKY.join('\n') + '\n'],
    ['CRLF', TRICKY.join('\r\n') + '\r\n'],
  ] as const) {
    it(`gives the same events for every chunk size from 1 to 100 bytes (${name})`, () => {
      const whole = parseTrace(text);
      expect(whole.events).toHaveLength(10);
      expect(whole.meta).toEqual({ python: '3.11.7', note: 'café, 日本' });
      for (let chunk = 1; chunk <= 100; chunk++) {
        const parts = parseTrace(text, { chunk });
        expect(parts.meta, `chunk ${chunk}`).toEqual(whole.meta);
        expect(parts.events, `chunk ${chunk}`).toEqual(whole.events);
      }
    });
  }

  it('reports the same skipped records for every chunk size in lenient mode', () => {
    const text = TRICKY.join('\n') + '\nallok,0x10,16,,,,,,,\nalloc,0x10,-5,,,,,,,\nmark,,,,,,,,,"a"b\nalloc,0x20,16,,,,,,,\n';
    const whole = parseTrace(text, { lenient: true });
    expect(whole.ctx.skippedRecords).toBe(3);
    for (let chunk = 1; chunk <= 100; chunk++) {
      const parts = parseTrace(text, { chunk, lenient: true });
      expect(parts.events, `chunk ${chunk}`).toEqual(whole.events);
      expect(parts.ctx.skippedExamples, `chunk ${chunk}`).toEqual(whole.ctx.skippedExamples);
    }
  });
});

describe('CSV importer: line ends', () => {
  const TRACE = ['# python: 3.11.7', 'op,addr,size,old_addr,domain,label', 'alloc,0x10,16,,obj,', 'mark,,,,,"a\rb"', 'alloc,0x20,1600'];

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`refuses a last line without its newline as a cut record, whatever the chunk size (${name})`, () => {
      // `alloc,0x20,16` parses, but may be the start of `alloc,0x20,1600`.
      const cut = TRACE.join(eol).slice(0, -2);
      for (let chunk = 1; chunk <= 40; chunk++) {
        const e = strictError(cut, chunk);
        expect(e.line, `chunk ${chunk}`).toBe(5);
        expect(e.detail).toBe(
          'the file ends mid-record: its last line has no newline, so it may be cut (was the file cut off, or still being written?): end it with a newline if it is whole, or pass --lenient to skip it',
        );
      }
    });

    it(`skips a last line without its newline in lenient mode, counted with its line (${name})`, () => {
      const whole = parseTrace(TRACE.join(eol) + eol);
      expect(whole.events.map((e) => [e.op, e.line, e.size])).toEqual([
        ['alloc', 3, 16],
        ['mark', 4, NaN],
        ['alloc', 5, 1600],
      ]);
      expect(whole.events[1]!.label).toBe('a\rb'); // a CR in a quoted field is data
      for (let chunk = 1; chunk <= 40; chunk++) {
        const { events, ctx } = parseTrace(TRACE.join(eol).slice(0, -2), { chunk, lenient: true });
        expect(events, `chunk ${chunk}`).toEqual(whole.events.slice(0, 2));
        expect(ctx.skippedRecords).toBe(1);
        expect(ctx.skippedExamples).toEqual([{ line: 5, message: 'the file ends mid-record: its last line has no newline; skipped' }]);
      }
    });
  }

  it('says what was wrong with a cut last line that does not parse', () => {
    const e = strictError('op,addr,size\nalloc,0x10,16\nfree,0x');
    expect(e.message).toMatch(/^trace\.csv:3: the file ends mid-record: its last line has no newline and does not parse \(.*"0x".*\); was the file cut off/);
  });

  it('refuses a header without a newline after it, in both modes', () => {
    for (const lenient of [false, true]) {
      expect(() => parseTrace('op,addr,size', { lenient })).toThrow(/trace\.csv:1: the file ends mid-record: its last line has no newline/);
    }
  });

  it('refuses a record of exactly 1 MiB without its newline', () => {
    const e = strictError('op,label\nmark,' + 'x'.repeat(MAX_LINE_BYTES - 5), 65536);
    expect(e.line).toBe(2);
    expect(e.detail).toContain('its last line has no newline');
  });

  const BARE_CR = /a carriage return \(\\r\) without a line feed outside a quoted field: expected lines ended by \\n or \\r\\n/;
  const crOnly = TRACE.join('\r') + '\r';
  const crCases: Array<[string, string, number]> = [
    ['a file with CR-only line ends', crOnly, 1],
    ['a file with CR-only line ends and no metadata', TRACE.slice(1).join('\r') + '\r', 1],
    ['CR-only line ends after an LF header', TRACE.slice(0, 2).join('\n') + '\n' + TRACE.slice(2).join('\r') + '\r', 3],
    ['a bare CR inside a record', TRACE.join('\n') + '\nalloc,0x30,16\r,,obj,\nfree,0x30,,,obj,\n', 6],
  ];
  for (const [what, text, line] of crCases) {
    it(`refuses ${what} at its line in both modes, for every chunk size (never an empty trace)`, () => {
      for (let chunk = 1; chunk <= 40; chunk++) {
        const e = strictError(text, chunk);
        expect(e.line, `chunk ${chunk}`).toBe(line);
        expect(e.detail).toMatch(BARE_CR);
        expect(outcome(text, chunk)).toEqual({ error: e.message });
      }
    });
  }

  it('names CR-only line ends when they make a line longer than 1 MiB', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `alloc,0x${(16 + i * 32).toString(16)},16,,obj,`);
    const text = 'op,addr,size,old_addr,domain,label\r' + rows.join('\r') + '\r';
    for (const chunk of [65536, undefined]) {
      const e = strictError(text, chunk);
      expect(e.line).toBe(1);
      expect(e.detail).toContain('line longer than 1 MiB');
      expect(e.detail).toMatch(BARE_CR);
    }
  });
});

/** Events, skipped records and the fatal error (if any) of a lenient parse. */
function outcome(input: string | Uint8Array, chunk?: number): unknown {
  try {
    const { events, meta, ctx } = parseTrace(input, { lenient: true, ...(chunk ? { chunk } : {}) });
    return { events, meta, skipped: ctx.skippedRecords, examples: ctx.skippedExamples };
  } catch (e) {
    if (!(e instanceof TraceFormatError)) throw e;
    return { error: e.message };
  }
}

describe('CSV importer: arbitrary input', () => {
  const piece = fc.constantFrom(
    'op,addr,size,old_addr,domain,ts,thread,stack,frames,label\n',
    'alloc', 'free', 'mark', 'stack', 'realloc', 'arena_alloc', 'allok',
    ',', ',,', '\n', '\r\n', '\r', '"', '""', '#', '# k: v\n', ' ',
    '0x7f00', '0xffffffffffffffff', '0x1ffffffffffffffff', '123', '-5', '18446744073709551615', '7',
    'obj', 'raw', 'é', '日本', '\uFEFF', 'a.py:1;b.py:2', '\u0000',
  );

  it('gives the same outcome for any chunking of text made of CSV-significant pieces', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (pieces, chunk) => {
        const text = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label\n' + pieces.join('');
        const bytes = new TextEncoder().encode(text);
        expect(outcome(bytes, chunk)).toEqual(outcome(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same outcome whether fields are quoted or not', () => {
    const value = fc.constantFrom('', 'alloc', 'free', 'mark', 'stack', 'x', '0x10', '0xffffffffffffffff', '16', '-1', 'mem', 'é', 'a.py:1', '12');
    fc.assert(
      fc.property(fc.array(fc.array(value, { minLength: 1, maxLength: 11 }), { maxLength: 20 }), (rows) => {
        const head = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label\n';
        const plain = head + rows.map((r) => r.join(',')).join('\n');
        const quoted = head + rows.map((r) => r.map((f) => (f === '' ? '' : `"${f}"`)).join(',')).join('\n');
        expect(outcome(new TextEncoder().encode(quoted))).toEqual(outcome(new TextEncoder().encode(plain)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CSV importer: the column layouts with a fast path of their own', () => {
  // `op,addr,size,old_addr,domain,label` (shared and synthetic traces) and the
  // recorder's `op,addr,size,old_addr,domain,ts,thread,stack,frames,label`
  // are read by straight-line code; any other header by the per-column loop,
  // and anything unusual by the slow path. All three must agree.
  const SHORT = ['op', 'addr', 'size', 'old_addr', 'domain', 'label'];
  const RECORDER = ['op', 'addr', 'size', 'old_addr', 'domain', 'ts', 'thread', 'stack', 'frames', 'label'];

  const address = [
    '', '0x7f2c1a004030', '0x7F2C1A00403a', '0X7f2c1a004030', '0x55d0c0ffee00', '0xffffffffffff', '0x000000000010',
    '0x7f2c1a00403', '0x7f2c1a0040301', '0x1000000000000', '0x0000ffffffffffff', '0xffffffffffffffff',
    '0x1ffffffffffffffff', '0x10', '0x0', '0x', '0xg', '0x7f2c1a00403g', '140737488355328', '281474976710656',
    '18446744073709551615', '18446744073709551616', '00012', '-1', 'é',
  ];
  const VALUES: Record<string, readonly string[]> = {
    op: ['alloc', 'alloc', 'free', 'free', 'calloc', 'realloc', 'arena_alloc', 'arena_free', 'mark', 'stack', 'allok', 'alloc_', 'fre', 'frees', 'ALLOC', 'arena_', 'arena_x', 'a', ''],
    addr: address,
    size: ['', '0', '16', '1048576', '9007199254740991', '9007199254740992', '99999999999999999999', '-5', '1.5', 'big', '00012'],
    old_addr: address,
    domain: ['', 'obj', 'mem', 'raw', 'heap', 'ob', 'objx', 'OBJ', 'r'],
    ts: ['', '0', '1203', '-5', '-', '123456789012345', '1234567890123456', '1.5', 'x'],
    thread: ['', '1', '140234', 'MainThread', '-3', '99999999999999999999', '1-2', 'é'],
    stack: ['', '1', '7', '-1', 'seven', '123456789012345', '1234567890123456'],
    frames: ['', 'a.py:1;b.py:2', 'é (日本.py:1)', 'x', '"<module> (a.py:1);f (b.py:2)"', '"g, h (c.py:3)"'],
    label: ['', 'iteration 1', 'é', ' '],
    interp: ['', '0', '1', '2', '17', '2147483647', '2147483648', '99999999999', '-1', 'x', '1.5'],
  };
  const EXTRA = ['', 'x', '1'];

  /** Rows of a layout: values by column, at most one field too many, any line end, blank lines. */
  const rowsOf = (columns: string[], maxFields: number) =>
    fc.array(
      fc.tuple(
        fc.tuple(...columns.map((c) => fc.constantFrom(...VALUES[c]!)), fc.constantFrom(...EXTRA)),
        fc.integer({ min: 1, max: maxFields }),
        fc.constantFrom('\n', '\n', '\r\n', '\n\n', '\r\n\r\n'),
      ),
      { maxLength: 25 },
    );

  /** The stack records every trace here starts with, so that stack refs 1 and 7 resolve. */
  const stacks = (columns: string[]): string =>
    columns.includes('frames')
      ? [1, 7].map((id) => columns.map((c) => (c === 'op' ? 'stack' : c === 'stack' ? String(id) : c === 'frames' ? `"f${id} (a.py:${id})"` : '')).join(',') + '\n').join('')
      : '';

  const text = (header: string, columns: string[], rows: Array<[string[], number, string]>, quote: boolean): string =>
    header +
    '\n' +
    stacks(columns) +
    rows.map(([values, n, eol]) => values.slice(0, n).map((v) => (quote && v !== '' && !v.startsWith('"') ? `"${v}"` : v)).join(',') + eol).join('');

  for (const [name, columns] of [
    ['short', SHORT],
    ['recorder', RECORDER],
    ['recorder + interp', [...RECORDER, 'interp']],
  ] as const) {
    it(`reads the ${name} layout as the slow path does (every field quoted), record by record`, () => {
      fc.assert(
        fc.property(rowsOf(columns, columns.length + 1), (rows) => {
          const header = columns.join(',');
          expect(outcome(text(header, columns, rows, false))).toEqual(outcome(text(header, columns, rows, true)));
        }),
        { numRuns: 400 },
      );
    });

    it(`reads the ${name} layout as the per-column path does (same columns, one more in the header)`, () => {
      fc.assert(
        fc.property(rowsOf(columns, columns.length), (rows) => {
          const known = outcome(text(columns.join(','), columns, rows, false));
          expect(outcome(text(columns.join(',') + ',note', columns, rows, false))).toEqual(known);
        }),
        { numRuns: 400 },
      );
    });

    it(`gives the same outcome for any chunking of the ${name} layout, bad and quoted records included`, () => {
      const awkward = fc.constantFrom('', '"a,b"', '"x""y"', '"two\nlines"', '"', '\u0000', '\r', '#');
      fc.assert(
        fc.property(
          rowsOf(columns, columns.length + 1),
          fc.array(fc.tuple(fc.nat(30), fc.nat(columns.length), awkward), { maxLength: 4 }),
          fc.integer({ min: 1, max: 100 }),
          (rows, changes, chunk) => {
            for (const [row, column, value] of changes) if (row < rows.length) rows[row]![0][column] = value;
            const bytes = new TextEncoder().encode(text(columns.join(','), columns, rows, false));
            expect(outcome(bytes, chunk)).toEqual(outcome(bytes));
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('reads the stack records the recorder writes as the slow path does, and leaves it every other shape', () => {
    const header = RECORDER.join(',') + '\n';
    const use = 'alloc,0x10,16,,,,,7,,\n';
    for (const record of [
      'stack,,,,,,,7,"a.py:1;b (c.py:2)",',
      'stack,,,,,,,7,"é; 日本 (x.py:1)",\r',
      'stack,,,,,,,-3,"a",',
      'stack,,,,,,,7,"",',
      'stack,,,,,,,7,"a""b",',
      'stack,,,,,,,7,"a",x',
      'stack,,,,,,,7,"a"x',
      'stack,,,,,,,7,"a"x,',
      'stack,,,,,,,7,"a","b",',
      'stack,,,,,,,7,"a",,',
      'stack,,,,,,,7,"a,\nb",',
      'stack,,,,,,,7,"a\r",',
      'stack,,,,,,,7,"a\u0000",',
      'stack,,,,,,,1234567890123456,"a",',
      'stack,,,,,,,,"a",',
      'stack,,,,,,,7,a,',
      'stack,,,,,,,7,",',
      'stack,,,,,,,7,"",\n",',
      'stack,,,,,,,7,"a"",\nb",',
      'stack,,,,,,0,7,"a",',
      'stack,,,,,,,7 ,"a",',
      'stack,,,,,,,7,"a"',
    ]) {
      const plain = header + record + '\n' + use;
      const slow = header + record.replace(/^stack/, '"stack"') + '\n' + use;
      expect(outcome(plain), JSON.stringify(record)).toEqual(outcome(slow));
      for (const chunk of [1, 5, 16]) expect(outcome(plain, chunk), JSON.stringify(record)).toEqual(outcome(plain));
    }
  });

  it('reads the stack records of the recorder layout with interp (an empty interp field or none) as the slow path does', () => {
    const header = [...RECORDER, 'interp'].join(',') + '\n';
    const use = 'alloc,0x10,16,,,,,7,,,3\n';
    for (const record of [
      'stack,,,,,,,7,"a.py:1;b (c.py:2)",',
      'stack,,,,,,,7,"a.py:1;b (c.py:2)",,',
      'stack,,,,,,,7,"a",,\r',
      'stack,,,,,,,7,"a",,1',
      'stack,,,,,,,7,"a",,,',
      'stack,,,,,,,7,"a",x,',
    ]) {
      const plain = header + record + '\n' + use;
      const slow = header + record.replace(/^stack/, '"stack"') + '\n' + use;
      expect(outcome(plain), JSON.stringify(record)).toEqual(outcome(slow));
      for (const chunk of [1, 5, 16]) expect(outcome(plain, chunk), JSON.stringify(record)).toEqual(outcome(plain));
    }
  });

  it('reads interp in every layout and path: absent or empty is 0 (the main interpreter), a bad one is a clear error', () => {
    const recorder = parseTrace(
      [[...RECORDER, 'interp'].join(','), 'alloc,0x10,16,,,5,1,,,,2', 'alloc,0x20,16,,,6,1,,,,', 'mark,,,,,7,1,,,stats,2', 'free,0x10,,,,8,1'].join('\n') + '\n',
    );
    expect(recorder.events.map((e) => [e.op, e.interp ?? 0])).toEqual([
      ['alloc', 2],
      ['alloc', 0],
      ['mark', 2],
      ['free', 0],
    ]);
    const other = parseTrace(['interp,op,addr,size', '3,alloc,0x10,16', '"4",alloc,0x20,16', ',free,0x10'].join('\n') + '\n');
    expect(other.events.map((e) => e.interp ?? 0)).toEqual([3, 4, 0]);
    for (const bad of ['-1', 'x', '2147483648', '1.5']) {
      const e = strictError(`op,addr,size,interp\nalloc,0x10,16,${bad}\n`);
      expect(e.line).toBe(2);
      expect(e.message).toContain('expected interp (an interpreter id, an integer from 0 to 2147483647)');
    }
  });

  it('reads every field of both layouts, with the line of every record', () => {
    const short = parseTrace(
      ['op,addr,size,old_addr,domain,label', 'alloc,0x7f2c1a004030,48,,obj,', 'realloc,0x7f2c1a005010,200,0x7f2c1a004030,mem,', 'free,0x7f2c1a005010,,,mem,', 'mark,,,,,phase 2', 'calloc,0x10,8,,raw,'].join('\r\n') + '\r\n',
    );
    expect(short.events).toEqual([
      { ...BASE, op: 'alloc', line: 2, addr: '0x7f2c1a004030', size: 48 },
      { ...BASE, op: 'realloc', line: 3, addr: '0x7f2c1a005010', size: 200, oldAddr: '0x7f2c1a004030', domain: 'mem' },
      { ...BASE, op: 'free', line: 4, addr: '0x7f2c1a005010', domain: 'mem' },
      { ...BASE, op: 'mark', line: 5, addr: '0x0', label: 'phase 2' },
      { ...BASE, op: 'calloc', line: 6, addr: '0x10', size: 8, domain: 'raw' },
    ]);
    const recorder = parseTrace(
      [
        'op,addr,size,old_addr,domain,ts,thread,stack,frames,label',
        'arena_alloc,0x7f8ce6de7000,1048576,,,144946,31673,,,',
        'stack,,,,,,,3,"<module> (a.py:1)",',
        'alloc,0x7f8ce6de8030,56,,obj,160910,31673,3,,',
        'alloc,0x56202142dda0,768,,obj,201961,31674,,b.py:2;c.py:3,',
        'free,0x7f8ce6de8030,,,obj,-7,MainThread,3,,',
        'arena_free,0x7f8ce6de7000,,,,,,,,',
      ].join('\n') + '\n',
    );
    expect(recorder.events).toEqual([
      { ...BASE, op: 'arena_alloc', line: 2, addr: '0x7f8ce6de7000', size: 1048576, ts: 144946, thread: '31673' },
      { ...BASE, op: 'alloc', line: 4, addr: '0x7f8ce6de8030', size: 56, ts: 160910, thread: '31673', stack: ['<module> (a.py:1)'] },
      { ...BASE, op: 'alloc', line: 5, addr: '0x56202142dda0', size: 768, ts: 201961, thread: '31674', stack: ['b.py:2', 'c.py:3'] },
      { ...BASE, op: 'free', line: 6, addr: '0x7f8ce6de8030', ts: -7, thread: 'MainThread', stack: ['<module> (a.py:1)'] },
      { ...BASE, op: 'arena_free', line: 7, addr: '0x7f8ce6de7000' },
    ]);
  });
});

describe('CSV importer: csv-parse as the oracle', () => {
  interface Row {
    op: string;
    addr: string;
    size: string;
    old_addr?: string;
    domain?: string;
    label?: string;
    frames?: string;
    thread?: string;
  }

  /** What the importer should produce for csv-parse's rows (stack records are not events). */
  function expectedFrom(rows: Row[]): unknown[] {
    const hex = (t: string | undefined): string => '0x' + BigInt(t === undefined || t === '' ? 0 : t).toString(16);
    return rows
      .filter((r) => r.op !== 'stack')
      .map((r) => ({
        op: r.op,
        addr: r.op === 'mark' ? '0x0' : hex(r.addr),
        size: r.op === 'mark' || r.size === '' ? NaN : Number(r.size),
        oldAddr: r.op === 'realloc' ? hex(r.old_addr) : '0x0',
        domain: r.domain === undefined || r.domain === '' ? 'obj' : r.domain,
        label: r.op === 'mark' ? (r.label ?? '') : undefined,
        ...(r.frames !== undefined ? { stack: r.frames === '' ? null : r.frames.split(';') } : {}),
        ...(r.thread !== undefined ? { thread: r.thread === '' ? null : r.thread } : {}),
      }));
  }

  function actual(events: Ev[], withFramesAndThread: boolean): unknown[] {
    return events.map((e) => ({
      op: e.op,
      addr: e.addr,
      size: e.size,
      oldAddr: e.oldAddr,
      domain: e.domain,
      label: e.label,
      ...(withFramesAndThread ? { stack: e.stack, thread: e.thread } : {}),
    }));
  }

  function oracleRows(text: string): Row[] {
    const withoutComments = text
      .replace(/^\uFEFF/, '')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    return csvParse(withoutComments, { columns: true, skip_empty_lines: true }) as Row[];
  }

  it('agrees with csv-parse on a real CPython trace (startup-3.11)', () => {
    const text = gunzipSync(readFileSync(`${SHARED_TRACES}/startup-3.11.csv.gz`)).toString('utf8');
    const rows = oracleRows(text);
    expect(rows.length).toBeGreaterThan(5000);
    const { events, meta } = parseTrace(text, { chunk: 65536 });
    expect(meta).toMatchObject({ python: '3.11.7', complete: 'true', arena_size: '1048576' });
    expect(actual(events, false)).toEqual(expectedFrom(rows));
  });

  it('agrees with csv-parse on a trace of the recorder: stack records, stack refs, threads, timestamps (churn-3.11)', () => {
    const text = gunzipSync(readFileSync(join(__dirname, '..', '..', 'traces', 'churn-3.11.csv.gz'))).toString('utf8');
    const rows = oracleRows(text) as Array<Row & { ts: string; stack: string }>;
    const stacks = new Map<string, string[]>();
    const expected: unknown[] = [];
    for (const row of rows) {
      if (row.op === 'stack') {
        stacks.set(row.stack, row.frames!.split(';'));
        continue;
      }
      expected.push({
        op: row.op,
        addr: row.op === 'mark' ? '0x0' : '0x' + BigInt(row.addr).toString(16),
        size: row.op === 'mark' || row.size === '' ? NaN : Number(row.size),
        ts: row.ts === '' ? NaN : Number(row.ts),
        thread: row.thread === '' ? null : row.thread,
        stack: row.stack === '' ? null : stacks.get(row.stack)!,
        label: row.op === 'mark' ? row.label : undefined,
      });
    }
    expect(stacks.size).toBeGreaterThan(2000);
    const { events } = parseTrace(text, { chunk: 65536 });
    expect(events.map((e) => ({ op: e.op, addr: e.addr, size: e.size, ts: e.ts, thread: e.thread, stack: e.stack, label: e.label }))).toEqual(expected);
  });

  /** A deterministic generator of valid but awkward traces. */
  function generateTrace(seed: number, rows: number, eol: string): string {
    let state = seed >>> 0;
    const rnd = (n: number): number => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const hex48 = (): string => (rnd(0xffffff) * 0x1000000 + rnd(0xffffff)).toString(16);
    const address = (): string =>
      pick([
        () => '0x' + hex48(),
        () => '0X' + hex48().toUpperCase(),
        () => String(rnd(0xffffff) * 0x100000 + rnd(0xfffff)),
        () => '0x0000' + hex48(),
        () => '0x' + pick(['ffff', '7fff', '8000', 'dead']) + hex48().padStart(12, '0'),
        () => (BigInt(pick(['18446744073709551615', '9223372036854775808', '9007199254740993'])) - BigInt(rnd(1000))).toString(),
        () => '0',
      ])();
    const text = (): string =>
      Array.from({ length: rnd(4) }, () =>
        pick(['iteration', ' ', ',', '"', '""', '\n', 'é', '日本', 'a.py:1', ';', 'x\r\ny', "'"]),
      ).join('');
    const frames = (): string => Array.from({ length: rnd(4) }, () => pick(['a.py:1', 'f (b.py:2)', 'g, h (c.py:3)', 'é (日本.py:9)', 'q "x" (d.py:4)'])).join(';');
    const field = (v: string): string =>
      /[",\r\n]/.test(v) || (v !== '' && rnd(8) === 0) ? '"' + v.replaceAll('"', '""') + '"' : v;
    const header = ['label', 'op', 'addr', 'size', 'old_addr', 'domain', 'thread', 'frames', 'note'];
    const lines = ['# generated: by test/import/csv.test.ts', header.join(',')];
    for (let i = 0; i < rows; i++) {
      const op = pick(['alloc', 'calloc', 'realloc', 'free', 'arena_alloc', 'arena_free', 'mark']);
      const mark = op === 'mark';
      const sizeOptional = op === 'free' || op === 'arena_free';
      const row: Record<string, string> = {
        op,
        addr: mark ? '' : address(),
        size: mark || (sizeOptional && rnd(2) === 0) ? '' : String(rnd(2000)),
        old_addr: op === 'realloc' && rnd(3) > 0 ? address() : '',
        domain: pick(['', 'obj', 'mem', 'raw']),
        thread: pick(['', '1', '140234', 'MainThread', 'worker "2"']),
        frames: rnd(3) === 0 ? frames() : '',
        label: mark ? text() : '',
        note: text(),
      };
      lines.push(header.map((h) => field(row[h]!)).join(','));
      if (rnd(20) === 0) lines.push('');
    }
    return lines.join(eol) + eol;
  }

  for (const eol of ['\n', '\r\n']) {
    it(`agrees with csv-parse on generated traces with quoted and odd fields (${JSON.stringify(eol)} line ends)`, () => {
      const text = generateTrace(eol === '\n' ? 1 : 2, 3000, eol);
      const rows = oracleRows(text);
      expect(rows).toHaveLength(3000);
      const whole = parseTrace(text);
      expect(actual(whole.events, true)).toEqual(expectedFrom(rows));
      expect(parseTrace(text, { chunk: 97 }).events).toEqual(whole.events);
    });
  }
});

describe('CSV importer: bad input', () => {
  const HEAD = '# python: 3.11.7\nop,addr,size,old_addr,domain,stack,frames,label\nalloc,0x10,16,,,,,\n';
  const HEAD_TS = 'op,addr,size,ts,thread\nalloc,0x10,16,,\n';

  // Recoverable: strict mode throws at the record's line, lenient mode skips it.
  const recoverable: Array<[string, string, string | RegExp]> = [
    ['an unknown op', 'allok,0x10,16,,,,,', 'unknown op "allok": expected one of alloc, calloc, realloc, free, arena_alloc, arena_free, mark, mmap, munmap, mremap, stack'],
    ['an empty op', ',0x10,16,,,,,', 'missing op: expected one of alloc'],
    ['a missing size', 'alloc,0x10,,,,,,', 'missing size: alloc needs addr and size'],
    ['a missing addr', 'free,,,,,,,', 'missing addr: free needs addr'],
    ['a non-numeric size', 'alloc,0x10,big,,,,,', 'expected a size (non-negative integer), got "big"'],
    ['a non-numeric address', 'alloc,0xzz,16,,,,,', 'addr: expected an address (0x-prefixed hex or decimal), got "0xzz"'],
    ['a negative size', 'alloc,0x10,-5,,,,,', 'negative size -5: expected a non-negative integer'],
    ['an address beyond 64 bits', 'alloc,0x1ffffffffffffffff,16,,,,,', /address beyond 64 bits: "0x1ffffffffffffffff" in addr: expected at most 64 bits/],
    ['a decimal address beyond 64 bits', 'realloc,0x10,16,18446744073709551616,,,,', /address beyond 64 bits.* in old_addr/],
    ['an unknown domain', 'alloc,0x10,16,,heap,,,', 'unknown domain "heap": expected obj, mem, raw or native'],
    ['broken quoting after a closing quote', 'mark,,,,,,,"a"b', 'broken quoting: characters after a closing quote in field 8 ("b"): expected a comma'],
    ['a quote inside an unquoted field', 'mark,,,,,,,a"b', 'broken quoting: a quote inside the unquoted field 8 ("a\\"b"): expected the whole field in quotes'],
    ['an undefined stack id', 'alloc,0x10,16,,,7,,', 'stack 7 is not defined by an earlier stack record'],
    ['a non-numeric stack id', 'alloc,0x10,16,,,seven,,', 'expected a stack id (an integer), got "seven"'],
    ['both stack and frames', 'stack,,,,,7,a.py:1,\nalloc,0x10,16,,,7,a.py:1,', 'both stack and frames: expected an event to carry a stack id or inline frames, not both'],
    ['a stack record without frames', 'stack,,,,,7,,', 'missing frames: a stack record needs stack (its id) and frames'],
    ['more fields than the header names', 'alloc,0x10,16,,,,a.py:1,b.py:2,', '9 fields but the header names 8 columns: expected at most 8'],
    ['a comment after the header', '# late comment', 'comment after the header ("# late comment"): expected a record'],
    ['a stack id beyond 2^53-1', 'alloc,0x10,16,,,9007199254740992,,', 'stack id "9007199254740992" is out of range: expected an integer from -(2^53-1) to 2^53-1'],
    ['a stack record with a stack id beyond 2^53-1', 'stack,,,,,-9007199254740992,a.py:1,', 'stack id "-9007199254740992" is out of range'],
    ['an mmap without a size', 'mmap,0x7f0000000000,,,,,,', 'missing size: mmap needs addr and size'],
    ['a munmap without a size', 'munmap,0x7f0000000000,,,native,,,', 'missing size: munmap needs addr and size'],
    ['an mremap without old_addr', 'mremap,0x7f0000000000,4096,,,,,', 'missing old_addr: mremap needs addr, size and old_addr'],
    ['an mmap of a Python domain', 'mmap,0x7f0000000000,4096,,raw,,,', "mmap with domain raw: a mapping's domain is native or empty"],
    ['a domain that only starts with native', 'alloc,0x10,16,,nativeX,,,', 'unknown domain "nativeX"'],
    ['a domain cut short of native', 'alloc,0x10,16,,nat,,,', 'unknown domain "nat"'],
  ];
  // Out-of-range numbers in the recorder's columns (fastKnown and fast paths both give up on them).
  const outOfRange: Array<[string, string, string]> = [
    ['a 400-digit timestamp', `alloc,0x20,16,${'9'.repeat(400)},`, `expected a timestamp in ts (an integer from -2^63 to 2^64-1), got "${'9'.repeat(40)}…"`],
    ['a timestamp of 2^64', 'alloc,0x20,16,18446744073709551616,', 'expected a timestamp in ts (an integer from -2^63 to 2^64-1), got "18446744073709551616"'],
    ['a timestamp below -2^63', 'alloc,0x20,16,-9223372036854775809,', 'expected a timestamp in ts (an integer from -2^63 to 2^64-1)'],
    ['an integer thread id of 2^64', 'alloc,0x20,16,,18446744073709551616', 'expected thread (an integer from -2^63 to 2^64-1, or a name), got "18446744073709551616"'],
    ['a 400-digit thread id', `alloc,0x20,16,,${'1'.repeat(400)}`, 'expected thread (an integer from -2^63 to 2^64-1, or a name)'],
  ];

  for (const [what, row, expected, head] of [
    ...recoverable.map(([w, r, x]) => [w, r, x, HEAD] as const),
    ...outOfRange.map(([w, r, x]) => [w, r, x, HEAD_TS] as const),
  ]) {
    const text = head + row + (head === HEAD ? '\nfree,0x10,,,,,,\n' : '\nfree,0x10,,,\n');
    const badLine = head.split('\n').length - 1 + row.split('\n').length;

    it(`stops at ${what} in strict mode, naming the line and what was expected`, () => {
      const e = strictError(text);
      expect(e.line).toBe(badLine);
      expect(e.message).toMatch(new RegExp(`^trace\\.csv:${badLine}: `));
      if (typeof expected === 'string') expect(e.detail).toContain(expected);
      else expect(e.detail).toMatch(expected);
    });

    it(`skips ${what} in lenient mode, counts it and keeps the good records`, () => {
      const { events, ctx } = parseTrace(text, { lenient: true });
      expect(events.map((e) => [e.op, e.line])).toEqual([
        ['alloc', head.split('\n').length - 1],
        ['free', badLine + 1],
      ]);
      expect(ctx.skippedRecords).toBe(1);
      expect(ctx.skippedExamples).toHaveLength(1);
      expect(ctx.skippedExamples[0]!.line).toBe(badLine);
    });
  }

  it('refuses out-of-range numbers in the recorder layout too, for every chunk size, and skips them with --lenient', () => {
    const head = 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label\nalloc,0x10,16,,obj,5,1,,,\n';
    for (const [row, expected] of [
      [`alloc,0x20,16,,obj,${'9'.repeat(400)},1,,,`, 'expected a timestamp in ts (an integer from -2^63 to 2^64-1)'],
      ['alloc,0x20,16,,obj,5,18446744073709551616,,,', 'expected thread (an integer from -2^63 to 2^64-1, or a name)'],
      ['alloc,0x20,16,,obj,5,1,9007199254740992,,', 'stack id "9007199254740992" is out of range'],
    ] as const) {
      const text = head + row + '\nfree,0x10,,,obj,6,1,,,\n';
      for (const chunk of [undefined, 1, 7, 64]) {
        const e = strictError(text, chunk);
        expect(e.line).toBe(3);
        expect(e.detail).toContain(expected);
        const { events, ctx } = parseTrace(text, { lenient: true, ...(chunk ? { chunk } : {}) });
        expect(events.map((ev) => ev.line)).toEqual([2, 4]);
        expect(ctx.skippedExamples).toEqual([{ line: 3, message: expect.stringContaining(expected) }]);
      }
    }
  });

  it('keeps timestamps and thread ids of 64 bits: 2^64-1 and -2^63', () => {
    const { events } = parseTrace('op,addr,size,ts,thread\nalloc,0x10,16,18446744073709551615,-9223372036854775808\nalloc,0x20,16,-9223372036854775808,0\n');
    expect(events.map((e) => [e.ts, e.thread])).toEqual([
      [2 ** 64, '-9223372036854775808'],
      [-(2 ** 63), '0'],
    ]);
  });

  it('stops at a non-integer timestamp, naming the line and what was expected', () => {
    const e = strictError('op,addr,size,ts\nalloc,0x10,16,1.5\n');
    expect(e.message).toBe('trace.csv:2: expected a timestamp in ts (an integer), got "1.5"');
  });

  it('shows control characters of bad values as escapes in messages (C0 by JSON, DEL and C1 as \\xNN)', () => {
    const e = strictError('op,addr,size\n\u001b[2J\u009b31m\u007f,0x10,16\n');
    expect(e.detail).toBe('unknown op "\\u001b[2J\\x9b31m\\x7f": expected one of alloc, calloc, realloc, free, arena_alloc, arena_free, mark, mmap, munmap, mremap, stack');
  });

  it('quotes long bad values in messages only up to a bound', () => {
    const e = strictError(`op,addr,size\n${'x'.repeat(5000)},0x10,16\n`);
    expect(e.detail.length).toBeLessThan(200);
    expect(e.detail).toContain('unknown op "xxxx');
  });

  it('counts every skipped record in lenient mode but keeps only the first few examples', () => {
    const bad = Array.from({ length: 25 }, (_, i) => `allok,0x${i},16,,,,,`).join('\n');
    const { events, ctx } = parseTrace(HEAD + bad + '\nfree,0x10,,,,,,\n', { lenient: true });
    expect(events).toHaveLength(2);
    expect(ctx.skippedRecords).toBe(25);
    expect(ctx.skippedExamples.length).toBe(10);
    expect(ctx.skippedExamples[0]).toEqual({ line: 4, message: expect.stringContaining('unknown op "allok"') });
  });

  // Fatal: thrown in both modes.
  const fatal: Array<[string, string | Uint8Array, number, string]> = [
    ['empty input', '', 0, 'empty trace: expected a header row naming the columns (op,addr,size,...)'],
    ['input of blank lines only', '\n\r\n\n', 0, 'empty trace: expected a header row naming the columns'],
    ['only comments and no header', '# python: 3.11.7\n# complete: true\n', 2, 'no header row after the comments: expected a header row naming the columns'],
    ['a header without an op column', '# python: 3.11.7\naddr,size\n0x10,16\n', 2, 'header has no `op` column: expected a header row naming the columns (op,addr,size,...), found "addr,size"'],
    ['a data row where the header should be', 'alloc,0x10,16\n', 1, 'header has no `op` column'],
    ['a header naming a column twice', 'op,addr,addr\n', 1, 'header names the column "addr" twice'],
    ['a quoted field still open at the end of the input', HEAD + 'mark,,,,,,,"never closed\nalloc,0x20,16,,,,,\n', 4, 'unterminated quoted field: expected a closing quote'],
    ['a NUL byte in a record', HEAD + 'alloc,0x10,1\u00006,,,,,\n', 4, 'binary data (NUL byte) where CSV text was expected'],
    ['a NUL byte in an ignored column', 'op,addr,size,x\nalloc,0x10,16,\u0000\n', 2, 'binary data (NUL byte)'],
    ['gzip bytes fed as CSV', new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0a]), 1, 'binary data (NUL byte)'],
  ];

  for (const [what, input, line, expected] of fatal) {
    it(`fails on ${what} in strict and in lenient mode`, () => {
      const e = strictError(input);
      expect(e.line).toBe(line);
      expect(e.detail).toContain(expected);
      expect(() => parseTrace(input, { lenient: true })).toThrow(TraceFormatError);
      for (const chunk of [1, 3, 7]) expect(strictError(input, chunk).message).toBe(e.message);
    });
  }

  describe('over-long lines', () => {
    // The long text is in a column memreplay ignores: a label is bounded far below 1 MiB.
    const prefix = 'op,label,note\nmark,a,\n';
    const markOfLength = (n: number): string => 'mark,b,' + 'x'.repeat(n - 7);

    it('fails on a line longer than 1 MiB at its line, whatever the chunk size', () => {
      const text = prefix + markOfLength(MAX_LINE_BYTES + 1) + '\nmark,b\n';
      for (const chunk of [undefined, 1000, 65536, 1 << 20, 3 << 20]) {
        const e = strictError(text, chunk);
        expect(e.line).toBe(3);
        expect(e.detail).toContain('line longer than 1 MiB');
        expect(() => parseTrace(text, { lenient: true, ...(chunk ? { chunk } : {}) })).toThrow(/line longer than 1 MiB/);
      }
    });

    it('fails on an endless line without a newline before buffering more than 1 MiB of it', () => {
      const text = prefix + '"' + 'x'.repeat(3 << 20);
      for (const chunk of [4096, 65536]) {
        const e = strictError(text, chunk);
        expect(e.line).toBe(3);
        expect(e.detail).toContain('line longer than 1 MiB');
        expect(e.detail).toContain('inside a quoted field: is a closing quote missing?');
      }
    });

    for (const eol of ['\n', '\r\n']) {
      it(`accepts a line of exactly 1 MiB (${JSON.stringify(eol)} after it)`, () => {
        const text = prefix + markOfLength(MAX_LINE_BYTES) + eol;
        for (const chunk of [undefined, 4096, 65536]) {
          const { events } = parseTrace(text, chunk ? { chunk } : {});
          expect(events).toHaveLength(2);
          expect(events[1]!.label).toBe('b');
        }
      });
    }
  });
});

describe('CSV importer: line numbers of frames', () => {
  it('refuses a frame whose line number is beyond 2^32-1 as a bad record, inline or in a stack record', () => {
    const text = [
      'op,addr,size,stack,frames',
      'alloc,0x10,16,,a.py:4294967295',
      'alloc,0x20,16,,"f (b.py:4294967296)"',
      `stack,,,3,"main.py:1;c.py:${'9'.repeat(400)}"`,
      'alloc,0x30,16,3,',
      'alloc,0x40,16,,"f (b.py:4294967296)"',
    ].join('\n') + '\n';
    const e = strictError(text);
    expect(e.message).toBe('trace.csv:3: line number 4294967296 of a frame is out of range: expected at most 4294967295');
    const { events, ctx } = parseTrace(text, { lenient: true });
    expect(events.map((x) => [x.line, x.stack])).toEqual([[2, ['a.py:4294967295']]]);
    expect(ctx.skippedExamples.map((x) => [x.line, x.message])).toEqual([
      [3, 'line number 4294967296 of a frame is out of range: expected at most 4294967295'],
      [4, `line number ${'9'.repeat(20)}… of a frame is out of range: expected at most 4294967295`],
      [5, 'stack 3 is not defined by an earlier stack record'],
      [6, 'line number 4294967296 of a frame is out of range: expected at most 4294967295'],
    ]);
  });
});
