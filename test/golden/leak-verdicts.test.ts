// Leak verdicts a CI gate can trust (docs/leaks.md, "Growth"): real
// start-up traces pass `check` with the defaults, at the end and at the
// `stats` mark; a warm-up that leaves too few marked intervals is an explicit
// "no verdict" that fails unless allowed; a --marks glob that matches nothing
// is a usage error; and without marks the growth rule over windows still finds a
// leak that runs through the trace, but calls nothing in a start-up a leak.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/run/leaks.js';
import { MAIN, TraceWriter } from '../analyzers/trace-writer.js';
import { FIXTURES, memreplay, ROOT, tempDir } from '../cli/helpers.js';

const RECORDED = join(__dirname, '..', 'fixtures', 'recorded');
const LEAKY = join(RECORDED, 'planted_leak-3.11.csv.gz');
const CLEAN = join(RECORDED, 'warm_caches-3.11.csv.gz');

/** Every start-up trace shipped: traces/ and the shared CPython set (no stacks, no iteration marks). */
const STARTUP = [
  ...readdirSync(join(ROOT, 'traces')).filter((f) => /^startup-.*\.csv\.gz$/.test(f)).map((f) => join(ROOT, 'traces', f)),
  ...readdirSync(FIXTURES).filter((f) => /^startup-.*\.csv\.gz$/.test(f)).map((f) => join(FIXTURES, f)),
];

/** A recorded trace with its iteration marks taken out (the recorder's stats and final stay). */
function withoutIterationMarks(file: string): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const kept = lines.filter((l) => !(l.startsWith('mark,') && l.includes('"iteration ')));
  expect(lines.length - kept.length).toBe(12);
  const out = join(tempDir(), file.split('/').pop()!.replace('-3.11', '-nomarks-3.11'));
  writeFileSync(out, gzipSync(kept.join('\n')));
  return out;
}

describe('start-up traces', () => {
  it('has the start-up traces it means to check', () => {
    expect(STARTUP.length).toBeGreaterThanOrEqual(9);
  });

  for (const at of [[], ['--at', 'stats']]) {
    it(`pass check with the defaults ${at.length === 0 ? 'at the end' : 'at the stats mark'}: imports are not leaks`, () => {
      const r = memreplay(['check', ...STARTUP, ...at, '--jobs', '2', '--json']);
      const doc = JSON.parse(r.stdout);
      for (const t of doc.traces) {
        expect([t.file, t.leaks.growth.basis, t.leaks.growth.noVerdict, t.budgets[0].actual]).toEqual([t.file, 'windows', null, 0]);
      }
      expect(r.code).toBe(0);
      expect(doc.traces).toHaveLength(STARTUP.length);
    });
  }
});

describe('recorded traces without their iteration marks', () => {
  it('pass check at the end and at stats: the import machinery of a start-up with stacks is not a leak', () => {
    const files = [withoutIterationMarks(LEAKY), withoutIterationMarks(CLEAN)];
    for (const at of [[], ['--at', 'stats']]) {
      const r = memreplay(['check', ...files, ...at, '--json']);
      expect(r.code, r.stdout).toBe(0);
      for (const t of JSON.parse(r.stdout).traces) expect(t.leaks.growth.basis).toBe('windows');
    }
  });

  it('do not show the planted leak: its 12 requests are the last 1% of the events, too few windows to tell it from start-up', async () => {
    const r = await findLeaks(withoutIterationMarks(LEAKY), { sites: { top: 100_000 }, instant: { at: 'stats' } });
    expect(r.growth.basis).toBe('windows');
    expect(r.growth.steadyLeakSites).toBe(0);
    const planted = r.sites.find((s) => s.location?.line === 11 && s.location.file.endsWith('planted_leak.py'));
    expect(planted?.growth.class).toBe('retained_once');
    // With the marks, the same replay finds it (recorded-leaks.test.ts).
    expect((await findLeaks(LEAKY, { instant: { at: 'stats' } })).growth.steadyLeakSites).toBe(2);
  });
});

/**
 * A long-running program without marks: a start-up that imports (frames of
 * importlib's bootstrap) and allocates without stacks, then requests that
 * each keep 64 bytes at app/server.py:42, keep a block without a stack, and
 * import a plugin module now and then.
 */
function serviceWithoutMarks(): string {
  const w = new TraceWriter();
  const importing = ['<module> (app/main.py:1)', '_call_with_frames_removed (<frozen importlib._bootstrap>:241)'];
  for (let i = 0; i < 1500; i++) {
    w.alloc(48 + (i % 5) * 16, [...importing, `<module> (lib/python3.11/mod${i % 40}.py:${i % 97})`]);
    if (i % 3 === 0) w.alloc(32);
  }
  for (let it = 0; it < 1000; it++) {
    const temp = [];
    for (let k = 0; k < 3; k++) temp.push(w.alloc(100, [MAIN, 'handle (app/server.py:30)']));
    w.alloc(64, [MAIN, 'handle (app/server.py:30)', 'remember (app/server.py:42)']);
    w.alloc(24);
    if (it % 2 === 0) w.alloc(80, [MAIN, 'load_plugin (app/plugins.py:8)', ...importing.slice(1), '<module> (app/plugin.py:3)']);
    for (const a of temp) w.free(a);
  }
  const file = join(tempDir(), 'service.csv');
  writeFileSync(file, w.text());
  return file;
}

