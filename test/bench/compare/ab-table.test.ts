// The A/B table: medians of each side's runs per (input, mode), B/A ratios of
// those medians, the alternating order of rounds, and the text layout.

import { describe, expect, it } from 'vitest';
import { abRows, formatAbTable, median, roundOrder, type AbRun, type Side } from '../../../bench/compare/ab-table.js';
import { mulberry32 } from '../../../bench/synthetic-trace.js';

function sortedMiddle(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Runs with random figures: side B's scaled from A's by `scale`, rounds alternating as the compare runs them. */
function runs(rounds: number, scale: number, seed: number): AbRun[] {
  const random = mulberry32(seed);
  const out: AbRun[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const mode of ['analyze', 'report']) {
      const base = { wall: 1 + random() * 9, cpu: 0.5 + random() * 5, rss: 5e7 + random() * 1e8 };
      for (const side of roundOrder(round)) {
        const k = side === 'B' ? scale : 1;
        out.push({ side, input: 'synthetic 1M csv', mode, round, wallSeconds: base.wall * k, cpuSeconds: base.cpu * k, peakRssBytes: base.rss * k });
      }
    }
  }
  return out;
}

describe('median', () => {
  it('is the middle of the sorted values, the mean of the middle two for an even count', () => {
    const random = mulberry32(7);
    for (const n of [1, 2, 3, 4, 9, 10]) {
      const values = Array.from({ length: n }, () => random() * 100);
      expect(median(values)).toBe(sortedMiddle(values));
    }
  });

  it('refuses no values', () => {
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('roundOrder', () => {
  it('puts A first in even rounds and B first in odd ones, each side once per round', () => {
    const firsts: Side[] = [];
    for (let r = 0; r < 6; r++) {
      const order = roundOrder(r);
      expect([...order].sort()).toEqual(['A', 'B']);
      firsts.push(order[0]);
    }
    expect(firsts.filter((s) => s === 'A')).toHaveLength(3);
    expect(firsts.slice(0, 2)).toEqual(['A', 'B']);
    expect(firsts.every((s, i) => i === 0 || s !== firsts[i - 1])).toBe(true);
  });
});

describe('abRows', () => {
  it('gives one row per input and mode with the medians of each side and B/A ratios of the medians', () => {
    const all = runs(5, 1.25, 3);
    const rows = abRows(all);
    expect(rows.map((r) => r.mode)).toEqual(['analyze', 'report']);
    for (const row of rows) {
      const of = (side: Side): AbRun[] => all.filter((r) => r.mode === row.mode && r.side === side);
      for (const [side, s] of [['A', row.a], ['B', row.b]] as const) {
        expect(s.runs).toBe(of(side).length);
        expect(s.wallSeconds).toBe(sortedMiddle(of(side).map((r) => r.wallSeconds)));
        expect(s.cpuSeconds).toBe(sortedMiddle(of(side).map((r) => r.cpuSeconds)));
        expect(s.peakRssBytes).toBe(sortedMiddle(of(side).map((r) => r.peakRssBytes)));
      }
      expect(row.ratio.wall).toBeCloseTo(row.b.wallSeconds / row.a.wallSeconds, 12);
      expect(row.ratio.cpu).toBeCloseTo(row.b.cpuSeconds / row.a.cpuSeconds, 12);
      expect(row.ratio.rss).toBeCloseTo(row.b.peakRssBytes / row.a.peakRssBytes, 12);
      // B is A scaled in every run, so the ratio of medians is the scale.
      expect(row.ratio.wall).toBeCloseTo(1.25, 12);
    }
  });

  it('says NaN for a ratio over a zero median, and refuses a mode run on one side only', () => {
    const zero = runs(1, 2, 5).map((r) => (r.side === 'A' ? { ...r, cpuSeconds: 0 } : r));
    expect(abRows(zero).every((row) => Number.isNaN(row.ratio.cpu) && Number.isFinite(row.ratio.wall))).toBe(true);
    const onlyA = runs(2, 1, 5).filter((r) => !(r.side === 'B' && r.mode === 'report'));
    expect(() => abRows(onlyA)).toThrow('report on synthetic 1M csv: runs of side B missing');
  });
});

describe('formatAbTable', () => {
  it('has a heading, a rule and one line per row, the columns aligned', () => {
    const rows = abRows(runs(3, 0.9, 11));
    const lines = formatAbTable(rows).split('\n');
    expect(lines).toHaveLength(2 + rows.length);
    expect(lines[0]).toMatch(/^mode\s+input\s+runs\s+wall s A\s+wall s B\s+B\/A\s+CPU s A/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    const ends = (line: string): number[] => [...line.matchAll(/\S+(?= {2}|$)/g)].map((m) => m.index! + m[0].length);
    // Right-aligned number columns end where their rule ends.
    const rule = ends(lines[1]!);
    for (const line of lines.slice(2)) expect(ends(line).slice(-9)).toEqual(rule.slice(-9));
    for (const [i, row] of rows.entries()) {
      expect(lines[2 + i]).toContain(row.ratio.wall.toFixed(3));
      expect(lines[2 + i]).toContain(`${row.a.runs}+${row.b.runs}`);
    }
  });
});
