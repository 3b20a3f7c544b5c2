// SARIF output: valid against the official SARIF 2.1.0 schema, results at the
// innermost in-project frame with paths relative to the source root.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/reports/sarif.js';
import { fixture, hostileTrace, reportOf } from './check-report.js';
import { sarifValidator } from './sarif-schema.js';

const validate = sarifValidator();

describe('SARIF output', () => {
  it('is valid SARIF 2.1.0 and puts each leak site at its line, relative to the source root', async () => {
    const f = fixture();
    const report = await reportOf([f.leaky, f.clean], { peakFootprintBytes: 1 });
    const log = JSON.parse(formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('memreplay');
    expect(run.originalUriBaseIds.SRCROOT.uri).toMatch(/^file:\/\/.*\/$/);
    const leak = run.results.find((r: { ruleId: string }) => r.ruleId === 'memreplay/steady-state-leak');
    expect(leak.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'app/server.py', uriBaseId: 'SRCROOT' }, region: { startLine: 42 } });
    expect(leak.message.text).toContain('grew by 64 B per mark');
    expect(leak.stacks[0].frames.map((x: { location: { message: { text: string } } }) => x.location.message.text)[0]).toContain('remember');
    // Peak footprint broken by both traces: a result each, at the trace file.
    const budget = run.results.filter((r: { ruleId: string }) => r.ruleId === 'memreplay/trace-over-budget');
    expect(budget.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['leaky.csv', 'clean.csv']);
  });

  it('skips library frames for the location, escapes odd paths, and stays valid with unreadable traces', async () => {
    const f = fixture();
    const hostile = hostileTrace(f.dir);
    const report = await reportOf([hostile, join(f.dir, 'missing.csv')]);
    const text = formatSarif(report, { sourceRoot: f.dir, toolVersion: '0.1.0' });
    const log = JSON.parse(text);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const result = log.runs[0].results[0];
    // The innermost frame is json/decoder.py (the standard library): the result is at the user's frame.
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('app/we%20ird%25%2C%3A.py');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(7);
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toContain('missing.csv');
  });

  it('has no results when every trace passes', async () => {
    const f = fixture();
    const log = JSON.parse(formatSarif(await reportOf([f.clean]), { sourceRoot: f.dir, toolVersion: '0.1.0' }));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });

  it('stays valid with a trace without a leak verdict: an error result at the trace, or a warning when allowed', async () => {
    const f = fixture();
    const tooFew = { leaks: { growth: { warmup: { intervals: 9 } } } };
    for (const allowNoVerdict of [false, true]) {
      const log = JSON.parse(formatSarif(await reportOf([f.clean], {}, { ...tooFew, allowNoVerdict }), { sourceRoot: f.dir, toolVersion: '0.1.0' }));
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
      const run = log.runs[0];
      const messages = [...run.results, ...run.invocations[0].toolExecutionNotifications].map((r: { message: { text: string } }) => r.message.text);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('no leak verdict');
      if (!allowNoVerdict) expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('clean.csv');
    }
  });
});
