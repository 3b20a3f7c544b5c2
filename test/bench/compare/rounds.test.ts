// A compare's runs at a tiny size, with this repository's build on both sides
// (building a ref in a worktree takes npm ci, too long for a test; that path
// runs in `npm run bench -- --compare`): every mode runs once per side per
// round as the user's command in its own process, A and B alternate going
// first, and each run reports its own wall, CPU and peak RSS.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { abRows, roundOrder } from '../../../bench/compare/ab-table.js';
import { measuredRun, type RunTarget } from '../../../bench/compare/measured-run.js';
import { COMPARE_MODES } from '../../../bench/compare/options.js';
import { runRounds } from '../../../bench/compare/rounds.js';
import { FIXTURES, ROOT } from '../../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'memreplay-rounds-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hook = join(ROOT, 'bench', 'compare', 'measure-hook.cjs');
const target = (name: string): RunTarget => ({ root: ROOT, hook, workDir: mkdtempSync(join(dir, name)), pin: null });
const trace = join(FIXTURES, 'startup-3.12.csv.gz');

describe('compare rounds', () => {
  it('runs every mode on each side once per round, alternating which side goes first, each run measured in its own process', () => {
    const lines: string[] = [];
    const repeat = 2;
    // leaks (exit 1 on leaks is a verdict, not a failure) and report (the slowest); analyze is run below.
    const modes = ['leaks', 'report'] as const;
    const runs = runRounds({ sides: { A: target('a-'), B: target('b-') }, inputs: [{ name: 'startup', path: trace }], modes, repeat, log: (l) => lines.push(l) });
    expect(runs).toHaveLength(repeat * modes.length * 2);
    expect(lines).toHaveLength(runs.length);
    for (let round = 0; round < repeat; round++) {
      for (const mode of modes) {
        expect(runs.filter((r) => r.round === round && r.mode === mode).map((r) => r.side)).toEqual(roundOrder(round));
      }
    }
    for (const r of runs) {
      expect(r.cpuSeconds).toBeGreaterThan(0);
      expect(r.wallSeconds).toBeGreaterThan(0);
      expect(r.peakRssBytes).toBeGreaterThan(20e6);
    }
    const rows = abRows(runs);
    expect(rows.map((r) => r.mode)).toEqual([...modes]);
    // The same build on both sides: its peak memory cannot differ by much.
    for (const row of rows) {
      expect(row.ratio.rss).toBeGreaterThan(0.8);
      expect(row.ratio.rss).toBeLessThan(1.25);
    }
  });

  it('runs each mode as the user types it', () => {
    for (const mode of COMPARE_MODES) {
      const cost = measuredRun(target(`${mode}-`), mode, trace);
      expect(cost.cpuSeconds).toBeGreaterThan(0);
      expect(cost.peakRssBytes).toBeGreaterThan(20e6);
    }
  });

  it('says which command failed on which build, in one line, when a run fails', () => {
    const missing = join(dir, 'no-such-trace.csv');
    let message = '';
    try {
      measuredRun(target('fail-'), 'analyze', missing);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^analyze ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} with ${ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: exit 2: `));
    expect(message).not.toContain('\n');
  });
});
