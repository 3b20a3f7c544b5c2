// The trace's compressor: blocks compressed apart, written in order, read
// back as one stream by gunzip and by memreplay's own reader.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipInBlocks } from '../../src/record/block-gzip.js';
import { tempDir } from '../cli/helpers.js';

/** Lines of a made-up trace, in chunks of awkward sizes. */
function input(lines: number, chunk: number): { text: string; stream: Readable } {
  const text = Array.from({ length: lines }, (_, i) => `alloc,0x${(0x7f0000000000 + i * 48).toString(16)},${16 + (i % 33)},,obj,${i * 97},1,,,\n`).join('');
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  return { text, stream: Readable.from(chunks) };
}

describe('gzip in blocks', () => {
  for (const [parallel, blockBytes, chunk] of [[1, 1000, 7], [3, 4096, 1000], [4, 1 << 20, 65536]] as const) {
    it(`keeps the order with ${parallel} compressors, ${blockBytes}-byte blocks, ${chunk}-byte chunks`, async () => {
      const { text, stream } = input(20_000, chunk);
      const path = join(tempDir(), 'x.csv.gz');
      const written = await gzipInBlocks(stream, path, { level: 1, parallel, blockBytes });
      const file = readFileSync(path);
      expect(written).toBe(file.length);
      expect(gunzipSync(file).toString()).toBe(text);
    });
  }

  it('writes a valid empty gzip file for empty input', async () => {
    const path = join(tempDir(), 'empty.gz');
    await gzipInBlocks(Readable.from([]), path, { level: 1 });
    expect(gunzipSync(readFileSync(path)).length).toBe(0);
  });

  it('refuses to replace an existing file', async () => {
    const dir = tempDir();
    const path = join(dir, 'x.gz');
    await gzipInBlocks(Readable.from([Buffer.from('a')]), path, { level: 1 });
    await expect(gzipInBlocks(Readable.from([Buffer.from('b')]), path, { level: 1 })).rejects.toThrow(/EEXIST/);
    expect(gunzipSync(readFileSync(path)).toString()).toBe('a');
  });

  it('replaces an existing file when asked (--force)', async () => {
    const path = join(tempDir(), 'x.gz');
    await gzipInBlocks(Readable.from([Buffer.from('old')]), path, { level: 1 });
    await gzipInBlocks(Readable.from([Buffer.from('new')]), path, { level: 1, flags: 'w' });
    expect(gunzipSync(readFileSync(path)).toString()).toBe('new');
  });

  it('ends every member with a whole line, so a file cut between members ends at a line end', async () => {
    const { text, stream } = input(5_000, 777);
    const path = join(tempDir(), 'lines.csv.gz');
    await gzipInBlocks(stream, path, { level: 1, parallel: 2, blockBytes: 10_000 });
    const file = readFileSync(path);
    const members: string[] = [];
    for (let at = 0; at < file.length; ) {
      // A member: 10-byte header (Node writes no optional fields), deflate data, 8-byte trailer.
      const { buffer, engine } = inflateRawSync(file.subarray(at + 10), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      members.push(buffer.toString());
      at += 10 + engine.bytesWritten + 8;
    }
    expect(members.length).toBeGreaterThan(20);
    for (const m of members) expect(m.endsWith('\n')).toBe(true);
    expect(members.join('')).toBe(text);
  });
});
