// Every command names a trace cut short, in one line, and in its JSON.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { incompleteTraces } from '../replay/incomplete-trace.js';
import { memreplay } from './helpers.js';

const LINE = /warning: incomplete trace: the trace does not end with its "end" mark: the recording was cut short \(the program crashed, called os\._exit\(\) or was killed\) or the file was cut; its figures are of the run up to where the trace stops/;

describe('an incomplete trace in every command', () => {
  it('analyze and leaks: a warning line under the heading, and completeness in --json', () => {
    const { cut, ended } = incompleteTraces(6);
    const analyze = memreplay(['analyze', cut]);
    expect(analyze.code).toBe(0);
    expect(analyze.stdout.split('\n')[1]).toMatch(LINE);
    expect(JSON.parse(memreplay(['analyze', '--json', cut]).stdout).traces[0].completeness).toEqual({
      state: 'incomplete',
      endMark: 'end',
      reason: expect.stringMatching(/^the trace does not end with its "end" mark/),
    });
    expect(memreplay(['analyze', ended]).stdout).not.toMatch(/incomplete/);
    const leaks = memreplay(['leaks', cut]);
    expect(leaks.stdout.split('\n')[1]).toMatch(LINE);
    expect(JSON.parse(memreplay(['leaks', '--json', cut]).stdout).completeness.state).toBe('incomplete');
    // At a mark the end is not read: nothing to say.
    const at = memreplay(['leaks', '--json', '--at', 'iteration 3', cut]);
    expect(JSON.parse(at.stdout).completeness.state).toBe('unknown');
  });

  it('stats: CPython\'s text stays exact on stdout, the line goes to stderr; --verify says what it could not verify', () => {
    const { cut, ended } = incompleteTraces(6);
    const plain = memreplay(['stats', ended]).stdout;
    const stats = memreplay(['stats', cut]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toBe(plain);
    expect(stats.stderr).toMatch(/^memreplay: .*cut\.csv: incomplete trace: the trace does not end with its "end" mark/);
    expect(JSON.parse(memreplay(['stats', '--json', cut]).stdout).completeness.state).toBe('incomplete');
    const verify = memreplay(['stats', '--verify', cut]);
    expect(verify.stderr).toMatch(/: (NOT )?EXACT up to where the trace stops; not verified: the rest of the run and its end state \(incomplete trace: /);
    expect(memreplay(['stats', '--verify', ended]).stderr).not.toMatch(/incomplete|not verified/);
  });

  it('report: a line on stderr, a warning in the Markdown, completeness in the JSON', () => {
    const { dir, cut } = incompleteTraces(6);
    const out = join(dir, 'reports');
    const md = memreplay(['report', '--format', 'md', '-o', out, cut]);
    expect(md.code).toBe(0);
    expect(md.stderr).toMatch(/^memreplay: .*cut\.csv: incomplete trace \(its report says why\)/m);
    expect(readFileSync(join(out, 'cut.md'), 'utf8')).toMatch(/^\*\*Warning: incomplete trace: the trace does not end with its "end" mark/m);
    const json = memreplay(['report', '--format', 'json', '-o', join(dir, 'json'), cut]);
    expect(json.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'json', 'cut.json'), 'utf8')).analyze.completeness.state).toBe('incomplete');
  });

  it('diff: a line per incomplete side', () => {
    const { cut, ended } = incompleteTraces(6);
    const diff = memreplay(['diff', ended, cut]);
    expect(diff.code).toBe(0);
    expect(diff.stdout.match(/incomplete trace/g)).toHaveLength(1);
    expect(diff.stdout).toMatch(/^warning: .*cut\.csv: incomplete trace: /m);
    expect(JSON.parse(memreplay(['diff', '--json', ended, cut]).stdout).new.completeness.state).toBe('incomplete');
  });

  it('flamegraph and tree: a red line in the SVG, a line under the tree\'s heading, the speedscope names, a note on stderr for the folded file', () => {
    const { dir, cut, ended } = incompleteTraces(6);
    const out = (name: string): string => join(dir, name);
    // The default instant, the footprint peak, is the whole run's: the first replay reads the end and says it is missing.
    const r = memreplay(['flamegraph', cut, '-o', out('c.svg'), '--folded', out('c.folded'), '--speedscope', out('c.json'), '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^memreplay: ${out('c.folded').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${LINE.source.slice('warning: '.length)}\n$`));
    const svg = readFileSync(out('c.svg'), 'utf8');
    expect(svg).toMatch(/<text [^>]*fill="#b3261e"[^>]*>Warning: incomplete trace: the trace does not end with its &quot;end&quot; mark/);
    const speedscope = JSON.parse(readFileSync(out('c.json'), 'utf8'));
    for (const name of [speedscope.name, ...speedscope.profiles.map((p: { name: string }) => p.name)]) expect(name).toMatch(LINE);
    for (const at of [[], ['--at-end'], ['--leaks']]) expect(memreplay(['tree', ...at, cut]).stdout.split('\n')[1]).toMatch(LINE);
    // At a mark the end is not read: nothing to say.
    expect(memreplay(['tree', '--at', 'iteration 3', cut]).stdout).not.toMatch(/incomplete|warning/);
    const clean = memreplay(['flamegraph', ended, '-o', out('e.svg'), '--folded', out('e.folded'), '-q']);
    expect(clean.stderr).toBe('');
    expect(readFileSync(out('e.svg'), 'utf8')).not.toMatch(/Warning|#b3261e/);
    expect(memreplay(['tree', ended]).stdout).not.toMatch(/incomplete|warning/);
  });
});
