// Capturing call stacks must not allocate through the allocators being
// recorded: the same program recorded with and without stacks makes the same
// calls with the same sizes, and CPython reports the same statistics.
//
// Addresses and therefore id()-based hashing vary with address-space
// randomization, which can reorder a few frees between any two runs; both
// runs go through `setarch -R` so that they start from the same layout, and
// the workload runs on one thread (thread switches depend on timing). Then
// even the addresses agree: the stack tables live in mappings of their own,
// out of the way of the program's (recorder/src/own-memory.h).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../cli/helpers.js';
import { findPython, readTrace, records, run, WORKLOADS } from './helpers.js';

const SETARCH = ['setarch', machine(), '-R'];
const noAslr = spawnSync(SETARCH[0]!, [...SETARCH.slice(1), 'true']).status === 0;

/** op, addr, size, old_addr, domain of every record (arena records and marks included), in order. */
function calls(text: string): string[] {
  return records(text)
    .filter((r) => !r.startsWith('stack,'))
    .map((r) => (r.startsWith('mark,') ? r.slice(r.lastIndexOf(',')) : r.split(',').slice(0, 5).join(',')));
}

describe('stack capture adds no allocation', () => {
  for (const series of ['3.8', '3.11', '3.13']) {
    const python = findPython(series);
    const why = !noAslr ? ' (skipped: setarch -R is not available here)' : !python ? ` (skipped: CPython ${series} is not installed here)` : '';
    it.skipIf(!noAslr || !python)(`CPython ${series}: --no-stacks and --frames 64 make the same calls at the same addresses and CPython reports the same statistics${why}`, () => {
      const dir = tempDir();
      const record = (name: string, stackArgs: string[]) => {
        const out = join(dir, `${name}.csv`);
        const r = run(SETARCH[0]!, [...SETARCH.slice(1), process.execPath, CLI, 'record', '--python', python!, ...stackArgs, '-o', out, '--', join(WORKLOADS, 'mixed.py'), 'single']);
        expect(r.code).toBe(0);
        return { text: readTrace(out), stats: readFileSync(join(dir, `${name}.csv.stats.txt`), 'utf8'), final: readFileSync(join(dir, `${name}.csv.final.stats.txt`), 'utf8') };
      };
      const bare = record('bare', ['--no-stacks']);
      const deep = record('deep', ['--frames', '64']);
      expect(bare.text).not.toMatch(/^stack,/m);
      expect(deep.text.match(/^stack,/gm)!.length).toBeGreaterThan(100);
      const a = calls(bare.text);
      const b = calls(deep.text);
      expect(a.length).toBeGreaterThan(50_000);
      expect(b.length).toBe(a.length);
      expect(b).toEqual(a);
      expect(deep.stats).toBe(bare.stats);
      expect(deep.final).toBe(bare.final);
    });
  }
});
