// Allocation churn as a user gets it: analyze's section and --json, the mark
// window, the report's JSON, and a missing mark as one line.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, memreplay, ROOT, tempDir } from './helpers.js';

const TRACE = join(ROOT, 'traces', 'churn-3.11.csv.gz');

describe('allocation churn', () => {
  it('analyze: a section in the text, the same figures in --json, bounded by the calls the trace made', () => {
    const text = memreplay(['analyze', '--churn', TRACE]);
    expect(text.code).toBe(0);
    const json = JSON.parse(memreplay(['analyze', '--churn', '--json', TRACE]).stdout).traces[0];
    const { churn, events } = json;
    // Up to the stats mark, where analyze judges everything else.
    expect(text.stdout).toContain(`allocation churn, from the start to mark "stats" (event ${churn.window.lastEvent.toLocaleString('en-US')}): ${churn.totals.allocations.toLocaleString('en-US')} allocations`);
    // Every alloc and calloc is an allocation; a realloc is one unless it kept its address.
    const calls = events.calls.alloc.total + events.calls.calloc.total;
    expect(churn.totals.allocations).toBeGreaterThanOrEqual(calls);
    expect(churn.totals.allocations).toBeLessThanOrEqual(calls + events.calls.realloc.total);
    expect(churn.sizes.reduce((n: number, b: { allocations: number }) => n + b.allocations, 0)).toBe(churn.totals.allocations);
    expect(churn.totals.temporary).toBeGreaterThan(0);
    expect(churn.totals.temporary).toBeLessThanOrEqual(churn.totals.freed);
    expect(churn.sites.length).toBe(Math.min(20, churn.totalSites));
  });

  it('analyze counts it only when asked, and says how', () => {
    const text = memreplay(['analyze', TRACE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^allocation churn: not counted \(--churn counts it, for about a fifth more CPU\)$/m);
    expect(JSON.parse(memreplay(['analyze', '--json', TRACE]).stdout).traces[0].churn).toBeUndefined();
  });

  it('counts a mark window, which holds less than the whole run; a mark the trace lacks is one line', () => {
    const whole = JSON.parse(memreplay(['analyze', '--json', '--at-end', '--churn', TRACE]).stdout).traces[0].churn;
    const window = JSON.parse(memreplay(['analyze', '--json', '--churn-from', 'iteration 2', '--churn-to', 'iteration 5', TRACE]).stdout).traces[0].churn;
    expect(window.window.from).toBe('iteration 2');
    expect(window.window.to).toBe('iteration 5');
    expect(window.totals.allocations).toBeGreaterThan(0);
    expect(window.totals.allocations).toBeLessThan(whole.totals.allocations);
    expect(memreplay(['analyze', '--churn-from', 'iteration 2', TRACE]).stdout).toMatch(/^allocation churn, from mark "iteration 2" \(event [0-9,]+\) to mark "stats" \(event [0-9,]+\): /m);
    const missing = memreplay(['analyze', '--churn-from', 'no such mark', TRACE]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--churn-from "no such mark": no mark has that label\n$/);
    expect(hasStackTrace(missing.stderr)).toBe(false);
  });

  it("report: the same churn in its JSON as analyze's, and a section in the HTML", () => {
    const dir = tempDir();
    expect(memreplay(['report', '--format', 'json', '-o', join(dir, 'json'), TRACE]).code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'json', 'churn-3.11.json'), 'utf8'));
    expect(report.churn).toEqual(JSON.parse(memreplay(['analyze', '--churn', '--json', TRACE]).stdout).traces[0].churn);
    expect(memreplay(['report', '-o', join(dir, 'html'), '-q', TRACE]).code).toBe(0);
    expect(readFileSync(join(dir, 'html', 'churn-3.11.html'), 'utf8')).toContain('<section id="churn">');
  });

  it("report: the leak sites' flame graphs hold exactly the live bytes of the steady-state leak sites the leak section lists", () => {
    const dir = tempDir();
    const leak = join(ROOT, 'traces', 'leak-3.11.csv.gz');
    expect(memreplay(['report', '--format', 'json', '-o', dir, leak]).code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'leak-3.11.json'), 'utf8'));
    const leaking = report.leaks.sites.filter((s: { growth: { class: string } }) => s.growth.class === 'steady_leak');
    expect(leaking.length).toBeGreaterThan(0);
    expect(report.leakFlame.leakSites).toBe(leaking.length);
    const root = report.leakFlame.trees.requested.nodes[0];
    expect(root.requestedBytes).toBe(leaking.reduce((n: number, s: { requestedBytes: number }) => n + s.requestedBytes, 0));
    expect(root.blocks).toBe(leaking.reduce((n: number, s: { blocks: number }) => n + s.blocks, 0));
    expect(report.leakFlame.event).toBe(report.at.event);
    const md = join(dir, 'md');
    expect(memreplay(['report', '--format', 'md', '-o', md, leak]).code).toBe(0);
    const text = readFileSync(join(md, 'leak-3.11.md'), 'utf8');
    expect(text).toMatch(/^## Flame graph \(as a call tree\)$/m);
    expect(text).toMatch(/^### The steady-state leak sites$/m);
  });
});
