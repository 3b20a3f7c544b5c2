// Naming native return addresses (src/record/native-symbols.ts) against a
// library gcc builds here: with debug information (function, file and line),
// stripped (the exported symbol below the address, from nm -D), an address in
// no known object, and one in a range another object was loaded over.

import { spawnSync } from 'node:child_process';
import { copyFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SYMBOLIZER, FrameNamer, parseModuleLine, type ModuleRange } from '../../src/record/native-symbols.js';
import { SymbolCache } from '../../src/record/symbol-cache.js';
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

/** The name of one address, given the module map. */
async function nameOf(hex: string, modules: ModuleRange[]): Promise<string> {
  const namer = new FrameNamer();
  for (const m of modules) namer.addModule(m);
  const text = namer.name(hex);
  await namer.close();
  return text;
}

describe('native frames named', () => {
  it('reads the launcher\'s module lines, quotes and all', () => {
    expect(parseModuleLine('module,0x7f1200001000,4096,0x7f1200000000,,,,,,"/opt/a ""b""/libx.so"')).toEqual({
      lo: 0x7f1200001000n,
      size: 4096n,
      bias: BIAS,
      path: '/opt/a "b"/libx.so',
    });
    expect(parseModuleLine('stack,,,,,,,1,"f (a.py:1)",')).toBeNull();
  });

  it('names the function, file and line where the object has debug information', async () => {
    const lib = buildAlign();
    const fn = symbolAddress(lib, 'align_block');
    const ret = (BIAS + fn + 8n).toString(16);
    const text = await nameOf(ret, [moduleFor(lib)]);
    expect(text).toMatch(/^align_block \(.*align\.c:\d+\) \[libalign\.so\+0x[0-9a-f]+\]$/);
    expect(text).toContain(`[libalign.so+0x${(fn + 8n).toString(16)}]`);
  });

  it('falls back to the exported symbol below the address in a stripped object, without a line', async () => {
    const stripped = join(tempDir(), 'libalign.so');
    copyFileSync(buildAlign(), stripped);
    const fn = symbolAddress(stripped, 'align_block');
    expect(spawnSync('strip', [stripped]).status).toBe(0);
    const ret = (BIAS + fn + 8n).toString(16);
    expect(await nameOf(ret, [moduleFor(stripped)])).toBe(`align_block [libalign.so+0x${(fn + 8n).toString(16)}]`);
  });

  it('writes an address in no known object as ?? with the address itself', async () => {
    expect(await nameOf('1234', [])).toBe('?? [??+0x1234]');
  });

  it('names an address in no object yet as unknown, once: its object\'s module line comes before any stack in it', async () => {
    const lib = buildAlign();
    const ret = (BIAS + symbolAddress(lib, 'align_block') + 8n).toString(16);
    const namer = new FrameNamer();
    expect(namer.name(ret)).toBe(`?? [??+0x${ret}]`);
    expect(await namer.close()).toEqual({ addresses: 1, named: 0, modules: 0 });
  });

  it('names an address again, as the new object\'s, once another object is loaded over its range (after a dlclose)', async () => {
    const lib = buildAlign();
    const stripped = join(tempDir(), 'libother.so');
    copyFileSync(lib, stripped);
    expect(spawnSync('strip', [stripped]).status).toBe(0);
    const fn = symbolAddress(lib, 'align_block');
    const ret = (BIAS + fn + 8n).toString(16);
    const namer = new FrameNamer();
    namer.addModule(moduleFor(lib));
    expect(await namer.name(ret)).toMatch(/^align_block \(.*\) \[libalign\.so\+/);
    namer.addModule(moduleFor(stripped));
    expect(await namer.name(ret)).toBe(`align_block [libother.so+0x${(fn + 8n).toString(16)}]`);
    // The first object loaded there again: its own names again.
    namer.addModule(moduleFor(lib));
    expect(await namer.name(ret)).toMatch(/\[libalign\.so\+/);
    expect(await namer.close()).toEqual({ addresses: 3, named: 3, modules: 2 });
  });

  it('keeps the names between recordings, for the object as it is on disk', async () => {
    const lib = join(tempDir(), 'libalign.so');
    copyFileSync(buildAlign(), lib);
    const fn = symbolAddress(lib, 'align_block');
    const ret = (BIAS + fn + 8n).toString(16);
    const cacheDir = join(tempDir(), 'symbols');
    const first = new FrameNamer(DEFAULT_SYMBOLIZER, new SymbolCache(cacheDir));
    first.addModule(moduleFor(lib));
    const text = await first.name(ret);
    expect(text).toMatch(/^align_block \(.*align\.c:\d+\) \[libalign\.so\+/);
    await first.close();
    // Tools that do not exist: the name can only come from what was kept.
    const noTools = { addr2line: join(tempDir(), 'no-addr2line'), nm: join(tempDir(), 'no-nm') };
    const again = new FrameNamer(noTools, new SymbolCache(cacheDir));
    again.addModule(moduleFor(lib));
    expect(await again.name(ret)).toBe(text);
    await again.close();
    // The object rebuilt (another modification time): named afresh.
    utimesSync(lib, new Date(), new Date(Date.now() + 5000));
    const changed = new FrameNamer(noTools, new SymbolCache(cacheDir));
    changed.addModule(moduleFor(lib));
    expect(await changed.name(ret)).toBe(`?? [libalign.so+0x${(fn + 8n).toString(16)}]`);
    await changed.close();
  });
});
