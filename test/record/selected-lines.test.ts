// selectedLines (src/record/selected-lines.ts): the lines picked out are
// exactly those a naive split finds, and the rest passes on byte for byte,
// whatever the chunk boundaries (the files are several MiB, read in chunks
// of 1 MiB, 64 KiB and 97 bytes, with picked lines cut by the boundaries,
// back to back, at the start and at the end without a newline).

import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectedLines } from '../../src/record/selected-lines.js';
import { tempDir } from '../cli/helpers.js';

async function collect(path: string, chunkBytes: number): Promise<{ picked: string[]; rebuilt: string }> {
  const picked: string[] = [];
  let rebuilt = '';
  for await (const part of selectedLines(createReadStream(path, { highWaterMark: chunkBytes }), ['stack,', 'module,'])) {
    if (typeof part === 'string') {
      picked.push(part);
      rebuilt += `${part}\n`;
    } else {
      rebuilt += part.toString('utf8');
    }
  }
  return { picked, rebuilt };
}

/** A pseudo-random text of lines, some of them picked ones. */
function text(seed: number, lines: number): string {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const out: string[] = ['stack,,,,,,,1,"first",'];
  for (let i = 0; i < lines; i++) {
    const r = rand();
    const pad = 'x'.repeat(Math.floor(rand() * 300));
    if (r < 0.05) out.push(`stack,,,,,,,${i},"f${pad}",`);
    else if (r < 0.06) out.push(`module,0x1000,${i},0x0,,,,,,"/lib/l${pad}.so"`);
    else if (r < 0.07) out.push(`mark,,,,1,2,,,"not stack,${pad}"`);
    else out.push(`alloc,0x${i.toString(16)},${pad.length},,obj,${i},7,,,`);
  }
  return out.join('\n');
}

describe('selectedLines', () => {
  for (const [seed, trailingNewline] of [
    [1, true],
    [2, false],
    [3, true],
  ] as const) {
    it(`seed ${seed}: picks what a split picks and passes the rest on unchanged${trailingNewline ? '' : ' (no final newline)'}`, async () => {
      const body = text(seed, 80_000) + (trailingNewline ? '\n' : '\nstack,,,,,,,9,"last",');
      const path = join(tempDir(), 't.csv');
      writeFileSync(path, body);
      expect(body.length).toBeGreaterThan(3 << 20);
      // Chunks of 1 MiB (a file), of a pipe's 64 KiB, and shorter than many lines.
      for (const chunkBytes of [1 << 20, 1 << 16, 97]) {
        const { picked, rebuilt } = await collect(path, chunkBytes);
        expect(picked).toEqual(body.split('\n').filter((l) => l.startsWith('stack,') || l.startsWith('module,')));
        expect(rebuilt).toBe(trailingNewline ? body : `${body}\n`);
      }
    });
  }
});
