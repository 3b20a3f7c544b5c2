// `memreplay convert` as a user runs it: the binary trace it writes is read
// by every command (stats --verify EXACT), an existing output is kept
// without --force, and a damaged binary trace is one line naming the byte,
// exit 2, for convert as for any other command.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memreplay convert', () => {
  const trace = join(FIXTURES, 'startup-3.12.csv.gz');
  const mrt = join(dir, 'startup.mrt');

  test('writes a binary trace that stats --verify replays exactly, as the text', () => {
    const r = memreplay(['convert', trace, mrt]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^memreplay: wrote .*startup\.mrt: [\d,]+ events from csv\.gz\n$/);
    const binary = memreplay(['stats', '--verify', mrt]);
    const text = memreplay(['stats', '--verify', trace]);
    expect(binary.code).toBe(0);
    expect(binary.stderr).toMatch(/EXACT/);
    expect(binary.stdout).toBe(text.stdout);
  });

  test('keeps an existing output unless --force, exit 2', () => {
    const r = memreplay(['convert', trace, mrt]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`memreplay: ${mrt} exists; pass --force to overwrite it\n`);
    expect(memreplay(['convert', '--force', trace, mrt]).code).toBe(0);
  });

  test('refuses an output name of no trace format, exit 2', () => {
    const r = memreplay(['convert', trace, join(dir, 'out.bin')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot tell the output format from the name .*out\.bin.*: end it in \.mrt, \.csv, \.csv\.gz, \.jsonl or \.jsonl\.gz/);
  });

  test('reads a damaged binary trace as one line naming the byte, exit 2, in every command', () => {
    const bytes = readFileSync(mrt);
    bytes[bytes.length - 40] ^= 0xff;
    const damaged = join(dir, 'damaged.mrt');
    writeFileSync(damaged, bytes);
    for (const args of [['convert', damaged, join(dir, 'back.csv')], ['analyze', damaged], ['stats', damaged]]) {
      const r = memreplay(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^memreplay: .*damaged\.mrt: byte \d+: chunk 'E' of \d+ bytes fails its checksum .*\n$/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    const cut = join(dir, 'cut.mrt');
    writeFileSync(cut, readFileSync(mrt).subarray(0, 1000));
    const r = memreplay(['leaks', cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: .*cut\.mrt: byte \d+: the file ends inside a chunk \(\d+ of its \d+ bytes\): the file was cut off, or is still being written\n$/);
  });
});
