// What `diff` was given (src/import/snapshot-source.ts), decided from a head
// fixed by the bytes alone: the same verdict for a file, stdin in pieces of
// any size, and the same bytes held whole (parseDiffInputBytes). Blank lines
// may lead an input up to 1 MiB, as they may lead a trace.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { parseDiffInputBytes, readDiffInput, type DiffInput } from '../../src/import/snapshot-source.js';
import type { Snapshot } from '../../src/events/snapshot.js';
import { MAX_BLANK_LEAD } from '../../src/import/sniff.js';
import { DIFF_SNIFF_BYTES } from '../../src/import/snapshot-sniff.js';

const SNAPSHOT = '{"op":"snapshot","label":"a"}\n{"op":"trace","size":100,"frames":["app.py:40"]}\n';
const TRACE = '# python: 3.11\nop,addr,size\nalloc,0x10,16\n';
const dir = mkdtempSync(join(tmpdir(), 'memreplay-snapshot-source-'));

/** What each way of reading gives: 'trace', the snapshot's total size, or the error message. */
async function verdicts(bytes: Buffer): Promise<string[]> {
  const path = join(dir, 'input');
  writeFileSync(path, bytes);
  const whole = (r: Snapshot | 'trace'): string => (r === 'trace' ? r : `snapshot ${r.totalSize}`);
  const out = (r: DiffInput): string => (r.kind === 'trace' ? r.kind : whole(r.snapshot));
  const caught = async (read: () => Promise<string> | string): Promise<string> => {
    try {
      return await read();
    } catch (e) {
      return (e as Error).message.replace(path, '<stdin>');
    }
  };
  const pieces = (size: number): Readable => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
  return [
    await caught(() => whole(parseDiffInputBytes(bytes, '<stdin>'))),
    await caught(async () => out(await readDiffInput(path))),
    await caught(async () => out(await readDiffInput('-', { stdin: pieces(bytes.length) }))),
    await caught(async () => out(await readDiffInput('-', { stdin: pieces(4093) }))),
  ];
}

describe('blank lines before the first record', () => {
  test.each([
    ['a JSONL snapshot', 600, SNAPSHOT, 'snapshot 100'],
    ['a JSONL snapshot', DIFF_SNIFF_BYTES + 1000, SNAPSHOT, 'snapshot 100'],
    ['a CSV trace', 600, TRACE, 'trace'],
    ['a CSV trace', DIFF_SNIFF_BYTES + 1000, TRACE, 'trace'],
  ])('%s led by %i blank bytes is read as one, however it is read', async (_what, blank, text, expected) => {
    for (const bytes of [Buffer.from(' \n'.repeat(blank / 2) + text), gzipSync(' \n'.repeat(blank / 2) + text)]) {
      expect(await verdicts(bytes)).toEqual(Array(4).fill(expected));
    }
  });

  test('past 1 MiB of them the input is refused, the same way however it is read', async () => {
    const found = await verdicts(Buffer.from(' '.repeat(MAX_BLANK_LEAD + 1) + SNAPSHOT));
    expect(found[0]).toMatch(/^<stdin>: not a tracemalloc snapshot or an event trace/);
    expect(found).toEqual(Array(4).fill(found[0]));
  });
});
