// `memreplay tree` as a user runs it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, memreplay, ROOT, tempDir } from './helpers.js';

const TRACE = join(ROOT, 'traces', 'leak-3.11.csv.gz');

describe('memreplay tree', () => {
  it('prints the live blocks at the footprint high-water mark as a tree, pruned at the threshold', () => {
    const r = memreplay(['tree', TRACE, '--threshold', '5%']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Live blocks of .*leak-3\.11\.csv\.gz at the footprint high-water mark/);
    const root = lines.indexOf('') + 1;
    expect(lines[root]).toMatch(/ 100\.0%  all$/);
    // Every line below the root is at least 5% of it.
    for (const line of lines.slice(root + 1)) {
      const share = Number(/([0-9.]+)%/.exec(line)![1]);
      expect(share).toBeGreaterThanOrEqual(5);
    }
  });

  it('answers a bad threshold and a missing mark with one line', () => {
    for (const args of [['--threshold', 'lots'], ['--at', 'nope'], ['--at-event', '0']]) {
      const r = memreplay(['tree', TRACE, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')[0]).toMatch(/^memreplay: /);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('with --leaks, shows only the blocks of steady-state leak sites, at the instant leaks judges', () => {
    const r = memreplay(['tree', TRACE, '--leaks', '--threshold', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Blocks of the \d+ steady-state leak sites of .*leak-3\.11\.csv\.gz at mark "stats" \(event [0-9,]+\)\n/);
    const conflicting = memreplay(['tree', TRACE, '--leaks', '--at-event', '5']);
    expect(conflicting.code).toBe(2);
    expect(conflicting.stderr).toMatch(/^memreplay: .*(at-event|leaks)/);
  });

  it('with --total, counts every block allocated up to the end, freed or not: what churn counts as allocated, by stack', () => {
    const dir = tempDir();
    const churn = JSON.parse(memreplay(['analyze', '--json', '--churn', '--at-end', TRACE]).stdout).traces[0].churn;
    const sum = (file: string): number =>
      readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    for (const [weight, figure] of [['requested', churn.totals.allocatedBytes], ['blocks', churn.totals.allocations]] as const) {
      const folded = join(dir, `${weight}.folded`);
      expect(memreplay(['flamegraph', '--total', '--weight', weight, TRACE, '--folded', folded]).code).toBe(0);
      expect(sum(folded)).toBe(figure);
    }
    const tree = memreplay(['tree', '--total', TRACE]);
    expect(tree.code).toBe(0);
    expect(tree.stdout).toMatch(/^Every block .*leak-3\.11\.csv\.gz allocated, freed or not, up to the end of the trace/);
    // More was allocated than is live at any instant.
    const live = JSON.parse(memreplay(['analyze', '--json', TRACE]).stdout).traces[0].highWater.live_requested_bytes.value;
    expect(churn.totals.allocatedBytes).toBeGreaterThan(live);
    const both = memreplay(['tree', '--total', '--leaks', TRACE]);
    expect(both.code).toBe(2);
  });
});
