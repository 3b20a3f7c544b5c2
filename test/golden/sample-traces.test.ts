// The sample traces in traces/ (README there: how they were recorded) replay
// to the statistics CPython printed beside them, at both marks, with every
// address predicted and no anomaly; and `memreplay check traces/*.csv.gz`
// gives each a real verdict, the one README.md quotes: the planted leak fails
// at its sites in leak.py, everything else passes.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/run/leaks.js';
import { walkStats } from '../../src/models/pymalloc/stats.js';
import { formatDebugMallocStats, pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import type { Replayer } from '../../src/replay/replayer.js';
import { memreplay, ROOT } from '../cli/helpers.js';

const DIR = join(__dirname, '..', '..', 'traces');

/** Events (stack definitions excluded) as traces/README.md lists them. */
const EVENTS: Record<string, number> = {
  'startup-3.11': 36_991,
  'churn-3.11': 63_692,
  'leak-3.11': 56_469,
  'reclaim-3.11': 74_861,
  'startup-3.8': 43_093,
  'startup-3.13': 48_912,
};

/** pymalloc block addresses the model predicted, every one the trace has (stats --verify). */
const PREDICTED: Record<string, number> = {
  'startup-3.11': 17_889,
  'churn-3.11': 32_222,
  'leak-3.11': 27_607,
  'reclaim-3.11': 36_913,
  'startup-3.8': 23_673,
  'startup-3.13': 25_159,
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
      expect(replayer.addressCheck.predicted).toBe(PREDICTED[name]);
      expect(replayer.arenas.mismatches).toBe(0);
    });
  }
});

/** The output README.md quotes after `$ npx memreplay check traces/*.csv.gz`. */
function readmeCheckQuote(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('$ npx memreplay check traces/*.csv.gz\n');
  expect(start, 'README.md quotes `check traces/*.csv.gz`').toBeGreaterThan(0);
  const body = readme.slice(readme.indexOf('\n', start) + 1);
  return body.slice(0, body.indexOf('```'));
}

describe('memreplay check traces/*.csv.gz', () => {
  it('prints what README.md quotes, and fails (exit 1) on the planted leak only', () => {
    const r = memreplay(['check', 'traces/*.csv.gz'], undefined, ROOT);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readmeCheckQuote());
    expect(r.code).toBe(1);
  });

  it('gives every trace a verdict: churn and reclaim on their marks, the start-ups on windows', () => {
    const r = memreplay(['check', 'traces/*.csv.gz', '--json'], undefined, ROOT);
    const verdicts = JSON.parse(r.stdout).traces.map((t: TraceJson) => [
      t.file,
      t.passed,
      t.leaks.growth.basis,
      t.leaks.growth.noVerdict,
      t.budgets[0]!.sites,
    ]);
    expect(verdicts).toEqual([
      ['traces/churn-3.11.csv.gz', true, 'marks', null, []],
      [
        'traces/leak-3.11.csv.gz',
        false,
        'marks',
        null,
        ['handle (/srv/app/leak.py:20)', 'process (/srv/app/leak.py:16)', 'remember (/srv/app/leak.py:12)', '<module> (/srv/app/leak.py:29)'],
      ],
      ['traces/reclaim-3.11.csv.gz', true, 'marks', null, []],
      ['traces/startup-3.11.csv.gz', true, 'windows', null, []],
      ['traces/startup-3.13.csv.gz', true, 'windows', null, []],
      ['traces/startup-3.8.csv.gz', true, 'windows', null, []],
    ]);
  });

  it('passes churn because its window of kept requests stops growing: the same live bytes at every mark from `iteration 3` on', async () => {
    const r = await findLeaks(join(DIR, 'churn-3.11.csv.gz'), { sites: { top: 100_000 }, instant: { at: 'stats' } });
    expect(r.growth.steadyIntervals).toBe(10);
    const make = r.sites.find((s) => s.key === 'make (/srv/app/churn.py:10)')!;
    // Grew in the first intervals after the warm-up, then levelled off: bounded.
    expect(make.growth.class).toBe('bounded');
    expect(make.growth.liveBytes).toEqual([0, 0, 5186, 5666, 5858, 5858, 5858, 5858, 5858, 5858, 5858, 5858]);
  });

  it('passes reclaim because every round frees what it filled: its strings go back to two survivors at each "freed" mark', async () => {
    const r = await findLeaks(join(DIR, 'reclaim-3.11.csv.gz'), { sites: { top: 100_000 }, instant: { at: 'stats' } });
    expect(r.growth.samples.map((s) => s.mark)).toEqual([
      null,
      'round 0 filled',
      'round 0 freed',
      'round 1 filled',
      'round 1 freed',
      'round 2 filled',
      'round 2 freed',
    ]);
    const strings = r.sites.find((s) => s.key === '<listcomp> (/srv/app/reclaim.py:17)')!;
    expect(strings.growth.class).toBe('retained_once');
    expect(strings.growth.liveBytes).toEqual([0, 2_993_024, 980, 2_994_004, 980, 2_994_004, 980]);
    expect([strings.blocks, strings.requestedBytes]).toEqual([2, 980]);
  });
});

interface TraceJson {
  file: string;
  passed: boolean;
  leaks: { growth: { basis: string; noVerdict: string | null } };
  budgets: { sites: string[] }[];
}
