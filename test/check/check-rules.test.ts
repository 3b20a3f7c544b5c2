// The rules of `memreplay check`: byte sizes, the config file, budgets, baselines.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineFor, compareWithBaseline, readBaseline } from '../../src/check/baseline.js';
import { effectiveBudgets, type TraceSummary } from '../../src/check/budgets.js';
import { parseByteSize } from '../../src/check/byte-size.js';
import { findConfig, loadConfig, parseConfig } from '../../src/check/config.js';
import { CHECK_SCHEMA } from '../../src/check/run-check.js';
import { tempDir } from '../cli/helpers.js';
import { fixture, reportOf } from '../reports/check-report.js';

const summary = (over: Partial<TraceSummary> = {}): TraceSummary => ({
  steadyLeakSites: 0,
  leakedBytes: 1000,
  siteLeakedBytes: 100,
  peakFootprintBytes: 1 << 20,
  arenas: 2,
  fragmentation: 0.25,
  ...over,
});

describe('byte sizes', () => {
  it('reads bare bytes, binary and decimal units', () => {
    expect(parseByteSize(1024)).toBe(1024);
    expect(parseByteSize('64 MiB')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('1.5kb')).toBe(1500);
    expect(parseByteSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('12')).toBe(12);
    expect(parseByteSize('1.1 GB')).toBe(1_100_000_000);
    expect(parseByteSize('0.5 KiB')).toBe(512);
    expect(parseByteSize('7.000')).toBe(7);
  });

  it('refuses a fraction of a byte rather than round it', () => {
    for (const bad of ['0.5', '1.5 B', '0.3 KiB', '1.0000001 kB']) expect(parseByteSize(bad), bad).toBeUndefined();
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'MiB', '-1', '1 XB', '1e3', 1.5, -2]) expect(parseByteSize(bad)).toBeUndefined();
  });
});

