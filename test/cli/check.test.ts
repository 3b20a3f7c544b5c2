// `memreplay check` as CI runs it: exit codes 0/1/2, config, baseline, CI files.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iterationsTrace } from '../analyzers/trace-writer.js';
import { fixture, shutdownTrace } from '../reports/check-report.js';
import { FIXTURES, hasStackTrace, memreplay } from './helpers.js';

describe('memreplay check', () => {
  it('exits 0 for a leak-free workload whose cache fills in the first iterations, with the defaults', () => {
    const f = fixture();
    const r = memreplay(['check', f.clean]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('result: PASS (1 passed, 0 failed)');
  });

  it('exits 1 on a steady-state leak and names its file:line', () => {
    const f = fixture();
    const r = memreplay(['check', f.clean, f.leaky]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`remember (${f.dir}/app/server.py:42): +64 B per mark, 640 B live`);
  });

  it('exits 2 when a trace cannot be read, after checking the others', () => {
    const f = fixture();
    writeFileSync(join(f.dir, 'bad.csv'), 'op,addr,size\nalloc,zz,1\n');
    const r = memreplay(['check', f.leaky, join(f.dir, 'bad.csv'), f.clean]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: .*bad\.csv:2: [^\n]*\n$/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).toContain(`ERROR ${join(f.dir, 'bad.csv')}: could not be read (the error is on stderr)\n`);
    expect(r.stdout).not.toContain('bad.csv:2');
    expect(r.stdout).toContain(`FAIL  ${f.leaky}`);
    expect(r.stdout).toContain(`PASS  ${f.clean}`);
  });

  it('exits 2 on a bad budget value, naming the flag', () => {
    const f = fixture();
    const r = memreplay(['check', f.clean, '--max-peak-footprint', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: --max-peak-footprint "lots": expected a whole number of bytes (1048576, "64 MiB", "1.5 GB")\n');
    for (const v of ['40', '1.5', '140%']) {
      const frag = memreplay(['check', f.clean, '--max-fragmentation', v]);
      expect(frag.code).toBe(2);
      expect(frag.stderr).toBe(`memreplay: --max-fragmentation "${v}": expected a share from 0 to 1 (0.4) or a percentage up to 100% ("40%")\n`);
    }
    expect(JSON.parse(memreplay(['check', f.clean, '--max-fragmentation', '40%', '--json']).stdout).budgets.fragmentation).toBe(0.4);
    const half = memreplay(['check', f.clean, '--max-leaked-bytes', '0.5']);
    expect(half.code).toBe(2);
    expect(half.stderr).toBe('memreplay: --max-leaked-bytes "0.5": expected a whole number of bytes (1048576, "64 MiB", "1.5 GB")\n');
  });

  it('expands globs in sorted order and checks them on worker threads; a glob matching nothing is an error', () => {
    const f = fixture();
    const r = memreplay(['check', '*.csv', '--json', '--jobs', '2'], undefined, f.dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.traces.map((t: { file: string; passed: boolean }) => [t.file, t.passed])).toEqual([
      ['clean.csv', true],
      ['leaky.csv', false],
    ]);
    const none = memreplay(['check', 'nothing/*.csv'], undefined, f.dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^memreplay: .*nothing\/\*\.csv/);
  });

  it('--lenient says how many bad records it skipped, and the first ones, in every output', () => {
    const f = fixture();
    // Two corrupted records after the header: a bad address and an unknown op.
    const lines = readFileSync(f.clean, 'utf8').split('\n');
    lines.splice(2, 0, 'alloc,zz,1,,obj,1,1,,,', 'allok,0x10,1,,obj,1,1,,,');
    writeFileSync(f.clean, lines.join('\n'));
    expect(memreplay(['check', f.clean]).code).toBe(2);
    const junit = join(f.dir, 'out.xml');
    const sarif = join(f.dir, 'out.sarif');
    const summary = join(f.dir, 'summary.md');
    writeFileSync(summary, '');
    const r = memreplay(['check', f.clean, '--lenient', '--junit', junit, '--sarif', sarif], undefined, f.dir, {
      GITHUB_ACTIONS: 'true',
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`PASS  ${f.clean}\n  warning: skipped 2 bad records (--lenient): the figures leave them out\n    line 3: `);
    expect(r.stdout).toMatch(/\n {4}line 4: [^\n]*allok/);
    expect(r.stdout).toContain('result: PASS (1 passed, 0 failed; 1 with bad records skipped (--lenient))');
    expect(r.stdout).toMatch(/^::warning title=memreplay%3A bad records skipped::.*clean\.csv: skipped 2 bad records \(--lenient\), first at line 3: /m);
    expect(readFileSync(summary, 'utf8')).toContain('### Bad records skipped (--lenient)');
    expect(readFileSync(junit, 'utf8')).toMatch(/<system-err>warning: skipped 2 bad records \(--lenient\)\nline 3: /);
    const notes = JSON.parse(readFileSync(sarif, 'utf8')).runs[0].invocations[0].toolExecutionNotifications;
    expect(notes).toEqual([{ level: 'warning', message: { text: expect.stringMatching(/clean\.csv: skipped 2 bad records \(--lenient\), first at line 3: /) } }]);
    const doc = JSON.parse(memreplay(['check', f.clean, '--lenient', '--json']).stdout);
    expect(doc.traces[0].leaks.skippedRecords.count).toBe(2);
    expect(doc.traces[0].leaks.skippedRecords.examples.map((x: { line: number }) => x.line)).toEqual([3, 4]);
  });

  it('takes budgets from memreplay.config.json in a parent directory; flags win', () => {
    const f = fixture();
    const sub = join(f.dir, 'sub');
    mkdirSync(sub);
    writeFileSync(join(f.dir, 'memreplay.config.json'), JSON.stringify({ check: { budgets: { steadyLeakSites: 1, peakFootprintBytes: '1 KiB' } } }));
    const r = memreplay(['check', f.leaky, '--json'], undefined, sub);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.config).toBe(join(f.dir, 'memreplay.config.json'));
    expect(doc.budgetSources).toEqual({ steadyLeakSites: 'config', peakFootprintBytes: 'config' });
    expect(doc.traces[0].budgets.map((b: { budget: string; passed: boolean }) => [b.budget, b.passed])).toEqual([
      ['steadyLeakSites', true],
      ['peakFootprintBytes', false],
    ]);
    const flagged = memreplay(['check', f.leaky, '--max-peak-footprint', '1 GiB'], undefined, sub);
    expect(flagged.code).toBe(0);
  });

  it('reports a bad config file with exit 2, naming file and key', () => {
    const f = fixture();
    writeFileSync(join(f.dir, 'memreplay.config.json'), JSON.stringify({ check: { budgets: { arena: 3 } } }));
    const r = memreplay(['check', f.clean], undefined, f.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^memreplay: .*memreplay\.config\.json: check\.budgets: unknown key "arena"; expected one of steadyLeakSites, .*arenas, fragmentation, nativeLeakedBytes, peakNativeHeapBytes, peakMmapBytes\n$/);
  });

  it('fails against a baseline that a figure rose above, and passes within the tolerance', () => {
    const f = fixture();
    const base = join(f.dir, 'baseline.json');
    const w = memreplay(['check', f.clean, '--update-baseline', base]);
    expect(w.code).toBe(0);
    expect(w.stderr).toBe(`Wrote ${base}\n`);
    const doc = JSON.parse(readFileSync(base, 'utf8'));
    expect(doc.schema).toBe('memreplay.check/1');
    expect(doc.traces[0].leaks).toBeUndefined();
    // The same trace is within its own baseline.
    expect(memreplay(['check', f.clean, '--baseline', base]).code).toBe(0);
    // The leaky run under the clean run's name: a steady-state leak where the baseline had none.
    writeFileSync(f.clean, readFileSync(f.leaky));
    const r = memreplay(['check', f.clean, '--baseline', base, '--max-leak-sites', '5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('baseline: steady-state leak sites 1 > 0 (baseline 0)');
    expect(r.stdout).toMatch(/baseline: bytes live at the reported instant, after suppressions \(at the end of the trace\) 2\.54 KiB > 2\.\d+ KiB \(baseline 1\.\d+ KiB\)/);
    // A baseline of 0 allows no increase, whatever the tolerance.
    expect(memreplay(['check', f.clean, '--baseline', base, '--max-leak-sites', '5', '--tolerance', '100%']).code).toBe(1);
    // Against a baseline of the leaky run, a longer leaky run has 25-28% more live bytes.
    expect(memreplay(['check', f.leaky, '--max-leak-sites', '5', '--update-baseline', base, '--force']).code).toBe(0);
    writeFileSync(f.leaky, iterationsTrace(20, true).replaceAll('app/', `${f.dir}/app/`));
    expect(memreplay(['check', f.leaky, '--baseline', base, '--max-leak-sites', '5']).code).toBe(1);
    expect(memreplay(['check', f.leaky, '--baseline', base, '--max-leak-sites', '5', '--tolerance', '30%']).code).toBe(0);
    // Updating a baseline replaces it, and says so; another file is not overwritten without --force.
    const replaced = memreplay(['check', f.clean, '--max-leak-sites', '5', '--update-baseline', base]);
    expect(replaced.code).toBe(0);
    expect(replaced.stderr).toBe(`Wrote ${base} (replaced the baseline that was there)\n`);
    const other = join(f.dir, 'notes.json');
    writeFileSync(other, '{}');
    const refused = memreplay(['check', f.clean, '--update-baseline', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `memreplay: --update-baseline ${other}: the file exists and is not a memreplay check baseline; pass --force to overwrite it\n`,
    );
    expect(readFileSync(other, 'utf8')).toBe('{}');
    expect(memreplay(['check', f.clean, '--max-leak-sites', '5', '--update-baseline', other, '--force']).code).toBe(0);
    expect(JSON.parse(readFileSync(other, 'utf8')).schema).toBe('memreplay.check/1');
  });

  it('records the instant (--at) of a baseline and refuses to compare figures of another instant', () => {
    const f = fixture();
    const trace = shutdownTrace(f.dir);
    const base = join(f.dir, 'baseline.json');
    const budgets = ['--max-leak-sites', '5'];
    expect(memreplay(['check', trace, ...budgets, '--at', 'stats', '--update-baseline', base]).code).toBe(0);
    expect(JSON.parse(readFileSync(base, 'utf8')).traces[0].at).toBe('stats');
    // With no --at, check judges the stats mark too: the same instant.
    expect(memreplay(['check', trace, ...budgets, '--baseline', base]).code).toBe(0);
    // At the end the blocks are freed: a comparison would pass while comparing 640 B at "stats" with 0 B at the end.
    const end = memreplay(['check', trace, ...budgets, '--baseline', base, '--at-end']);
    expect(end.code).toBe(2);
    expect(end.stderr).toBe(
      `memreplay: ${base}: the baseline of ${trace} is at mark "stats", this run at the end of the trace: pass --at stats to compare like with like, or write a new baseline with --update-baseline\n`,
    );
    expect(memreplay(['check', trace, ...budgets, '--baseline', base, '--at', 'stats']).code).toBe(0);
    expect(memreplay(['check', trace, ...budgets, '--at-end', '--update-baseline', base]).code).toBe(0);
    expect(JSON.parse(readFileSync(base, 'utf8')).traces[0].at).toBeNull();
    const atStats = memreplay(['check', trace, ...budgets, '--baseline', base]);
    expect(atStats.code).toBe(2);
    expect(atStats.stderr).toContain(`is at the end of the trace, this run at mark "stats": pass --at-end to compare`);
    // A baseline written before instants were recorded is still read, compared as it is, with a note.
    const doc = JSON.parse(readFileSync(base, 'utf8'));
    for (const t of doc.traces) delete t.at;
    writeFileSync(base, JSON.stringify(doc));
    const old = memreplay(['check', trace, ...budgets, '--baseline', base, '--at-end']);
    expect(old.code).toBe(0);
    expect(old.stdout).toContain("note: the baseline does not say which instant (--at) its figures are from (an earlier memreplay wrote it)");
    expect(JSON.parse(memreplay(['check', trace, ...budgets, '--baseline', base, '--at-end', '--json']).stdout).baselineRecordsInstant).toBe(false);
  });

  it('writes JUnit and SARIF files, and GitHub annotations and a job summary under GitHub Actions', () => {
    const f = fixture();
    const summary = join(f.dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = memreplay(
      ['check', f.leaky, f.clean, '--junit', join(f.dir, 'out', 'junit.xml'), '--sarif', join(f.dir, 'out', 'memreplay.sarif')],
      undefined,
      f.dir,
      { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: f.dir },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error title=memreplay%3A steady-state leak,file=app/server.py,line=42::');
    expect(readFileSync(summary, 'utf8')).toMatch(/^# earlier step\n## memreplay check: failed\n/);
    expect(readFileSync(join(f.dir, 'out', 'junit.xml'), 'utf8')).toContain('failures="1"');
    expect(JSON.parse(readFileSync(join(f.dir, 'out', 'memreplay.sarif'), 'utf8')).runs[0].results).toHaveLength(1);
  });

  it('keeps stdout a JSON document under GitHub Actions with --json (annotations go to stderr)', () => {
    const f = fixture();
    const r = memreplay(['check', f.leaky, '--json'], undefined, f.dir, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: f.dir });
    expect(JSON.parse(r.stdout).passed).toBe(false);
    expect(r.stderr).toContain('::error title=memreplay%3A steady-state leak');
  });

  it('--gen-suppressions writes entries for the failing sites, which then pass', () => {
    const f = fixture();
    const supp = join(f.dir, 'ci.supp');
    expect(memreplay(['check', f.leaky, '--gen-suppressions', supp], undefined, f.dir).code).toBe(1);
    expect(readFileSync(supp, 'utf8')).toContain(`leak:app/server.py:42`);
    expect(existsSync(supp)).toBe(true);
    const passed = memreplay(['check', f.leaky, '--suppressions', supp]);
    expect(passed.code).toBe(0);
    // A pass through suppressions says what they hid, per trace and per rule.
    expect(passed.stdout).toContain(`PASS  ${f.leaky}\n  suppressed: 10 blocks, 640 B\n          10 blocks      640 B  leak:app/server.py:42  (${supp}:`);
    expect(passed.stdout).toContain(`(${supp}:`);
    const doc = JSON.parse(memreplay(['check', f.leaky, '--suppressions', supp, '--json']).stdout);
    expect(doc.traces[0].leaks.totals).toMatchObject({ suppressedBlocks: 10, suppressedBytes: 640 });
    expect(doc.traces[0].leaks.suppressions).toEqual([expect.objectContaining({ file: supp, blocks: 10, bytes: 640 })]);
  });

  it('passes the real CPython start-up traces with the defaults', () => {
    const r = memreplay(['check', join(FIXTURES, 'startup-3.1*.csv.gz')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('result: PASS (4 passed, 0 failed)');
  });
});
