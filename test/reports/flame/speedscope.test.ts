// The speedscope file validates against speedscope's published schema
// (test/fixtures/speedscope says where it comes from), and its samples and
// weights give back the live stacks.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { speedscopeFile } from '../../../src/reports/flame/speedscope.js';
import { liveOf, stack } from './stacks.js';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'speedscope', 'file-format-schema.json'), 'utf8'));

describe('the speedscope file', () => {
  const live = liveOf([
    stack(['main (a.py:1)', 'f (b.py:2)'], 2, 48, 64),
    stack(['main (a.py:1)', 'g.py:9'], 1, 10, 16),
    stack([], 1, 0, 16),
  ]);
  const file = JSON.parse(speedscopeFile(live, { name: 'live blocks of t.csv', exporter: 'memreplay test', weight: 'block-bytes' }));

  it("is valid against speedscope's file format schema", () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
  });

  it('holds one profile per weight, the chosen one first to open, each summing to the total', () => {
    expect(file.profiles.map((p: { unit: string }) => p.unit)).toEqual(['bytes', 'bytes', 'none']);
    expect(file.activeProfileIndex).toBe(1);
    const totals = [live.total.requestedBytes, live.total.blockBytes, live.total.blocks];
    file.profiles.forEach((p: { weights: number[]; endValue: number }, i: number) => {
      expect(p.endValue).toBe(totals[i]);
      expect(p.weights.reduce((a, b) => a + b, 0)).toBe(totals[i]);
    });
  });

  it('shares frames between samples, oldest first, with file and line where the frame has them', () => {
    const names = (sample: number[]): string[] => sample.map((i) => file.shared.frames[i].name);
    expect(file.profiles[0].samples.map(names)).toEqual([['main', 'f'], ['main', 'g.py:9'], ['[no stack]']]);
    expect(file.shared.frames[0]).toEqual({ name: 'main', file: 'a.py', line: 1 });
    expect(file.shared.frames).toHaveLength(4);
  });
});
