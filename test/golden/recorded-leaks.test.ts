// Leak detection on real recorded CPython traces (test/fixtures/recorded/,
// README there): a leak planted in an iteration loop is found at its
// file:line and fails the check; a leak-free loop whose caches fill in its
// first iterations passes with the defaults.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/run/leaks.js';
import { pymallocPartOf } from '../../src/models/pymalloc/stats-text.js';
import { memreplay, tempDir } from '../cli/helpers.js';

const DIR = join(__dirname, '..', 'fixtures', 'recorded');
const LEAKY = join(DIR, 'planted_leak-3.11.csv.gz');
const CLEAN = join(DIR, 'warm_caches-3.11.csv.gz');
const PROJECT = '/home/user/project';

describe('recorded traces', () => {
  it('replay exactly: CPython\'s own stats at the stats mark, every address', () => {
    for (const name of ['planted_leak-3.11', 'warm_caches-3.11']) {
      const r = memreplay(['stats', join(DIR, `${name}.csv.gz`), '--at', 'stats', '--verify']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(pymallocPartOf(readFileSync(join(DIR, `${name}.stats.txt`), 'utf8')));
      expect(r.stderr).toMatch(/EXACT/);
    }
  });

  it('find the planted leak at its lines, growing every iteration', async () => {
    const r = await findLeaks(LEAKY, { instant: { at: 'stats' } });
    expect(r.growth.basis).toBe('marks');
    expect(r.growth.boundaries).toBe(12);
    const leaks = r.sites.filter((s) => s.growth.class === 'steady_leak');
    expect(leaks.map((s) => `${s.location!.file}:${s.location!.line}`).sort()).toEqual([
      `${PROJECT}/planted_leak.py:11`,
      `${PROJECT}/planted_leak.py:13`,
    ]);
    const strings = leaks.find((s) => s.location!.line === 11)!;
    // Four kept strings of 3 × len(str(i)) characters a request.
    expect(strings.growth.rises).toBe(11);
    expect(strings.blocks).toBe(48);
    expect(strings.growth.liveBytes.slice(1, 4)).toEqual([208, 416, 624]);
  });

  it('call the caches of the clean loop bounded or retained once, and no site a leak', async () => {
    const r = await findLeaks(CLEAN, { sites: { top: 100_000 }, instant: { at: 'stats' } });
    expect(r.growth.steadyLeakSites).toBe(0);
    // The dict's lists of strings, filled for keys 0, 1, 2 in the first three requests: what grew after the
    // warm-up of one mark levelled off (bounded), what was filled within it stayed (retained once).
    const byKey = r.sites.filter((s) => s.location?.file === `${PROJECT}/warm_caches.py` && s.location.line === 22);
    expect(byKey.length).toBeGreaterThan(0);
    expect(byKey.some((s) => s.growth.class === 'bounded')).toBe(true);
    for (const s of byKey) {
      expect(['bounded', 'retained_once']).toContain(s.growth.class);
      const steady = s.growth.liveBytes.slice(r.growth.firstSteadySample + 2);
      expect(new Set(steady).size).toBe(1);
    }
  });

  it('the report says what memreplay leaks --at stats says, with the same --by and growth options: verdicts, evidence, pools', () => {
    const dir = tempDir();
    const options = ['--by', 'function', '--warmup', '2', '--marks', 'iteration*'];
    const leaks = JSON.parse(memreplay(['leaks', LEAKY, '--json', '--at', 'stats', ...options]).stdout);
    expect(memreplay(['report', LEAKY, '-o', dir, '--format', 'json', '-q', ...options]).code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'planted_leak-3.11.json'), 'utf8'));
    const { schema: _schema, ...result } = leaks;
    expect(report.leaks).toEqual(result);
    expect(report.leaks.sites.filter((s: { growth: { class: string } }) => s.growth.class === 'steady_leak').map((s: { key: string }) => s.key)).toEqual([
      `handle.<locals>.<listcomp> (${PROJECT}/planted_leak.py)`,
      `handle (${PROJECT}/planted_leak.py)`,
    ]);
    expect(report.analyze.liveBlocks.groupedBy).toBe('function');
    expect(memreplay(['report', LEAKY, '-o', dir, '--format', 'md', '-q', ...options]).code).toBe(0);
    const md = readFileSync(join(dir, 'planted_leak-3.11.md'), 'utf8');
    expect(md).toMatch(/\| handle\.\\<locals>\.\\<listcomp> \(\/home\/user\/project\/planted\\_leak\.py\) \| steady leak \| ▁+▂/);
  });

  it("the report's leak section shows the planted leak live at the stats mark, or at --at's mark", () => {
    const dir = tempDir();
    expect(memreplay(['report', LEAKY, '-o', dir, '--format', 'md', '-q']).code).toBe(0);
    const md = readFileSync(join(dir, 'planted_leak-3.11.md'), 'utf8');
    expect(md).toContain('Live bytes are those at mark “stats” (the recorder');
    // Both planted lines, with the 12 requests' blocks live (2.46 KiB and 920 B), not the 0 B left after shutdown.
    expect(md).toMatch(/\| handle\.\\<locals>\.\\<listcomp> \(\/home\/user\/project\/planted\\_leak\.py:11\) \| steady leak \| [▁-█]+ \| \+209 B per mark \| 2\.46 KiB \| 48 \|/);
    expect(md).toMatch(/\| handle \(\/home\/user\/project\/planted\\_leak\.py:13\) \| steady leak \| [▁-█]+ \| \+83 B per mark \| 920 B \| 12 \|/);
    expect(md).toContain('| live at mark “stats” |');
    expect(memreplay(['report', LEAKY, '-o', dir, '--format', 'json', '-q', '--at', 'iteration 6']).code).toBe(0);
    const at6 = JSON.parse(readFileSync(join(dir, 'planted_leak-3.11.json'), 'utf8'));
    expect(at6.leaks.at.mark).toBe('iteration 6');
    expect(at6.leaks.growth.boundaries).toBe(6);
    const missing = memreplay(['report', LEAKY, '-o', dir, '--format', 'json', '-q', '--force', '--at', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no mark labelled "nope"');
  });

  it('memreplay check fails on the leak (exit 1) and passes the clean loop (exit 0) with the defaults', () => {
    expect(memreplay(['check', CLEAN]).code).toBe(0);
    const leaky = memreplay(['check', LEAKY, '--source-root', PROJECT, '--sarif', join(tempDir(), 'out.sarif'), '--json']);
    expect(leaky.code).toBe(1);
    const doc = JSON.parse(leaky.stdout);
    expect(doc.traces[0].budgets[0]).toMatchObject({ budget: 'steadyLeakSites', actual: 2, passed: false });
  });

  it('points SARIF and GitHub annotations at the leaking lines, relative to the source root', () => {
    const dir = tempDir();
    const sarif = join(dir, 'out.sarif');
    const r = memreplay(['check', LEAKY, '--sarif', sarif], undefined, dir, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: PROJECT });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error title=memreplay%3A steady-state leak,file=planted_leak.py,line=11::');
    expect(r.stdout).toContain('::error title=memreplay%3A steady-state leak,file=planted_leak.py,line=13::');
    const results = JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results;
    expect(results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => {
      const p = x.locations[0]!.physicalLocation;
      return `${p.artifactLocation.uri}:${p.region.startLine}`;
    })).toEqual(['planted_leak.py:11', 'planted_leak.py:13']);
  });
});
