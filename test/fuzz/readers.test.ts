// The fuzz harness's own judgement: what counts as an internal error, and
// that the reads it compares agree on a real trace and tell a changed byte.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { TraceFormatError, UsageError } from '../../src/errors.js';
import { classify, readTraceStream, readTraceWhole } from '../../fuzz/readers.js';
import { Rng } from '../../fuzz/rng.js';

test('the project\'s typed errors are input errors; anything else thrown is internal', () => {
  expect(classify(new TraceFormatError('<stdin>', 3, 'bad size'))).toEqual({ kind: 'input-error', message: '<stdin>:3: bad size' });
  expect(classify(new UsageError('x'))).toMatchObject({ kind: 'input-error' });
  expect(classify(new TypeError("Cannot read properties of undefined (reading 'live')"))).toMatchObject({ kind: 'internal-error', message: "TypeError: Cannot read properties of undefined (reading 'live')" });
  expect(classify(new RangeError('offset is out of bounds'))).toMatchObject({ kind: 'internal-error' });
  expect(classify('thrown text')).toMatchObject({ kind: 'internal-error' });
});

test('a file named in a message reads <stdin>, to compare with a stream', () => {
  expect(classify(new TraceFormatError('cases/case.csv', 2, 'bad'), 'cases/case.csv')).toEqual({ kind: 'input-error', message: '<stdin>:2: bad' });
});

test('whole and chunked reads of a real trace agree, and one changed size changes the digest', async () => {
  const text = gunzipSync(readFileSync(join(__dirname, '..', '..', 'traces', 'startup-3.11.csv.gz'))).subarray(0, 200_000);
  const bytes = text.subarray(0, text.lastIndexOf(0x0a) + 1);
  const whole = readTraceWhole(bytes, { lenient: false });
  expect(whole.kind).toBe('ok');
  const streamed = await readTraceStream(bytes, { lenient: false, batchCapacity: 7 }, new Rng(1));
  expect(streamed).toEqual(whole);
  const changed = Buffer.from(Buffer.from(bytes).toString('latin1').replace(/^(alloc,0x[0-9a-f]+,)56,/m, '$164,'), 'latin1');
  const other = readTraceWhole(changed, { lenient: false });
  expect(other.kind).toBe('ok');
  expect(other).not.toEqual(whole);
});

test('an mmap past 2^64 is the same input error however the bytes are cut, and --lenient reads on past it', async () => {
  const bytes = Buffer.from('op,addr,size,old_addr,domain,label\nmmap,0x7f0000000000,4096,,native,\nmmap,0xfffffffffffff000,8192,,native,\nmunmap,0x7f0000000000,4096,,native,\n');
  const whole = readTraceWhole(bytes, { lenient: false });
  expect(whole).toEqual({ kind: 'input-error', message: '<stdin>:3: mmap of 8192 bytes at 0xfffffffffffff000 runs past the end of the 64-bit address space (2^64)' });
  for (let seed = 1; seed <= 8; seed++) expect(await readTraceStream(bytes, { lenient: false, batchCapacity: 1 }, new Rng(seed))).toEqual(whole);
  const lenient = readTraceWhole(bytes, { lenient: true });
  expect(lenient).toMatchObject({ kind: 'ok', events: 2 });
  expect(await readTraceStream(bytes, { lenient: true }, new Rng(9))).toEqual(lenient);
});
