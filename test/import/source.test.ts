// Opening traces: gzip is told from the bytes, stdin can be any stream, and
// every failure is a typed error that names the file.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { MemreplayError, TraceFormatError } from '../../src/errors.js';
import { READ_CHUNK_BYTES, openTrace, type TraceSource } from '../../src/import/source.js';

const dir = mkdtempSync(join(tmpdir(), 'memreplay-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = '# python: 3.11.7\nop,addr,size\nalloc,0x10,16\nfree,0x10,\n';

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(source: TraceSource): Promise<{ data: Buffer; sizes: number[] }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source.chunks()) parts.push(chunk);
  return { data: Buffer.concat(parts), sizes: parts.map((p) => p.length) };
}

/** Big, poorly compressible text, so gzip output spans several reads too. */
function bigText(bytes: number): string {
  let state = 12345;
  const lines: string[] = [];
  let total = 0;
  while (total < bytes) {
    state = (state * 1103515245 + 12345) >>> 0;
    const line = `alloc,0x${state.toString(16)},${state % 512}\n`;
    lines.push(line);
    total += line.length;
  }
  return lines.join('');
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('a trace file is read as a stream of chunks', () => {
  test('a plain file arrives unchanged, with its bytes counted', async () => {
    const path = file('plain.csv', TEXT);
    const source = await openTrace(path);
    expect(source.gzip).toBe(false);
    expect(source.name).toBe(path);
    expect(source.totalBytes).toBe(TEXT.length);
    expect((await readAll(source)).data.toString()).toBe(TEXT);
    expect(source.bytesRead).toBe(TEXT.length);
    expect(source.bytesDecoded).toBe(TEXT.length);
  });

  test('a gzip file named .csv is recognized by its bytes and decompressed', async () => {
    const packed = gzipSync(TEXT);
    const source = await openTrace(file('packed-but-named.csv', packed));
    expect(source.gzip).toBe(true);
    expect((await readAll(source)).data.toString()).toBe(TEXT);
    expect(source.bytesRead).toBe(packed.length);
    expect(source.bytesDecoded).toBe(TEXT.length);
  });

  test('a plain file named .gz is read as plain text', async () => {
    const source = await openTrace(file('plain-but-named.csv.gz', TEXT));
    expect(source.gzip).toBe(false);
    expect((await readAll(source)).data.toString()).toBe(TEXT);
  });

  test('an empty file gives no chunks', async () => {
    const source = await openTrace(file('empty.csv', ''));
    expect(source.gzip).toBe(false);
    expect((await readAll(source)).sizes).toEqual([]);
  });

  test('a large file arrives in several chunks of at most 1 MiB, plain or gzip', async () => {
    const text = bigText(3 * READ_CHUNK_BYTES + 100);
    for (const [name, content] of [
      ['big.csv', text],
      ['big.csv.gz', gzipSync(text)],
    ] as const) {
      const { data, sizes } = await readAll(await openTrace(file(name, content)));
      expect(data.toString()).toBe(text);
      expect(sizes.length).toBeGreaterThan(2);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(READ_CHUNK_BYTES);
    }
  });

  test('with recycling, a plain file reuses two buffers and every chunk is right while it is held', async () => {
    const text = bigText(5 * READ_CHUNK_BYTES + 100);
    const source = await openTrace(file('recycled.csv', text));
    const chunks = source.chunks();
    const first = await chunks.next();
    source.recycleChunks();
    let offset = 0;
    const buffers = new Set<ArrayBufferLike>();
    for (let step = first; !step.done; step = await chunks.next()) {
      // Checked while held: the read ahead must be going into the other buffer.
      expect(Buffer.from(step.value).toString()).toBe(text.slice(offset, offset + step.value.length));
      offset += step.value.length;
      buffers.add(step.value.buffer);
    }
    expect(offset).toBe(text.length);
    // The first chunk (before recycling) and the read ahead of it were fresh; then two take turns.
    expect(buffers.size).toBeLessThanOrEqual(4);
    source.close();
  });

  test('recycling is ignored for gzip: each decompressed chunk stays intact after the next is read', async () => {
    const text = bigText(3 * READ_CHUNK_BYTES);
    const source = await openTrace(file('recycled.csv.gz', gzipSync(text)));
    source.recycleChunks();
    const { data } = await readAll(source);
    expect(data.toString()).toBe(text);
  });

  test.runIf(existsSync('/proc/self/fd'))('stopping after the first chunk releases the file', async () => {
    const path = file('stop-early.csv', bigText(3 * READ_CHUNK_BYTES));
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 5; i++) {
      const source = await openTrace(path);
      for await (const chunk of source.chunks()) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
      source.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });
});

describe('the path - reads stdin, which tests can replace with any stream', () => {
  test('plain text from the stream is named <stdin>', async () => {
    const source = await openTrace('-', { stdin: Readable.from([Buffer.from(TEXT)]) });
    expect(source.name).toBe('<stdin>');
    expect(source.totalBytes).toBeUndefined();
    expect((await readAll(source)).data.toString()).toBe(TEXT);
  });

  test('gzip on stdin is recognized even when the magic bytes arrive one at a time', async () => {
    const packed = gzipSync(TEXT);
    const oneByteChunks = Array.from(packed, (b) => Buffer.from([b]));
    const source = await openTrace('-', { stdin: Readable.from(oneByteChunks) });
    expect(source.gzip).toBe(true);
    expect((await readAll(source)).data.toString()).toBe(TEXT);
    expect(source.bytesRead).toBe(packed.length);
  });
});

describe('damaged gzip data is a TraceFormatError that names the file', () => {
  test('a truncated gzip file says so', async () => {
    const packed = gzipSync(bigText(200_000));
    const path = file('cut.csv.gz', packed.subarray(0, Math.floor(packed.length / 2)));
    const error = await failure(openTrace(path).then(readAll));
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated gzip stream: `));
  });

  test('a gzip file with a broken checksum is corrupt', async () => {
    const packed = Buffer.from(gzipSync(TEXT));
    packed[packed.length - 6]! ^= 0xff; // inside the CRC-32 trailer
    const path = file('bad-crc.csv.gz', packed);
    const error = await failure(openTrace(path).then(readAll));
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error.message).toContain(`${path}: corrupt gzip data: incorrect data check`);
  });

  test('truncated gzip on stdin names <stdin>', async () => {
    const packed = gzipSync(TEXT);
    const error = await failure(openTrace('-', { stdin: Readable.from([packed.subarray(0, 20)]) }).then(readAll));
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error.message).toMatch(/^<stdin>: truncated gzip stream: /);
  });
});

describe('a file that cannot be read is a MemreplayError, not a format error', () => {
  test('a missing file', async () => {
    const path = join(dir, 'no-such-trace.csv');
    const error = await failure(openTrace(path));
    expect(error).toBeInstanceOf(MemreplayError);
    expect(error).not.toBeInstanceOf(TraceFormatError);
    expect(error.message).toBe(`cannot read trace ${path}: no such file`);
  });

  test('a directory', async () => {
    const path = join(dir, 'a-directory');
    mkdirSync(path);
    const error = await failure(openTrace(path));
    expect(error).toBeInstanceOf(MemreplayError);
    expect(error.message).toBe(`cannot read trace ${path}: is a directory`);
  });

  test.skipIf(process.getuid?.() === 0)('a file without read permission', async () => {
    const path = file('locked.csv', TEXT);
    chmodSync(path, 0o000);
    const error = await failure(openTrace(path));
    expect(error).toBeInstanceOf(MemreplayError);
    expect(error.message).toBe(`cannot read trace ${path}: permission denied`);
  });
});
