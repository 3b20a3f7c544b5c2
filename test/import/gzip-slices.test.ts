// Gunzip in fixed slices (src/import/gzip-slices.ts): intact data decodes as
// zlib decodes it in one call; damaged data gives the same output before the
// error, and the same error naming the failing slice's end, whether held
// whole or streamed in reads of any size.

import { randomBytes } from 'node:crypto';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { TraceFormatError } from '../../src/errors.js';
import { GZIP_SLICE_BYTES, gunzipSlices, gunzipWhole } from '../../src/import/gzip-slices.js';

/** Poorly compressible text: its gzip spans many slices. */
const TEXT = Buffer.from(Array.from({ length: 50_000 }, (_, i) => `alloc,0x${randomBytes(6).toString('hex')},${i % 512}\n`).join(''));
const PACKED = gzipSync(TEXT);

/** `bytes` in reads of `size` bytes (a pipe delivering small pieces, or a file's big reads). */
async function* reads(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** What streaming gives: the decoded bytes, then the error (null: none). */
async function streamed(bytes: Uint8Array, size: number): Promise<{ decoded: Buffer; failure: string | null }> {
  const out: Uint8Array[] = [];
  try {
    for await (const chunk of gunzipSlices('t.csv.gz', reads(bytes, size))) out.push(chunk);
    return { decoded: Buffer.concat(out), failure: null };
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFormatError);
    return { decoded: Buffer.concat(out), failure: (e as Error).message };
  }
}

function whole(bytes: Uint8Array): { decoded: Buffer; failure: string | null } {
  const { decoded, failure } = gunzipWhole('t.csv.gz', bytes);
  return { decoded: Buffer.from(decoded), failure: failure?.message ?? null };
}

/** Buffers compared with equals(): a deep equality walks a megabyte byte by byte, slowly. */
function same(a: { decoded: Buffer; failure: string | null }, b: { decoded: Buffer; failure: string | null }): boolean {
  return a.failure === b.failure && a.decoded.equals(b.decoded);
}

const READ_SIZES = [7, 997, GZIP_SLICE_BYTES - 1, GZIP_SLICE_BYTES + 3, 1 << 20];

test('the data spans several slices (else nothing below is tested)', () => {
  expect(PACKED.length).toBeGreaterThan(4 * GZIP_SLICE_BYTES);
});

test('intact data decodes to what zlib gives in one call, in reads of any size', async () => {
  const reference = whole(PACKED);
  expect(reference.failure).toBeNull();
  expect(reference.decoded.equals(TEXT)).toBe(true);
  for (const size of READ_SIZES) expect((await streamed(PACKED, size)).decoded.equals(TEXT), `reads of ${size}`).toBe(true);
}, 30_000);

describe('damaged data fails the same way whole and in reads of any size', () => {
  const flipped = (at: number): Buffer => {
    const b = Buffer.from(PACKED);
    b[at] = b[at]! ^ 0xff;
    return b;
  };
  test.each([
    ['a flipped byte in the third slice', flipped(2 * GZIP_SLICE_BYTES + 100)],
    ['a broken checksum', flipped(PACKED.length - 6)],
    ['a cut in the middle of a slice', PACKED.subarray(0, 3 * GZIP_SLICE_BYTES + 5000)],
    ['a cut at the end of a slice', PACKED.subarray(0, 3 * GZIP_SLICE_BYTES)],
    ['a second, damaged member glued on', Buffer.concat([PACKED, gzipSync(TEXT.subarray(0, 100)).subarray(0, 30)])],
  ])('%s', async (_what, bytes) => {
    const reference = whole(bytes);
    expect(reference.failure).toMatch(/^t\.csv\.gz: (corrupt gzip data: .* \(in the compressed bytes up to offset \d+\)|truncated gzip stream: .*after \d+ bytes)/);
    // The offset named is the end of a slice (or of the data).
    const offset = Number(/(?:offset|after) (\d+)/.exec(reference.failure!)![1]);
    expect(offset === bytes.length || offset % GZIP_SLICE_BYTES === 0, `offset ${offset}`).toBe(true);
    for (const size of READ_SIZES) expect(same(await streamed(bytes, size), reference), `reads of ${size}`).toBe(true);
  }, 30_000);

  test('the output of the failing slice is dropped; slices before it are kept', async () => {
    // Garbage after the member: zlib fails at once, in the slice where the member ends.
    const bytes = Buffer.concat([PACKED, Buffer.alloc(GZIP_SLICE_BYTES, 0x42)]);
    const slice = Math.floor(PACKED.length / GZIP_SLICE_BYTES);
    const { decoded, failure } = await streamed(bytes, 1000);
    expect(failure).toBe(`t.csv.gz: corrupt gzip data: incorrect header check (in the compressed bytes up to offset ${(slice + 1) * GZIP_SLICE_BYTES})`);
    // What the slices before decode to, and not a byte of the failing one's.
    const before = gunzipSync(PACKED.subarray(0, slice * GZIP_SLICE_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(decoded.equals(before)).toBe(true);
    expect(same(whole(bytes), { decoded, failure })).toBe(true);
  }, 30_000);
});
