// The plain launcher has none of --native's interposers (it behaves and
// costs as before); the native build exports the C library's allocator
// functions from the executable.

import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeInterpreter } from '../../src/record/interpreter.js';
import { ensureLauncher } from '../../src/record/launcher-cache.js';
import { launcherSources } from '../../src/record/launcher-sources.js';
import { findPython, TEST_CACHE, titleFor } from './helpers.js';

const INTERPOSED = ['malloc', 'calloc', 'realloc', 'reallocarray', 'free', 'posix_memalign', 'aligned_alloc', 'memalign', 'valloc', 'pvalloc', 'mmap', 'munmap', 'mremap', 'dlclose'];

function exported(binary: string): Set<string> {
  const out = spawnSync('nm', ['-D', '--defined-only', binary], { encoding: 'utf8' }).stdout;
  return new Set(out.split('\n').map((l) => l.split(' ').pop()!).filter(Boolean));
}

describe('the native build and the plain one', () => {
  it('keeps native.c and its helpers out of the plain build', () => {
    const s = launcherSources();
    expect(s.nativeFiles.map((f) => basename(f)).sort()).toEqual(['native-eval-parts.c', 'native-names.c', 'native-pre-start.c', 'native.c']);
    for (const f of s.nativeFiles) expect(s.cFiles).not.toContain(f);
    expect(s.cFiles.map((f) => basename(f))).toContain('main.c');
  });

  const python = findPython('3.11');
  it.skipIf(!python)(titleFor('3.11', 'exports the interposers from the native launcher only'), () => {
    const env = { ...process.env, MEMREPLAY_CACHE_DIR: TEST_CACHE };
    const info = probeInterpreter(python!);
    const plain = exported(ensureLauncher(info, env).path);
    const native = exported(ensureLauncher(info, env, true).path);
    for (const name of INTERPOSED) {
      expect(plain.has(name), `plain ${name}`).toBe(false);
      expect(native.has(name), `native ${name}`).toBe(true);
    }
    expect(plain.has('_exit')).toBe(true);
  });
});
