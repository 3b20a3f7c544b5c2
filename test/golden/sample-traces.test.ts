// The sample traces in traces/ (README there: how they were recorded) replay
// to the statistics CPython printed beside them, at both marks, with every
// address predicted and no anomaly.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkStats } from '../../src/models/pymalloc/stats.js';
import { formatDebugMallocStats, pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { replayTrace } from '../../src/replay/replay-trace.js';
import type { Replayer } from '../../src/replay/replayer.js';

const DIR = join(__dirname, '..', '..', 'traces');

/** Events (stack definitions excluded) as traces/README.md lists them. */
const EVENTS: Record<string, number> = {
  'startup-3.11': 36_991,
  'churn-3.11': 55_943,
  'leak-3.11': 56_469,
  'reclaim-3.11': 91_560,
  'startup-3.8': 43_093,
  'startup-3.13': 48_912,
};

describe('the sample traces', () => {
  it('are the ones traces/README.md lists', () => {
    const names = readdirSync(DIR).filter((n) => n.endsWith('.csv.gz')).map((n) => n.replace('.csv.gz', ''));
    expect(names.sort()).toEqual(Object.keys(EVENTS).sort());
  });

  for (const [name, events] of Object.entries(EVENTS)) {
    it(`${name} replays to CPython's own statistics at its stats and final marks`, async () => {
      const marks = new Map<string, string>();
      const { replayer } = await replayTrace(join(DIR, `${name}.csv.gz`), {
        observers: [{ onMark: (r: Replayer, label: string) => void marks.set(label, formatDebugMallocStats(walkStats(r.model))) }],
      });
      expect(replayer.traceMeta['complete']).toBe('true');
      expect(replayer.events).toBe(events);
      expect(marks.get('stats')).toBe(pymallocPartOf(readFileSync(join(DIR, `${name}.stats.txt`), 'utf8')));
      expect(marks.get('final')).toBe(readFileSync(join(DIR, `${name}.final.stats.txt`), 'utf8'));
      expect(replayer.anomalies.total).toBe(0);
      expect(replayer.addressCheck.mismatched).toBe(0);
      expect(replayer.arenas.mismatches).toBe(0);
    });
  }
});
