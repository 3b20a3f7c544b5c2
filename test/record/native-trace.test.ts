// The trace of a --native recording named as it streams
// (src/record/native-trace.ts): module lines are dropped, native frames in
// stack records named, every other line kept byte for byte and in order,
// however the stream is cut (each chunk in a buffer used again), even when
// the module line comes after the stack; the same to a file and to a compressor.

import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameNamer } from '../../src/record/native-symbols.js';
import { namedNativeTrace, writeNamedTrace } from '../../src/record/native-trace.js';
import { tempDir } from '../cli/helpers.js';
import { buildAlign } from './native-helpers.js';

function rawTrace(lib: string): { text: string; ret: string; off: string } {
  const nm = spawnSync('nm', [lib], { encoding: 'utf8' }).stdout;
  const fn = BigInt(`0x${/^([0-9a-f]+) T align_block$/m.exec(nm)![1]}`);
  const bias = 0x7f1200000000n;
  const ret = (bias + fn + 4n).toString(16);
  const text = [
    '# python: 3.11.7',
    '# native: true',
    '# native_frames: 16',
    'op,addr,size,old_addr,domain,ts,thread,stack,frames,label',
    `stack,,,,,,,1,"<module> (main.py:3);@native:0x${ret};@native:0x99",`,
    'alloc,0x5000,64,,native,10,7,1,,',
    'stack,,,,,,,2,"<module> (main.py:4)",',
    'free,0x5000,,,native,11,7,,,',
    `module,0x${bias.toString(16)},1048576,0x${bias.toString(16)},,,,,,"${lib}"`,
    `stack,,,,,,,3,"@native:0x${ret}",`,
    '',
  ].join('\n');
  return { text, ret, off: (fn + 4n).toString(16) };
}

/**
 * The text in chunks of `pieceBytes`, each in the same buffer, overwritten
 * for the next (as the pipe's reader gives them), then poisoned: a chunk
 * kept past its turn shows as `#` in the output.
 */
async function* reusedChunks(text: string, pieceBytes: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  const buf = Buffer.alloc(pieceBytes);
  for (let at = 0; at < bytes.length; at += pieceBytes) {
    const n = bytes.copy(buf, 0, at, at + pieceBytes);
    yield buf.subarray(0, n);
    buf.fill('#');
  }
}

/** The named trace, through the compressor's path and written to a file, which must agree. */
async function named(text: string, pieceBytes: number): Promise<{ out: string; summary: unknown }> {
  const namer = new FrameNamer();
  let out = '';
  for await (const b of namedNativeTrace(reusedChunks(text, pieceBytes), namer)) out += b.toString('utf8');
  const summary = await namer.close();
  const path = join(tempDir(), 'out.csv');
  const fd = openSync(path, 'w');
  const toFile = new FrameNamer();
  await writeNamedTrace(reusedChunks(text, pieceBytes), toFile, fd);
  closeSync(fd);
  expect(await toFile.close()).toEqual(summary);
  expect(readFileSync(path, 'utf8')).toBe(out);
  return { out, summary };
}

describe('a --native trace named as it streams', () => {
  it.each([1 << 20, 7])('names the stack records and keeps every other line as it was, in order (pieces of %d bytes)', async (pieceBytes) => {
    const { text, off } = rawTrace(buildAlign());
    const { out, summary } = await named(text, pieceBytes);
    expect(summary).toEqual({ addresses: 2, named: 1, modules: 1 });
    const inLines = text.split('\n');
    const alignFrame = `align_block \\(.*align\\.c:\\d+\\) \\[libalign\\.so\\+0x${off}\\]`;
    expect(out.split('\n')).toEqual([
      ...inLines.slice(0, 4),
      expect.stringMatching(new RegExp(`^stack,,,,,,,1,"<module> \\(main\\.py:3\\);${alignFrame};\\?\\? \\[\\?\\?\\+0x99\\]",$`)),
      inLines[5],
      inLines[6],
      inLines[7],
      expect.stringMatching(new RegExp(`^stack,,,,,,,3,"${alignFrame}",$`)),
      '',
    ]);
  });
});
