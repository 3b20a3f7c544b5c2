// `-` as an output file name. The cli turns a lone `-` into a standard-input
// token before yargs parses (stdin-argument.ts); as an option's value it
// reached the file writer as a path with a NUL in it, and every command
// failed with "internal error" (exit 3). Now `-` is standard output where
// nothing else goes there, and a one-line usage error (exit 2) elsewhere.

import { describe, expect, it } from 'vitest';
import { memreplay, ROOT } from './helpers.js';
import { join } from 'node:path';

const TRACE = join(ROOT, 'traces', 'leak-3.11.csv.gz');

describe('an output named -', () => {
  it('flamegraph --folded - writes the folded stacks to stdout, as --folded FILE would write them', () => {
    const r = memreplay(['flamegraph', TRACE, '--folded', '-']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(100);
    for (const l of lines) expect(l).toMatch(/ \d+$/);
    expect(r.stderr).not.toContain('Wrote');
  });

  it('flamegraph -o - and --speedscope - write the SVG and the speedscope JSON to stdout', () => {
    const svg = memreplay(['flamegraph', TRACE, '-o', '-']);
    expect(svg.code, svg.stderr).toBe(0);
    expect(svg.stdout.startsWith('<svg ')).toBe(true);
    const ss = memreplay(['flamegraph', TRACE, '--speedscope', '-']);
    expect(ss.code, ss.stderr).toBe(0);
    expect(JSON.parse(ss.stdout).$schema).toBe('https://www.speedscope.app/file-format-schema.json');
  });

  it('flamegraph refuses two outputs on stdout', () => {
    const r = memreplay(['flamegraph', TRACE, '--folded', '-', '-o', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: -o - and --folded - would all write to standard output: give all but one a file name\n');
  });

  it('leaks, analyze and diff take -o - as stdout, where they write without -o', () => {
    for (const args of [['leaks', TRACE], ['analyze', TRACE], ['diff', TRACE, TRACE]]) {
      const plain = memreplay(args);
      const dash = memreplay([...args, '-o', '-']);
      expect([dash.code, dash.stderr]).toEqual([plain.code, plain.stderr]);
      expect(dash.stdout).toBe(plain.stdout);
    }
  });

  it('check --junit/--sarif/--update-baseline -, report -o - and convert IN - are one-line usage errors', () => {
    for (const [args, message] of [
      [['check', TRACE, '--junit', '-'], 'memreplay: --junit -: standard output is not free for it here'],
      [['check', TRACE, '--sarif', '-'], 'memreplay: --sarif -: standard output is not free for it here'],
      [['check', TRACE, '--update-baseline', '-'], 'memreplay: --update-baseline -: standard output is not free for it here'],
      [['report', TRACE, '-o', '-'], 'memreplay: -o -: report writes a directory of files'],
      [['convert', TRACE, '-'], 'memreplay: cannot tell the output format from the name "-"'],
    ] as const) {
      const r = memreplay([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
