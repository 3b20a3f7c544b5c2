// Garbage in: a one-line message naming file, line and expectation, exit 2,
// never a JavaScript stack trace; --lenient skips and counts.

import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, memreplay, tempDir } from './helpers.js';

const HEADER = 'op,addr,size,old_addr,domain,label\n';

/** A gzip stream cut in half: made here, so the cut is known to fall inside the data. */
function truncatedGzip(): Buffer {
  const lines = Array.from({ length: 3000 }, (_, i) => `alloc,0x${(0x10 + i * 16).toString(16)},${1 + (i % 500)},,obj,\n`);
  const whole = gzipSync(Buffer.from(HEADER + lines.join('')));
  return whole.subarray(0, whole.length >> 1);
}

function traceFile(name: string, content: string | Buffer): string {
  const file = join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

const CASES: [string, string | Buffer, RegExp][] = [
  ['an unknown op', HEADER + 'allok,0x10,16,,obj,\n', /bad\.csv:2: .*unknown op "allok".*expected one of alloc/],
  ['a missing size', HEADER + 'alloc,0x10,,,obj,\n', /bad\.csv:2: .*size/],
  ['a non-numeric size', HEADER + 'alloc,0x10,abc,,obj,\n', /bad\.csv:2: .*"abc"/],
  ['a negative size', HEADER + 'alloc,0x10,-5,,obj,\n', /bad\.csv:2: .*negative size/],
  ['an address beyond 64 bits', HEADER + 'alloc,0x1ffffffffffffffff,16,,obj,\n', /bad\.csv:2: .*beyond 64 bits/],
  ['broken quoting', HEADER + 'mark,,,,,"a"b\n', /bad\.csv:2: .*quot/],
  ['an empty file', '', /bad\.csv: .*empty/],
  ['a binary file', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x20]), /bad\.csv: .*binary/],
  ['a header without op', 'addr,size\n0x10,16\n', /bad\.csv:1: .*op/],
  ['a truncated gzip stream', truncatedGzip(), /bad\.csv: .*truncated gzip/],
  [
    'a plain CSV cut mid-line',
    HEADER + 'alloc,0x10,16,,obj,\nfree,0x10,,,obj,\nfree,0x',
    /bad\.csv:4: the file ends mid-record: its last line has no newline and does not parse \(.*addr.*\); was the file cut off/,
  ],
];

describe('memreplay on bad input', () => {
  for (const [what, content, message] of CASES) {
    it(`stops with exit 2 and a clear message on ${what}`, () => {
      const r = memreplay(['stats', traceFile('bad.csv', content)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
    });
  }

  it('refuses a CSV whose last line has no newline even when it parses (it may be cut), and skips it with --lenient', () => {
    const file = traceFile('cut.csv', '# python: 3.11.7\n' + HEADER + 'alloc,0x10,16,,obj,\nalloc,0x20,16');
    const r = memreplay(['analyze', file, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: .*cut\.csv:4: the file ends mid-record: its last line has no newline, so it may be cut .*--lenient/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const lenient = memreplay(['analyze', file, '--json', '--lenient']);
    expect(lenient.code).toBe(0);
    const t = JSON.parse(lenient.stdout).traces[0];
    expect(t.events.calls.alloc.total).toBe(1);
    expect(t.skippedRecords.count).toBe(1);
    expect(t.skippedRecords.examples[0]).toMatchObject({ line: 4, message: expect.stringContaining('ends mid-record') });
  });

  it('refuses a CSV with CR-only line ends instead of reading it as an empty trace', () => {
    for (const lenient of [[], ['--lenient']]) {
      const r = memreplay(['stats', traceFile('mac.csv', ('# python: 3.11.7\n' + HEADER + 'alloc,0x10,16,,obj,\n').replaceAll('\n', '\r')), ...lenient]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/mac\.csv:1: a carriage return \(\\r\) without a line feed/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('shows control characters of a file name or of trace text in its message as escapes, never raw', () => {
    const r = memreplay(['stats', traceFile('bad\u001b[2J.csv', HEADER + '\u0007\u009b31m,0x10,16,,obj,\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\\x1b\[2J\.csv:2: unknown op "\\u0007\\x9b31m"/);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('names a missing file', () => {
    const r = memreplay(['analyze', '/nonexistent/trace.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trace\.csv/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('with --lenient skips bad records, counts them and replays the rest', () => {
    const file = traceFile(
      'mixed.csv',
      '# python: 3.11.7\n' + HEADER + 'alloc,0x10,16,,obj,\nallok,0x20,16,,obj,\nalloc,0x30,-1,,obj,\nfree,0x10,,,obj,\n',
    );
    const r = memreplay(['analyze', file, '--lenient', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const t = doc.traces[0];
    expect(t.skippedRecords.count).toBe(2);
    expect(t.skippedRecords.examples.map((x: { line: number }) => x.line)).toEqual([4, 5]);
    expect(t.events.calls.alloc.total).toBe(1);
    expect(t.events.calls.free.total).toBe(1);
  });

  it('analyze goes on with the other traces when one fails, and exits 2', () => {
    const good = traceFile('good.csv', '# python: 3.11.7\n' + HEADER + 'alloc,0x10,16,,obj,\n');
    const bad = traceFile('bad.csv', HEADER + 'allok,0x10,16,,obj,\n');
    const r = memreplay(['analyze', bad, good, '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.traces).toHaveLength(1);
    expect(doc.failures[0].error).toMatch(/bad\.csv:2/);
  });
});
