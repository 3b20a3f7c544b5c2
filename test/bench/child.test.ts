// The bench child's leaks and report modes (npm run bench -- --modes leaks,report)
// on a small real trace: each answers one JSON line with its timing, CPU, peak
// RSS and the size of the report it built; report counts the trace's events
// as analyze does, leaks leaves the count to the bench (its result has none).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChildResult } from '../../bench/measurement.js';
import { FIXTURES, ROOT } from '../cli/helpers.js';

const CHILD = join(ROOT, 'dist', 'bench', 'child.js');
const trace = join(FIXTURES, 'startup-3.12.csv.gz');

function child(mode: string): ChildResult {
  const r = spawnSync(process.execPath, [CHILD, mode, trace], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

describe('bench child', () => {
  it('measures leaks, report and analyze on the same trace, report counting the events analyze counts', () => {
    const analyze = child('analyze');
    const leaks = child('leaks');
    const report = child('report');
    expect(analyze.events).toBeGreaterThan(0);
    expect(leaks.events).toBeNull();
    expect(report.events).toBe(analyze.events);
    for (const r of [analyze, leaks, report]) {
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.cpuSeconds).toBeGreaterThan(0);
      expect(r.peakRssBytes).toBeGreaterThan(20e6);
      expect(r.reportChars).toBeGreaterThan(0);
    }
    // The HTML page with its charts is far bigger than the text reports.
    expect(report.reportChars!).toBeGreaterThan(leaks.reportChars!);
  });
});
