// Content sniffing: the format follows from the first bytes, and files that
// cannot be a trace fail early with a message that says what they are.

import { describe, expect, test } from 'vitest';
import { TraceFormatError } from '../../src/errors.js';
import { ImportContext } from '../../src/import/import-context.js';
import { SNIFF_BYTES, sniffFormat } from '../../src/import/sniff.js';

const ctx = new ImportContext('t.trace');
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const sniff = (head: Uint8Array | string, atEnd = true) => sniffFormat(typeof head === 'string' ? bytes(head) : head, atEnd, ctx);

describe('sniffing picks the format from the first bytes', () => {
  test('a leading { means JSONL', () => {
    expect(sniff('{"op":"alloc"}\n')).toBe('jsonl');
  });

  test('a # comment, a header name or a quoted header name means CSV', () => {
    expect(sniff('# python: 3.11.7\nop,addr\n')).toBe('csv');
    expect(sniff('op,addr,size\n')).toBe('csv');
    expect(sniff('Op,Addr\n')).toBe('csv');
    expect(sniff('"op","addr"\n')).toBe('csv');
  });

  test('a UTF-8 byte order mark and leading whitespace are skipped', () => {
    expect(sniff('\uFEFF{"op":"free","addr":"0x0"}')).toBe('jsonl');
    expect(sniff('\r\n \t\n{"op":"free","addr":"0x0"}')).toBe('jsonl');
    expect(sniff('\uFEFF\n\n# comment\n')).toBe('csv');
  });

  test('a start that fits no format is unknown (null), for the caller to word', () => {
    expect(sniff('12,34\n')).toBeNull();
    expect(sniff('[{"op":"alloc"}]')).toBeNull();
    expect(sniff(' '.repeat(SNIFF_BYTES), false)).toBeNull();
  });

  test('UTF-8 text beyond ASCII is text, even when the window cuts a character', () => {
    const text = '# ' + 'größe ✓ 🚀 '.repeat(60);
    const head = bytes(text).subarray(0, SNIFF_BYTES - 1);
    expect(sniff(head, false)).toBe('csv');
  });
});

describe('sniffing stops on files that cannot be a trace', () => {
  const fatal = (head: Uint8Array | string, atEnd = true): TraceFormatError => {
    try {
      sniff(head, atEnd);
    } catch (e) {
      expect(e).toBeInstanceOf(TraceFormatError);
      return e as TraceFormatError;
    }
    throw new Error('expected a fatal error');
  };

  test('an empty file is an empty trace', () => {
    expect(fatal(new Uint8Array(0)).message).toMatch(/^t\.trace: empty trace/);
  });

  test('a file of only whitespace and a byte order mark is an empty trace', () => {
    expect(fatal('\uFEFF \n\r\n\t').message).toMatch(/^t\.trace: empty trace/);
  });

  test('a NUL byte in the first bytes means a binary file', () => {
    expect(fatal('{"op":"alloc"\u0000}').detail).toBe('binary file: not a CSV or JSONL trace');
  });

  test('mostly undecodable bytes mean a binary file', () => {
    const random = Uint8Array.from({ length: 512 }, (_, i) => 0x80 + ((i * 37) % 0x7f) + (i % 2));
    expect(fatal(random).detail).toBe('binary file: not a CSV or JSONL trace');
    const controls = Uint8Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41));
    expect(fatal(controls).detail).toBe('binary file: not a CSV or JSONL trace');
  });

  test('a pickle of protocol 2 to 5 is taken for a tracemalloc Snapshot.dump() file', () => {
    for (const protocol of [2, 3, 4, 5]) {
      const pickle = Uint8Array.from([0x80, protocol, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x0b]);
      expect(fatal(pickle).detail).toMatch(/^this looks like a tracemalloc Snapshot\.dump\(\) pickle; /);
    }
  });

  test('UTF-16 text is named as such with a way to convert it', () => {
    const utf16 = Uint8Array.from([0xff, 0xfe, 0x6f, 0, 0x70, 0]);
    expect(fatal(utf16).detail).toMatch(/UTF-16 text; .*iconv/);
  });
});
