// One default instant across the commands: analyze, report and check judge
// the `stats` mark of a recorded trace by default, and --at-end moves every
// one of them to the end of the trace. Every heading names its instant.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, memreplay, tempDir } from './helpers.js';

const STARTUP = join(FIXTURES, 'startup-3.11.csv.gz');

interface Instant {
  event: number;
  mark: string | null;
  end: boolean;
}

function analyzeAt(extra: string[]): { at: Instant; liveBlocks: number } {
  const r = memreplay(['analyze', STARTUP, '--json', ...extra]);
  expect(r.code).toBe(0);
  const t = JSON.parse(r.stdout).traces[0];
  return { at: t.at, liveBlocks: t.judged.liveBlocks };
}

function reportAt(extra: string[]): { at: Instant; leaksAt: Instant; pinningEvent: number; liveBlocks: number } {
  const out = tempDir();
  const r = memreplay(['report', STARTUP, '--format', 'json', '-o', out, '-q', ...extra]);
  expect(r.code).toBe(0);
  const d = JSON.parse(readFileSync(join(out, 'startup-3.11.json'), 'utf8'));
  return { at: d.at, leaksAt: d.leaks.at, pinningEvent: d.pinning.judged.event, liveBlocks: d.analyze.judged.liveBlocks };
}

function checkAt(extra: string[]): { at: Instant; liveBlocks: number } {
  const r = memreplay(['check', STARTUP, '--json', ...extra]);
  const t = JSON.parse(r.stdout).traces[0];
  return { at: t.leaks.at, liveBlocks: t.leaks.totals.liveBlocks + t.leaks.totals.suppressedBlocks };
}

describe('one default instant', () => {
  it('analyze, report and check judge the same instant by default, the stats mark', () => {
    const analyze = analyzeAt([]);
    const report = reportAt([]);
    const check = checkAt([]);
    expect(analyze.at).toMatchObject({ mark: 'stats', end: false });
    for (const at of [report.at, report.leaksAt, check.at]) expect(at).toMatchObject({ event: analyze.at.event, mark: 'stats', end: false });
    expect(report.pinningEvent).toBe(analyze.at.event);
    expect(report.liveBlocks).toBe(analyze.liveBlocks);
    expect(check.liveBlocks).toBe(analyze.liveBlocks);
  });

  it('--at-end moves every one of them to the end of the trace', () => {
    const byDefault = analyzeAt([]);
    const analyze = analyzeAt(['--at-end']);
    const report = reportAt(['--at-end']);
    const check = checkAt(['--at-end']);
    expect(analyze.at).toMatchObject({ mark: null, end: true });
    expect(analyze.at.event).toBeGreaterThan(byDefault.at.event);
    for (const at of [report.at, report.leaksAt, check.at]) expect(at).toMatchObject({ event: analyze.at.event, mark: null, end: true });
    expect(report.pinningEvent).toBe(analyze.at.event);
    expect(report.liveBlocks).toBe(analyze.liveBlocks);
    expect(check.liveBlocks).toBe(analyze.liveBlocks);
    // Shutdown frees most of what was live at the exit mark.
    expect(analyze.liveBlocks).toBeLessThan(byDefault.liveBlocks);
  });

  it('names the instant in every heading of analyze and of the Markdown report', () => {
    const event = analyzeAt([]).at.event.toLocaleString('en-US');
    const text = memreplay(['analyze', STARTUP]).stdout;
    const named = `at mark "stats" (event ${event})`;
    expect(text).toContain(`${named}: `);
    expect(text).toContain(`live blocks ${named} by domain and size class`);
    expect(text).toContain(`fragmentation ${named}:`);
    expect(text).not.toMatch(/at the end/);

    const out = tempDir();
    expect(memreplay(['report', STARTUP, '--format', 'md', '-o', out, '-q']).code).toBe(0);
    const md = readFileSync(join(out, 'startup-3.11.md'), 'utf8');
    const mdNamed = `at mark “stats” (event ${event})`;
    for (const heading of ['Fragmentation', 'Arena pinning', 'Leaks']) expect(md).toContain(`## ${heading} ${mdNamed}`);
    expect(md).toContain(`At mark “stats” (event ${event}), `);
  });

  it('names the instant in the HTML headings and the batch index', () => {
    const out = tempDir();
    expect(memreplay(['report', STARTUP, STARTUP.replace('3.11', '3.8'), '--format', 'html', '-o', out, '-q', '--at-end']).code).toBe(0);
    const html = readFileSync(join(out, 'startup-3.11.html'), 'utf8');
    expect(html).toMatch(/<h2>Arena pinning <span class="instant">at the end of the trace \(event [\d,]+\)<\/span><\/h2>/);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('<th>judged at</th>');
    expect(index.match(/at the end of the trace \(event [\d,]+\)/g)).toHaveLength(2);
  });
});
