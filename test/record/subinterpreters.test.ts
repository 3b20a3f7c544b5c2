// Acceptance: isolated sub-interpreters (CPython 3.12+) have a pymalloc state
// of their own. A recorded program that creates, runs and destroys them
// replays exactly, and each interpreter's statistics are what that
// interpreter printed itself (memreplay_marks.stats_mark).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, readTrace, records, titleFor, WORKLOADS } from './helpers.js';

describe('memreplay record with isolated sub-interpreters', () => {
  for (const series of ['3.12', '3.13']) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: every interpreter's own statistics byte for byte, every address predicted`), () => {
      const dir = tempDir();
      const out = join(dir, 'sub.csv');
      const subStats = join(dir, 'sub-stats.txt');
      const mainStats = join(dir, 'main-stats.txt');
      const rec = memreplay(['record', '--python', python!, '-o', out, '--', join(WORKLOADS, 'subinterpreters.py'), subStats, mainStats]);
      expect(rec.code).toBe(0);
      const ids = /^isolated (\d+) (\d+) legacy (\d+)\n$/.exec(rec.stdout);
      expect(ids).not.toBeNull();
      const [first, second, legacy] = ids!.slice(1);

      // The isolated interpreters' events name them; the legacy one shares the main state.
      const recs = records(readTrace(out));
      const interps = new Set(recs.filter((r) => /^(alloc|free|realloc|calloc|arena_alloc),/.test(r)).map((r) => r.split(',')[10] ?? ''));
      expect([...interps].sort()).toEqual(['', first, second].sort());
      expect(interps.has(legacy!)).toBe(false);
      expect(recs.find((r) => r.includes('"sub-stats"'))).toMatch(new RegExp(`,"sub-stats",${second}$`));

      const sub = memreplay(['stats', out, '--at', 'sub-stats', '--interp', second!]);
      expect(sub.code).toBe(0);
      expect(sub.stdout).toBe(pymallocPartOf(readFileSync(subStats, 'utf8')));
      expect(sub.stdout.length).toBeGreaterThan(500);
      const main = memreplay(['stats', out, '--at', 'main-stats']);
      expect(main.stdout).toBe(pymallocPartOf(readFileSync(mainStats, 'utf8')));
      expect(main.stdout).not.toBe(sub.stdout);

      const verify = memreplay(['stats', out, '--at', 'stats', '--verify']);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toBe(pymallocPartOf(readFileSync(join(dir, 'sub.csv.stats.txt'), 'utf8')));
      const m = /([\d,]+) of ([\d,]+) pymalloc block addresses predicted exactly/.exec(verify.stderr);
      expect(m![1]).toBe(m![2]);
      expect(verify.stderr).toMatch(/, 0 mismatches\n/);
      expect(verify.stderr).toMatch(/: EXACT\n/);
    });
  }
});
