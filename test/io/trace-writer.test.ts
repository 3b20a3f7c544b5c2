// The trace writers' own rules: the output format comes from the name, and
// what CSV cannot say (a `;` inside a frame, a line end in metadata) is
// refused with the remedy rather than written wrong.

import { describe, expect, test } from 'vitest';
import { ImportContext } from '../../src/import/import-context.js';
import { parseTraceBytes } from '../../src/import/index.js';
import { createTraceWriter, traceOutputKind } from '../../src/io/trace-writer.js';

describe('traceOutputKind', () => {
  test('reads the format and compression from the name', () => {
    expect(traceOutputKind('a/b.mrt')).toEqual({ format: 'mrt', gzip: false });
    expect(traceOutputKind('t.CSV.gz')).toEqual({ format: 'csv', gzip: true });
    expect(traceOutputKind('t.jsonl')).toEqual({ format: 'jsonl', gzip: false });
  });

  test('refuses names of no trace format, and a gzip .mrt (its chunks are compressed already)', () => {
    for (const name of ['t.txt', 't.csv.bz2', 't.mrt.gz', 'csv']) expect(() => traceOutputKind(name)).toThrow(/end it in \.mrt, \.csv/);
  });
});

/** `jsonl` converted to `format` in memory: the text written, or the error. */
function convert(jsonl: string, format: 'csv' | 'jsonl'): string {
  const chunks: Buffer[] = [];
  const ctx = new ImportContext('in.jsonl');
  const writer = createTraceWriter(format, { write: (b) => chunks.push(Buffer.from(b)) }, ctx);
  try {
    parseTraceBytes(Buffer.from(jsonl), { context: ctx }, writer);
    writer.finish();
  } catch (e) {
    return (e as Error).message;
  }
  return Buffer.concat(chunks).toString('utf8');
}

describe('the CSV writer', () => {
  test('quotes what RFC 4180 needs quoted and writes each stack once, before its first use', () => {
    const jsonl = [
      '{"op":"meta","python":"3.11.7"}',
      '{"op":"alloc","addr":"0x10","size":8,"thread":"a,\\"b\\"","frames":["f (x,y.py:1)"]}',
      '{"op":"free","addr":"0x10","frames":["f (x,y.py:1)"]}',
      '{"op":"mark","label":"line\\nbreak"}',
    ].join('\n');
    expect(convert(jsonl, 'csv')).toBe(
      '# python: 3.11.7\n' +
        'op,addr,size,old_addr,domain,ts,thread,stack,frames,label,interp\n' +
        'stack,,,,,,,0,"f (x,y.py:1)",,\n' +
        'alloc,0x10,8,,,,"a,""b""",0,,,\n' +
        'free,0x10,,,,,,0,,,\n' +
        'mark,,,,,,,,,"line\nbreak",\n',
    );
  });

  test('refuses a frame holding ";" and metadata holding a line end, naming the remedy', () => {
    expect(convert('{"op":"alloc","addr":"0x10","size":8,"frames":["a;b.py:1"]}\n', 'csv')).toMatch(/holds a ';', which CSV uses between frames: write JSONL or \.mrt instead/);
    expect(convert('{"op":"meta","note":"two\\nlines"}\n{"op":"free","addr":"0x10"}\n', 'csv')).toMatch(/cannot be written as a CSV "# key: value" line: write JSONL or \.mrt instead/);
    // JSONL says both.
    expect(convert('{"op":"alloc","addr":"0x10","size":8,"frames":["a;b.py:1"]}\n', 'jsonl')).toContain('"frames":["a;b.py:1"]');
  });
});
