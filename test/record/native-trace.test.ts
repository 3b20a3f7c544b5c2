// Finishing a --native trace (src/record/native-trace.ts): module lines are
// dropped, native frames in stack records resolved, every other line kept
// byte for byte; gzip when asked.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { finishNativeTrace } from '../../src/record/native-trace.js';
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
    'free,0x5000,,,native,11,7,,,',
    `module,0x${bias.toString(16)},1048576,0x${bias.toString(16)},,,,,,"${lib}"`,
    '',
  ].join('\n');
  return { text, ret, off: (fn + 4n).toString(16) };
}

describe('finishing a --native trace', () => {
  it('resolves the stack records and keeps every other line as it was', async () => {
    const dir = tempDir();
    const { text, off } = rawTrace(buildAlign());
    writeFileSync(join(dir, 'raw'), text);
    const summary = await finishNativeTrace(join(dir, 'raw'), join(dir, 'out.csv'), { flags: 'wx' });
    expect(summary).toEqual({ addresses: 2, named: 1, modules: 1 });
    const out = readFileSync(join(dir, 'out.csv'), 'utf8').split('\n');
    const inLines = text.split('\n');
    expect(out).toEqual([
      ...inLines.slice(0, 4),
      expect.stringMatching(new RegExp(`^stack,,,,,,,1,"<module> \\(main\\.py:3\\);align_block \\(.*align\\.c:\\d+\\) \\[libalign\\.so\\+0x${off}\\];\\?\\? \\[\\?\\?\\+0x99\\]",$`)),
      inLines[5],
      inLines[6],
      '',
    ]);
  });

  it('writes gzip when asked', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'raw'), rawTrace(buildAlign()).text);
    await finishNativeTrace(join(dir, 'raw'), join(dir, 'out.csv.gz'), { flags: 'wx', gzipLevel: 1 });
    const text = gunzipSync(readFileSync(join(dir, 'out.csv.gz'))).toString('utf8');
    expect(text).toMatch(/^stack,,,,,,,1,"<module> \(main\.py:3\);align_block /m);
    expect(text).not.toMatch(/^module,/m);
  });
});
