// reports/bench-compare-<date>.json: dated by the compare's start, never
// written over without --force, and written whole (no temporary file left).

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWritable, compareReportPath, writeCompareReport } from '../../../bench/compare/report-file.js';

const dir = mkdtempSync(join(tmpdir(), 'memreplay-compare-report-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare report file', () => {
  it('is named by the UTC date the compare started', () => {
    const d = new Date(Date.UTC(2031, 0, 9, 23, 59));
    expect(compareReportPath(dir, d)).toBe(join(dir, `bench-compare-${d.toISOString().slice(0, 10)}.json`));
  });

  it('is written whole as JSON, in a folder made when missing, and refused when it exists unless forced', () => {
    const path = join(dir, 'reports', 'bench-compare-x.json');
    writeCompareReport(path, { rows: [1] }, false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ rows: [1] });
    expect(() => checkWritable(path, false)).toThrow(`${path} exists: pass --force to overwrite it`);
    expect(() => writeCompareReport(path, { rows: [2] }, false)).toThrow('--force');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ rows: [1] });
    writeCompareReport(path, { rows: [3] }, true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ rows: [3] });
    expect(readdirSync(join(dir, 'reports'))).toEqual(['bench-compare-x.json']);
  });

  it('accepts a path that does not exist yet without --force', () => {
    const path = join(dir, 'fresh.json');
    expect(existsSync(path)).toBe(false);
    expect(() => checkWritable(path, false)).not.toThrow();
    writeFileSync(path, '{}');
    expect(() => checkWritable(path, true)).not.toThrow();
  });
});
