// The recorder reuses what a stack shares with the one before it
// (recorder/src/stack-trie.c): allocations whose inner frames are the same
// but whose callers differ, and recursion deeper than the frames kept (the
// window of 16 moves), must each get the stack of their own callers.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, readTrace, records, SERIES, titleFor, WORKLOADS } from './helpers.js';

/** Function names of each stack id, oldest frame first. */
function stackFunctions(recs: string[]): Map<string, string[]> {
  const stacks = new Map<string, string[]>();
  for (const r of recs) {
    const m = /^stack,,,,,,,(\d+),"(.*)",$/.exec(r);
    if (m) stacks.set(m[1]!, m[2]!.split(';').map((f) => f.slice(0, f.indexOf(' ('))));
  }
  return stacks;
}

const RECURSING = Array(14).fill('deep');

describe('stacks that share inner frames but not callers', () => {
  SERIES.forEach((series) => {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: each allocation names its own callers`), () => {
      const out = join(tempDir(), 'paths.csv');
      const rec = memreplay(['record', '--python', python!, '--frames', '16', '-o', out, '--', join(WORKLOADS, 'stack_paths.py')]);
      expect(rec.code).toBe(0);
      expect(rec.stdout).toBe('stack paths: 15\n');
      const recs = records(readTrace(out));
      const stacks = stackFunctions(recs);
      // bytearray(n) asks for n + 1 bytes
      const bySize = new Map<string, string[][]>();
      for (const r of recs) {
        const f = r.split(',');
        if (!['alloc', 'calloc', 'realloc'].includes(f[0]!) || !/^10000(2|4|6|8)$|^100010$/.test(f[2]!)) continue;
        const list = bySize.get(f[2]!) ?? [];
        list.push(stacks.get(f[7]!)!);
        bySize.set(f[2]!, list);
      }
      const expected: Record<string, string[]> = {
        '100002': ['<module>', 'pick', 'via_a', 'leaf'],
        '100004': ['<module>', 'pick', 'via_b', 'leaf'],
        '100006': [...RECURSING, 'deep', 'leaf'],
        '100008': ['<module>', 'deep', 'deep', 'deep', 'deep', 'leaf'],
        '100010': [...RECURSING, 'deep', 'leaf'],
      };
      for (const [size, frames] of Object.entries(expected)) {
        const seen = bySize.get(size) ?? [];
        expect(seen.length, `allocations of ${size} bytes`).toBe(3);
        for (const s of seen) expect(s.slice(-frames.length), `stack of ${size} bytes`).toEqual(frames);
        // 16 frames kept: deep(20) is cut at the 16th
        if (frames.length === 16) for (const s of seen) expect(s.length).toBe(16);
      }
    });
  });
});
