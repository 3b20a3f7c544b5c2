// The check document and the baseline written from it.

import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../../src/check/run-check.js';
import { formatBaselineJson, formatCheckJson } from '../../../src/reports/json/check-json.js';

// Only the shape the formatters touch: a baseline keeps a trace's fields but its leak sites.
const report = {
  schema: 'memreplay.check/1',
  passed: true,
  traces: [{ file: 'a.csv', passed: true, at: { event: 7 }, leaks: { sites: ['x'] } }],
  failures: [],
} as unknown as CheckReport;

describe('check documents', () => {
  it('writes the report whole, indented, ending in a newline', () => {
    const text = formatCheckJson(report);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(report);
  });

  it('leaves the per-site details out of a baseline and keeps the rest of each trace', () => {
    const baseline = JSON.parse(formatBaselineJson(report));
    expect(baseline.schema).toBe(report.schema);
    expect(baseline.traces).toEqual([{ file: 'a.csv', passed: true, at: { event: 7 } }]);
  });
});
