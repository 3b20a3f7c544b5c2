// `stats --json`: the verification appears only when --verify asked for it.

import { describe, expect, it } from 'vitest';
import { formatStatsJson, STATS_SCHEMA, type StatsDocument } from '../../../src/reports/json/stats-json.js';

const doc = {
  file: 't.csv',
  python: '3.11',
  at: { event: 3, mark: null, end: true },
  interp: 0,
  allocatedBlocks: 2,
  stats: {},
  skippedRecords: 0,
  completeness: { state: 'complete' },
  exactness: { state: 'exact' },
} as unknown as StatsDocument;

describe('formatStatsJson', () => {
  it('starts with the schema and has no verification without --verify', () => {
    const parsed = JSON.parse(formatStatsJson(doc));
    expect(Object.keys(parsed)[0]).toBe('schema');
    expect(parsed.schema).toBe(STATS_SCHEMA);
    expect('verification' in parsed).toBe(false);
  });

  it('adds the verification last when given', () => {
    const verification = { exact: true };
    const parsed = JSON.parse(formatStatsJson({ ...doc, verification } as unknown as StatsDocument));
    expect(Object.keys(parsed).at(-1)).toBe('verification');
    expect(parsed.verification).toEqual(verification);
  });
});