describe('the config file', () => {
  it('is found in the working directory or a parent, nearest first', () => {
    const root = tempDir();
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'memreplay.config.json'), '{}');
    expect(findConfig(join(root, 'a', 'b'))).toBe(join(root, 'memreplay.config.json'));
    writeFileSync(join(root, 'a', 'memreplay.config.json'), '{}');
    expect(findConfig(join(root, 'a', 'b'))).toBe(join(root, 'a', 'memreplay.config.json'));
  });

  it('reads budgets, tolerance and paths relative to itself', () => {
    const dir = tempDir();
    const file = join(dir, 'memreplay.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        check: {
          budgets: { steadyLeakSites: 1, leakedBytes: '4 MiB', arenas: 40, fragmentation: '60%' },
          baseline: 'ci/base.json',
          tolerance: '10%',
          warmup: 2,
          suppressions: ['ci/x.supp'],
          by: 'function',
        },
      }),
    );
    const c = loadConfig(file);
    expect(c.budgets).toEqual({ steadyLeakSites: 1, leakedBytes: 4 * 1024 * 1024, arenas: 40, fragmentation: 0.6 });
    expect(c.baseline).toBe(join(dir, 'ci', 'base.json'));
    expect(c.suppressions).toEqual([join(dir, 'ci', 'x.supp')]);
    expect(c.tolerance).toBeCloseTo(0.1);
    expect(c.warmup).toBe('2');
    expect(c.by).toBe('function');
  });

  it('reads perTest limits as sizes, and names a bad one', () => {
    expect(parseConfig({ check: { perTest: { limitLeaks: '4 KiB', limitMemory: 1000 } } }, 'm.json').perTest).toEqual({ limitLeaks: 4096, limitMemory: 1000 });
    expect(() => parseConfig({ check: { perTest: { limitLeak: '4 KiB' } } }, 'm.json')).toThrow('m.json: check.perTest: unknown key "limitLeak"; expected one of limitLeaks, limitMemory');
    expect(() => parseConfig({ check: { perTest: { limitMemory: 'big' } } }, 'm.json')).toThrow('m.json: check.perTest.limitMemory: expected a size in bytes');
  });

  it('names the file and the key of anything it does not know or cannot read', () => {
    expect(() => parseConfig({ check: { budget: {} } }, 'm.json')).toThrow('m.json: check: unknown key "budget"; expected one of budgets, baseline');
    expect(() => parseConfig({ check: { budgets: { leakBytes: 5 } } }, 'm.json')).toThrow(
      'm.json: check.budgets: unknown key "leakBytes"; expected one of steadyLeakSites, leakedBytes, siteLeakedBytes, peakFootprintBytes, arenas, fragmentation',
    );
    expect(() => parseConfig({ chek: {} }, 'm.json')).toThrow('m.json: the top level: unknown key "chek"; expected one of check, $schema');
    expect(() => parseConfig({ check: { budgets: { arenas: -1 } } }, 'm.json')).toThrow('m.json: check.budgets.arenas: expected a whole number >= 0, got -1');
    expect(() => parseConfig({ check: { budgets: { leakedBytes: '4 MB!' } } }, 'm.json')).toThrow('expected a whole number of bytes');
    expect(() => parseConfig({ check: { allowNoVerdict: 'yes' } }, 'm.json')).toThrow('m.json: check.allowNoVerdict: expected true or false, got "yes"');
    expect(parseConfig({ check: { allowNoVerdict: true } }, 'm.json').allowNoVerdict).toBe(true);
    expect(() => parseConfig({ check: { allowIncomplete: 1 } }, 'm.json')).toThrow('m.json: check.allowIncomplete: expected true or false, got 1');
    expect(parseConfig({ check: { allowIncomplete: true } }, 'm.json').allowIncomplete).toBe(true);
    expect(() => parseConfig({ check: { allowInexact: 'no' } }, 'm.json')).toThrow('m.json: check.allowInexact: expected true or false, got "no"');
    expect(parseConfig({ check: { allowInexact: true } }, 'm.json').allowInexact).toBe(true);
    // A share above 1 is a slip for a percentage, never 4000%.
    for (const v of [40, '40', 1.5, '140%']) {
      expect(() => parseConfig({ check: { budgets: { fragmentation: v } } }, 'm.json')).toThrow(
        `m.json: check.budgets.fragmentation: expected a share from 0 to 1 (0.4) or a percentage up to 100% ("40%"), got ${JSON.stringify(v)}`,
      );
    }
    expect(parseConfig({ check: { budgets: { fragmentation: 1 } } }, 'm.json').budgets.fragmentation).toBe(1);
    expect(parseConfig({ check: { budgets: { fragmentation: '40%' } } }, 'm.json').budgets.fragmentation).toBe(0.4);
    expect(parseConfig({ check: { tolerance: 2 } }, 'm.json').tolerance).toBe(2);
    expect(() => parseConfig([], 'm.json')).toThrow('m.json: the top level: expected an object, got []');
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{"check": ');
    expect(() => loadConfig(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
  });
});

describe('budgets', () => {
  it('default to failing on any steady-state leak site only', () => {
    expect(effectiveBudgets({})).toEqual({ steadyLeakSites: 0 });
    expect(effectiveBudgets({ arenas: 3 })).toEqual({ steadyLeakSites: 0, arenas: 3 });
    expect(effectiveBudgets({ steadyLeakSites: 2 })).toEqual({ steadyLeakSites: 2 });
  });

  it('are met by a value at the limit and broken above it, naming the sites', async () => {
    const f = fixture();
    const report = await reportOf([f.leaky], { siteLeakedBytes: 640, leakedBytes: 2599 });
    const t = report.traces[0]!;
    expect(t.summary.leakedBytes).toBe(2600);
    expect(t.budgets.find((b) => b.budget === 'siteLeakedBytes')).toMatchObject({ passed: false, actual: 1000, sites: [`warm (${f.dir}/app/cache.py:10)`, 'lib/python3.11/json/decoder.py:30'] });
    expect(t.budgets.find((b) => b.budget === 'leakedBytes')).toMatchObject({ passed: false, actual: 2600, limit: 2599 });
    expect(t.budgets.find((b) => b.budget === 'steadyLeakSites')).toMatchObject({ passed: false, actual: 1 });
  });
});

describe('baselines', () => {
  it('fail on an increase beyond the tolerance, and a baseline of 0 allows none', () => {
    const out = compareWithBaseline(summary({ leakedBytes: 1050, peakFootprintBytes: (1 << 20) * 1.06, steadyLeakSites: 1 }), summary(), 0.05);
    const by = Object.fromEntries(out.map((o) => [o.metric, o.passed]));
    expect(by).toEqual({ steadyLeakSites: false, leakedBytes: true, siteLeakedBytes: true, peakFootprintBytes: false, arenas: true, fragmentation: true });
  });

  it('match traces by the name given, else by a unique base name', () => {
    const dir = tempDir();
    const file = join(dir, 'base.json');
    writeFileSync(file, JSON.stringify({ schema: CHECK_SCHEMA, traces: [{ file: 'ci/a.csv', summary: summary() }, { file: 'x/b.csv', summary: summary() }, { file: 'y/b.csv', summary: summary() }] }));
    const b = readBaseline(file, CHECK_SCHEMA);
    expect(baselineFor(b, 'ci/a.csv')).toBeDefined();
    expect(baselineFor(b, 'elsewhere/a.csv')).toBeDefined();
    expect(baselineFor(b, 'b.csv')).toBeUndefined();
  });

  it('must be a check report', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.json'), '{"schema":"memreplay.analyze/1","traces":[]}');
    expect(() => readBaseline(join(dir, 'x.json'), CHECK_SCHEMA)).toThrow('expected a baseline written by memreplay check (schema memreplay.check/1)');
    expect(() => readBaseline(join(dir, 'none.json'), CHECK_SCHEMA)).toThrow('cannot read the baseline: no such file');
  });
});
