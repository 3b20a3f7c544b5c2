// Every command names a replay the model did not follow exactly, in one line
// and in its JSON; check fails it unless allowed. The trace is hand-made
// (test/fixtures/hand-made/inexact-addresses.csv): one of its two block
// addresses is not where CPython 3.11's allocator puts it.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inexactTraces } from '../replay/inexact-trace.js';
import { memreplay } from './helpers.js';

const WHY = "inexact replay: 1 of 2 block addresses differ from the trace";
const LINE = new RegExp(`^warning: ${WHY}; the model's figures \\(arenas, footprint, fragmentation, leaks\\) may not be the program's$`);

describe('an inexact replay in every command', () => {
  it('analyze and leaks: a warning line under the heading, and exactness in --json', () => {
    const { inexact, exact } = inexactTraces();
    const analyze = memreplay(['analyze', inexact]);
    expect(analyze.code).toBe(0);
    expect(analyze.stdout.split('\n')[1]).toMatch(LINE);
    expect(JSON.parse(memreplay(['analyze', '--json', inexact]).stdout).traces[0].exactness).toEqual({
      state: 'inexact',
      blocksChecked: 2,
      addressMismatches: 1,
      arenaMismatches: 0,
      anomalies: 0,
      reason: '1 of 2 block addresses differ from the trace',
    });
    expect(memreplay(['analyze', exact]).stdout).not.toMatch(/inexact/);
    expect(JSON.parse(memreplay(['analyze', '--json', exact]).stdout).traces[0].exactness.state).toBe('exact');
    const leaks = memreplay(['leaks', inexact]);
    expect(leaks.code).toBe(0);
    expect(leaks.stdout.split('\n')[1]).toMatch(LINE);
    expect(JSON.parse(memreplay(['leaks', '--json', inexact]).stdout).exactness.state).toBe('inexact');
    expect(memreplay(['leaks', exact]).stdout).not.toMatch(/inexact/);
  });

  it('stats: CPython\'s text stays on stdout, the line goes to stderr, exactness in --json', () => {
    const { inexact, exact } = inexactTraces();
    const stats = memreplay(['stats', inexact]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toBe(memreplay(['stats', exact]).stdout);
    expect(stats.stderr).toMatch(new RegExp(`^memreplay: .*inexact\\.csv: ${WHY}; `, 'm'));
    expect(memreplay(['stats', exact]).stderr).toBe('');
    expect(JSON.parse(memreplay(['stats', '--json', inexact]).stdout).exactness.state).toBe('inexact');
  });

  it('diff: a line for the inexact side, exactness per side in --json', () => {
    const { inexact, exact } = inexactTraces();
    const diff = memreplay(['diff', exact, inexact]);
    expect(diff.code).toBe(0);
    expect(diff.stdout.match(/inexact replay/g)).toHaveLength(1);
    expect(diff.stdout).toMatch(new RegExp(`^warning: .*inexact\\.csv: ${WHY}; `, 'm'));
    const json = JSON.parse(memreplay(['diff', '--json', exact, inexact]).stdout);
    expect([json.old.exactness.state, json.new.exactness.state]).toEqual(['exact', 'inexact']);
  });

  it('report: a line on stderr, a warning and a replay card in the HTML, a warning in the Markdown, a column in the index', () => {
    const { dir, inexact, exact } = inexactTraces();
    const out = join(dir, 'html');
    const html = memreplay(['report', '-o', out, inexact, exact]);
    expect(html.code).toBe(0);
    expect(html.stderr).toMatch(/^memreplay: .*inexact\.csv: inexact replay \(its report says why\)/m);
    expect(html.stderr.match(/inexact replay/g)).toHaveLength(1);
    const page = readFileSync(join(out, 'inexact.html'), 'utf8');
    expect(page).toContain(`<b class="warn">Warning: ${WHY}</b>`);
    expect(page).toMatch(/<div class="value"><span class="warn">inexact<\/span><\/div><div class="label">replay \(1 of 2 addresses differ\)<\/div>/);
    expect(readFileSync(join(out, 'exact.html'), 'utf8')).toMatch(/<div class="value">exact<\/div><div class="label">replay \(0 of 2 addresses differ\)<\/div>/);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('<th>replay</th>');
    expect(index).toContain('<td><span class="warn">inexact</span></td>');
    const md = join(dir, 'md');
    expect(memreplay(['report', '--format', 'md', '-o', md, inexact, exact]).code).toBe(0);
    expect(readFileSync(join(md, 'inexact.md'), 'utf8')).toMatch(new RegExp(`^\\*\\*Warning: ${WHY}\\*\\*; `, 'm'));
    expect(readFileSync(join(md, 'exact.md'), 'utf8')).not.toMatch(/inexact/);
    const rows = readFileSync(join(md, 'index.md'), 'utf8').split('\n').filter((l) => l.startsWith('| ['));
    expect(rows.map((r) => r.split(' | ').at(-2))).toEqual(['**inexact**', 'exact']);
    const json = join(dir, 'json');
    expect(memreplay(['report', '--format', 'json', '-o', json, inexact, exact]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(json, 'inexact.json'), 'utf8')).analyze.exactness.state).toBe('inexact');
    expect(JSON.parse(readFileSync(join(json, 'index.json'), 'utf8')).traces.map((t: { exactness: { state: string } }) => t.exactness.state)).toEqual(['inexact', 'exact']);
  });

  it('check: fails it unless --allow-inexact or allowInexact in the config, and says so in the result line', () => {
    const { dir, inexact, exact } = inexactTraces();
    const failed = memreplay(['check', inexact, exact]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(new RegExp(`^FAIL .*inexact\\.csv\\n {2}${WHY}; pass --allow-inexact to judge it on the model's figures$`, 'm'));
    expect(failed.stdout).toMatch(/^PASS .*exact\.csv$/m);
    expect(failed.stdout).toMatch(/^result: FAIL \(1 passed, 1 failed; 1 inexact\)$/m);
    const json = JSON.parse(memreplay(['check', '--json', inexact]).stdout);
    expect([json.passed, json.allowInexact, json.traces[0].exactness.state]).toEqual([false, false, 'inexact']);
    const allowed = memreplay(['check', '--allow-inexact', inexact]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(new RegExp(`^PASS .*inexact\\.csv\\n {2}warning: ${WHY} \\(allowed: --allow-inexact\\)$`, 'm'));
    expect(allowed.stdout).toMatch(/; 1 inexact, allowed\)$/m);
    writeFileSync(join(dir, 'memreplay.config.json'), JSON.stringify({ check: { allowInexact: true } }));
    expect(memreplay(['check', inexact], undefined, dir).code).toBe(0);
    expect(memreplay(['check', '--allow-inexact=false', inexact], undefined, dir).code).toBe(1);
  });

  it('flamegraph and tree: a red line in the SVG, a line under the tree\'s heading, the speedscope names, a note on stderr for the folded file', () => {
    const { dir, inexact, exact } = inexactTraces();
    for (const at of [[], ['--at-end']]) {
      const out = (name: string): string => join(dir, `${at.length}-${name}`);
      const r = memreplay(['flamegraph', ...at, inexact, '-o', out('i.svg'), '--folded', out('i.folded'), '--speedscope', out('i.json'), '-q']);
      expect(r.code).toBe(0);
      // The folded format has no place for it: one note on stderr, naming the file.
      expect(r.stderr).toBe(`memreplay: ${out('i.folded')}: ${WHY}; the model's figures (arenas, footprint, fragmentation, leaks) may not be the program's\n`);
      const svg = readFileSync(out('i.svg'), 'utf8');
      expect(svg).toMatch(new RegExp(`<text [^>]*fill="#b3261e"[^>]*>Warning: ${WHY};`));
      const speedscope = JSON.parse(readFileSync(out('i.json'), 'utf8'));
      for (const name of [speedscope.name, ...speedscope.profiles.map((p: { name: string }) => p.name)]) expect(name).toContain(`warning: ${WHY}`);
      const tree = memreplay(['tree', ...at, inexact]);
      expect(tree.code).toBe(0);
      expect(tree.stdout.split('\n')[1]).toMatch(LINE);
      const clean = memreplay(['flamegraph', ...at, exact, '-o', out('e.svg'), '--folded', out('e.folded'), '--speedscope', out('e.json'), '-q']);
      expect(clean.stderr).toBe('');
      expect(readFileSync(out('e.svg'), 'utf8')).not.toMatch(/Warning|#b3261e/);
      expect(readFileSync(out('e.json'), 'utf8')).not.toMatch(/warning/);
      expect(memreplay(['tree', ...at, exact]).stdout).not.toMatch(/inexact|warning/);
    }
  });
});