describe('a trace without marks with a genuine steady leak', () => {
  it('is found over windows at its line; growth without a stack or inside imports is not called a leak', async () => {
    const r = await findLeaks(serviceWithoutMarks());
    expect(r.growth.basis).toBe('windows');
    expect(r.growth.noVerdict).toBeNull();
    expect(r.sites.filter((s) => s.growth.class === 'steady_leak').map((s) => s.key)).toEqual(['remember (app/server.py:42)']);
    const leak = r.sites[0]!;
    expect(leak.growth.excluded).toBeNull();
    expect(leak.blocks).toBe(1000);
    // The plugin imports grow all through the requests too, and the blocks without a stack: excluded from a windows verdict.
    const plugin = r.sites.find((s) => s.key === '<module> (app/plugin.py:3)')!;
    expect(plugin.growth.excluded).toBe('import-time');
    expect(plugin.growth.class).toBe('retained_once');
    const noStack = r.sites.find((s) => s.noStack !== null && s.key.includes('size class 1 '))!;
    expect(noStack.growth.excluded).toBe('no-stack');
    expect(noStack.growth.class).toBe('retained_once');
  });

  it('fails check with the leak named, at the end of the trace', () => {
    const r = memreplay(['check', serviceWithoutMarks()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('steady-state leak sites: 1 > 0\n    remember (app/server.py:42): +');
    expect(r.stdout).toContain('per window, 62.5 KiB live in 1,000 blocks at the end of the trace');
  });
});

describe('the warm-up and --marks from the command line', () => {
  it('a warm-up that leaves fewer than 3 marked intervals gives no verdict: leaks says so, check fails unless allowed', () => {
    const leaks = memreplay(['leaks', LEAKY, '--warmup', '10']);
    expect(leaks.code).toBe(0);
    expect(leaks.stdout).toMatch(/growth: 12 marks; warm-up 10 marks, 2 intervals after it; [\d,]+ sites seen \([\d,]+ of them live at mark "stats"\): no verdict \(a verdict needs 3\), 0 bounded, /);
    expect(leaks.stdout).toContain('no leak verdict: only 2 intervals after the warm-up of 10 marks (12 marks counted); a verdict needs 3');
    for (const warmup of ['10', '100']) {
      const check = memreplay(['check', LEAKY, '--warmup', warmup]);
      expect(check.code).toBe(1);
      expect(check.stdout).toContain('steady-state leak sites: no leak verdict: only');
      expect(check.stdout).toContain('result: FAIL');
    }
    const allowed = memreplay(['check', LEAKY, '--warmup', '10', '--allow-no-verdict']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('PASS  ');
    expect(allowed.stdout).toContain('warning: no leak verdict: only 2 intervals');
    const dir = tempDir();
    writeFileSync(join(dir, 'memreplay.config.json'), JSON.stringify({ check: { warmup: 10, allowNoVerdict: true } }));
    expect(memreplay(['check', LEAKY], undefined, dir).code).toBe(0);
  });

  it('a --marks glob that matches no mark is a usage error naming the marks the trace has', () => {
    const leaks = memreplay(['leaks', LEAKY, '--marks', 'nomatch']);
    expect(leaks.code).toBe(2);
    expect(leaks.stderr).toBe(
      `memreplay: ${LEAKY}: --marks "nomatch" matches no mark; the trace before mark "stats" has 13 marks: "iteration *" x12, "stats"\n`,
    );
    // leaks judges the stats mark by default; at the end (--at-end) every mark of the trace is named.
    expect(memreplay(['leaks', LEAKY, '--marks', 'nomatch', '--at-end']).stderr).toBe(
      `memreplay: ${LEAKY}: --marks "nomatch" matches no mark; the trace has 14 marks: "iteration *" x12, "stats", "final"\n`,
    );
    const check = memreplay(['check', LEAKY, '--marks', 'nomatch']);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('--marks "nomatch" matches no mark');
    expect(check.stdout).not.toContain('PASS');
  });

  it('--warmup on windows is honoured and shown as given', () => {
    const r = memreplay(['leaks', STARTUP[0]!, '--warmup', '30']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/growth: no usable marks, \d+ windows of [\d,]+ events; warm-up 30 windows, \d+ intervals after it/);
    const pct = memreplay(['leaks', STARTUP[0]!, '--warmup', '50%', '--json']);
    const g = JSON.parse(pct.stdout).growth;
    expect([g.warmupPercent, g.warmup]).toEqual([50, Math.ceil((g.samples.length - 1) / 2)]);
  });
});
