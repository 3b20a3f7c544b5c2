// Golden test: every real CPython trace replays to CPython's own numbers.
// Fixtures: test/fixtures/cpython-traces/ (README there says how they were made).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countersStats, walkStats } from '../../src/models/pymalloc/stats.js';
import { formatDebugMallocStats, pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import type { Replayer } from '../../src/replay/replayer.js';

const DIR = join(__dirname, '..', 'fixtures', 'cpython-traces');

/** sys.getallocatedblocks() at the `stats` mark, from the shared set's README table. */
const ALLOCATED_BLOCKS_AT_STATS: Record<string, number> = {
  'startup-3.8': 14_562,
  'startup-3.9': 14_617,
  'startup-3.10': 15_087,
  'startup-3.11': 9_502,
  'startup-3.12': 9_904,
  'startup-3.13': 15_558,
  'dicts-3.8': 269_517,
  'dicts-3.11': 264_769,
  'dicts-3.13': 270_663,
  'reclaim-3.8': 20_316,
  'reclaim-3.11': 15_296,
  'reclaim-3.13': 21_296,
};

interface MarkSnapshot {
  walked: string;
  counted: string;
  allocatedBlocks: number;
}

describe('replaying the real CPython traces', () => {
  for (const [name, allocatedBlocks] of Object.entries(ALLOCATED_BLOCKS_AT_STATS)) {
    it(`${name} reproduces CPython's stats at both marks, every address and every arena`, async () => {
      const marks = new Map<string, MarkSnapshot>();
      const { replayer } = await replayTrace(join(DIR, `${name}.csv.gz`), {
        observers: [
          {
            onMark(r: Replayer, label: string) {
              marks.set(label, {
                walked: formatDebugMallocStats(walkStats(r.model)),
                counted: formatDebugMallocStats(countersStats(r.model)),
                allocatedBlocks: r.allocatedBlocks,
              });
            },
          },
        ],
      });
      const expectedStats = pymallocPartOf(readFileSync(join(DIR, `${name}.stats.txt`), 'utf8'));
      const expectedFinal = pymallocPartOf(readFileSync(join(DIR, `${name}.final.stats.txt`), 'utf8'));
      expect(expectedStats.length).toBeGreaterThan(500);
      expect(marks.get('stats')?.walked).toBe(expectedStats);
      expect(marks.get('final')?.walked).toBe(expectedFinal);
      // The running totals analyzers use agree with CPython's walk.
      expect(marks.get('stats')?.counted).toBe(expectedStats);
      expect(marks.get('final')?.counted).toBe(expectedFinal);
      expect(marks.get('stats')?.allocatedBlocks).toBe(allocatedBlocks);

      expect(replayer.anomalies.total).toBe(0);
      expect(replayer.addressCheck.mismatched).toBe(0);
      expect(replayer.addressCheck.predicted).toBeGreaterThan(10_000);
      expect(replayer.arenas.mismatches).toBe(0);
      expect(replayer.arenas.arenasPlaced).toBe(0);
      expect(replayer.arenas.exact).toBe(true);
    });
  }
});
