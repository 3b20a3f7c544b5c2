// The byte-level field scanners of the CSV fast paths (src/import/csv-fields.ts)
// against plain reference definitions written with strings, regular
// expressions and BigInt: what each one accepts, where it stops, and the
// exact value it reads.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOW_SPAN } from '../../src/events/address-space.js';
import { DOMAIN_NAMES, OP_NAMES } from '../../src/events/ops.js';
import { NUM, OP_STACK_RECORD, domainAt, opAt, opLength, scanAddress, scanQuoted, scanSigned, scanSize, scanText } from '../../src/import/csv-fields.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Run a scanner over `field` followed by `rest` (a record always ends in a newline); [end, value] or -1. */
function scan(scanner: (b: Uint8Array, p: number, end: number) => number, field: string, rest = ',\n'): [number, number] | -1 {
  const b = bytes('x,' + field + rest);
  NUM[0] = NaN;
  const q = scanner(b, 2, b.length);
  return q < 0 ? -1 : [q - 2, NUM[0]!];
}

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
const decDigit = fc.constantFrom(...'0123456789');
const terminator = fc.constantFrom(',\n', '\n', '\r\n', 'x\n', 'g,\n', '"\n', ' \n');

describe('address fields', () => {
  /** What scanAddress must do: the run of digits, its exact value when below 2^48. */
  function reference(field: string, rest: string): [number, number] | -1 {
    const text = field + rest;
    const hex = /^0[xX]([0-9a-fA-F]*)/.exec(text);
    if (hex) {
      if (hex[1] === '') return -1;
      const value = BigInt('0x' + hex[1]);
      return value >= BigInt(LOW_SPAN) ? -1 : [hex[0].length, Number(value)];
    }
    const dec = /^[0-9]*/.exec(text)![0];
    if (dec === '') return [0, 0];
    const value = BigInt(dec);
    return value >= BigInt(LOW_SPAN) ? -1 : [dec.length, Number(value)];
  }

  it('reads 0x hex of any length and case, and decimal, exactly below 2^48', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('0x', '0X', ''),
        fc.array(hexDigit, { maxLength: 20 }),
        fc.array(decDigit, { maxLength: 20 }),
        terminator,
        (prefix, hex, dec, rest) => {
          const field = prefix === '' ? dec.join('') : prefix + hex.join('');
          const got = scan(scanAddress, field, rest);
          const want = reference(field, rest);
          if (want === -1 || got === -1) expect(got).toBe(want);
          else if (want[0] === 0) expect(got[0]).toBe(0); // empty: no value
          else expect(got).toEqual(want);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('takes the usual 12-digit pointer in one step, and not a longer or shorter one', () => {
    expect(scan(scanAddress, '0x7f2c1a004030')).toEqual([14, 0x7f2c1a004030]);
    expect(scan(scanAddress, '0xffffffffffff')).toEqual([14, LOW_SPAN - 1]);
    expect(scan(scanAddress, '0xFFFFFFFFFFFF', '\n')).toEqual([14, LOW_SPAN - 1]);
    expect(scan(scanAddress, '0x000000000000', '\r\n')).toEqual([14, 0]);
    expect(scan(scanAddress, '0x07f2c1a004030')).toEqual([15, 0x7f2c1a004030]);
    expect(scan(scanAddress, '0x7f2c1a0040301')).toBe(-1); // above 2^48
    expect(scan(scanAddress, '0x1000000000000')).toBe(-1); // 2^48
    expect(scan(scanAddress, '0x00007f2c1a004030')).toEqual([18, 0x7f2c1a004030]);
    expect(scan(scanAddress, '0x7f2c1a00403')).toEqual([13, 0x7f2c1a00403]);
    expect(scan(scanAddress, '0x7f2c1a00403g')).toEqual([13, 0x7f2c1a00403]);
    expect(scan(scanAddress, '0x7f2c1a0g4030')).toEqual([9, 0x7f2c1a0]);
    // A 12-digit pointer at the very end of the bytes given (no look-ahead past them).
    const b = bytes('0x7f2c1a004030\n');
    expect(scanAddress(b, 0, b.length)).toBe(14);
    expect(NUM[0]).toBe(0x7f2c1a004030);
  });
});

describe('number fields', () => {
  it('reads sizes: digits up to 2^53-1', () => {
    fc.assert(
      fc.property(fc.array(decDigit, { maxLength: 22 }), terminator, (digits, rest) => {
        const field = digits.join('');
        const got = scan(scanSize, field, rest);
        if (field === '') expect(got).not.toBe(-1);
        else if (BigInt(field) > BigInt(Number.MAX_SAFE_INTEGER)) expect(got).toBe(-1);
        else expect(got).toEqual([field.length, Number(field)]);
      }),
      { numRuns: 3000 },
    );
    expect(scan(scanSize, '9007199254740991')).toEqual([16, 9007199254740991]);
    expect(scan(scanSize, '9007199254740992')).toBe(-1);
    expect(scan(scanSize, '-5')).toEqual([0, expect.anything()]);
  });

  it('reads signed integers (ts, stack ids) of at most 15 digits', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(decDigit, { maxLength: 18 }), terminator, (negative, digits, rest) => {
        const field = (negative ? '-' : '') + digits.join('');
        const got = scan(scanSigned, field, rest);
        if (negative && digits.length === 0) expect(got).toBe(-1);
        else if (digits.length > 15) expect(got).toBe(-1);
        else if (field === '') expect(got![0]).toBe(0);
        else expect(got).toEqual([field.length, Number(field)]);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('names and text', () => {
  it('recognises every op name, and nothing else, by its first bytes', () => {
    const names = [...OP_NAMES, 'stack'];
    names.forEach((name, i) => {
      const code = name === 'stack' ? OP_STACK_RECORD : i;
      expect(opAt(bytes(name + ',\n'), 0)).toBe(code);
      expect(opLength(code)).toBe(name.length);
      // A prefix cut short is no op; a longer word starts with the op (the caller checks what follows).
      for (let n = 0; n < name.length; n++) expect(opAt(bytes(name.slice(0, n) + '\n'), 0)).toBe(-1);
      expect(opAt(bytes(name + 'x\n'), 0)).toBe(code);
    });
    for (const other of ['ALLOC', 'Alloc', 'allok', 'fred', 'arena_x', 'arena_', 'remalloc', 'cmalloc', 'marc', 'stak', 'x', ',', '\n']) {
      expect(opAt(bytes(other + '\n'), 0), other).toBe(-1);
    }
  });

  it('recognises the domain names exactly', () => {
    const letters = ['o', 'b', 'j', 'm', 'e', 'r', 'a', 'w', ',', '\n'];
    for (const a of letters) {
      for (const b of letters) {
        for (const c of letters) {
          const text = a + b + c;
          expect(domainAt(bytes(text + '\n'), 0), text).toBe(DOMAIN_NAMES.indexOf(text));
        }
      }
    }
    // The one longer name: every byte counts, and a name cut short or misspelt is none.
    expect(domainAt(bytes('native,'), 0)).toBe(DOMAIN_NAMES.indexOf('native'));
    for (const other of ['nativ,', 'natIve,', 'nat,', 'nXtive,', 'nativ\n']) expect(domainAt(bytes(other), 0), other).toBe(-1);
  });

  it('ends text at a comma, a line end, a quote or a NUL', () => {
    for (const [text, end] of [
      ['', 0],
      ['MainThread', 10],
      ['é (日本.py:1);b', bytes('é (日本.py:1);b').length],
      ['a b', 3],
      ['a"b', 1],
      ['a\u0000b', 1],
      ['a\rb', 1],
    ] as const) {
      expect(scanText(bytes(text + ',\n'), 0), text).toBe(end);
      expect(scanText(bytes(text + '\n'), 0), text).toBe(end);
    }
  });

  it('takes simple quoted text and leaves escaped quotes, quoted newlines and NULs to the slow path', () => {
    for (const [text, end] of [
      ['""', 2],
      ['"a"', 3],
      ['"a,b;c (d.py:1)"', 16],
      ['"é, 日本"', bytes('"é, 日本"').length],
      ['"a\rb"', 5],
      ['"a""b"', -1],
      ['""""', -1],
      ['"a\u0000b"', -1],
    ] as const) {
      expect(scanQuoted(bytes(text + ',\n'), 0), text).toBe(end);
      expect(scanQuoted(bytes(text + '\n'), 0), text).toBe(end);
    }
    expect(scanQuoted(bytes('"two\nlines",\n'), 0)).toBe(-1);
    expect(scanQuoted(bytes('"never closed\n'), 0)).toBe(-1);
  });
});
