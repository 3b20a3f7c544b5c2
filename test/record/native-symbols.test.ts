// Resolving native return addresses after the run (src/record/native-symbols.ts)
// against a library gcc builds here: with debug information (function, file
// and line), stripped (the exported symbol below the address, from nm -D),
// and an address in no known object.

import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModuleLine, symbolizeAddresses, type ModuleRange } from '../../src/record/native-symbols.js';
import { tempDir } from '../cli/helpers.js';
import { buildAlign } from './native-helpers.js';

/** Where the object was "loaded" in these tests. */
const BIAS = 0x7f1200000000n;

function symbolAddress(lib: string, name: string): bigint {
  const out = spawnSync('nm', [lib], { encoding: 'utf8' }).stdout;
  const m = new RegExp(`^([0-9a-f]+) T ${name}$`, 'm').exec(out);
  if (!m) throw new Error(`${name} not in nm ${lib}`);
  return BigInt(`0x${m[1]}`);
}

function moduleFor(path: string): ModuleRange {
  return { lo: BIAS, size: 0x100000n, bias: BIAS, path };
}

describe('native frames resolved after the run', () => {
  it('reads the launcher\'s module lines, quotes and all', () => {
    expect(parseModuleLine('module,0x7f1200001000,4096,0x7f1200000000,,,,,,"/opt/a ""b""/libx.so"')).toEqual({
      lo: 0x7f1200001000n,
      size: 4096n,
      bias: BIAS,
      path: '/opt/a "b"/libx.so',
    });
    expect(parseModuleLine('stack,,,,,,,1,"f (a.py:1)",')).toBeNull();
  });

  it('names the function, file and line where the object has debug information', () => {
    const lib = buildAlign();
    const fn = symbolAddress(lib, 'align_block');
    const ret = (BIAS + fn + 8n).toString(16);
    const texts = symbolizeAddresses([ret], [moduleFor(lib)]);
    expect(texts.get(ret)).toMatch(/^align_block \(.*align\.c:\d+\) \[libalign\.so\+0x[0-9a-f]+\]$/);
    expect(texts.get(ret)).toContain(`[libalign.so+0x${(fn + 8n).toString(16)}]`);
  });

  it('falls back to the exported symbol below the address in a stripped object, without a line', () => {
    const stripped = join(tempDir(), 'libalign.so');
    copyFileSync(buildAlign(), stripped);
    const fn = symbolAddress(stripped, 'align_block');
    expect(spawnSync('strip', [stripped]).status).toBe(0);
    const ret = (BIAS + fn + 8n).toString(16);
    expect(symbolizeAddresses([ret], [moduleFor(stripped)]).get(ret)).toBe(`align_block [libalign.so+0x${(fn + 8n).toString(16)}]`);
  });

  it('writes an address in no known object as ?? with the address itself', () => {
    expect(symbolizeAddresses(['1234'], []).get('1234')).toBe('?? [??+0x1234]');
  });
});
