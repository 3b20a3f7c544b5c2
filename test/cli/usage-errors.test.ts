// Bad usage: one message line naming what was wrong (as the user typed it),
// a pointer to the help of the command in use, exit 2, no stack trace.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, hasStackTrace, memreplay, tempDir } from './helpers.js';

const TRACE = join(FIXTURES, 'dicts-3.11.csv.gz');

function usageError(args: string[]): string[] {
  const r = memreplay(args);
  expect(r.code).toBe(2);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return r.stderr.trimEnd().split('\n');
}

describe('memreplay usage errors', () => {
  it('point at the help of the command that was run', () => {
    expect(usageError(['leaks', TRACE, '--bogus'])).toEqual([
      'memreplay: Unknown argument: bogus',
      "Run 'memreplay leaks --help' for usage.",
    ]);
    expect(usageError(['stats', TRACE, '--at', 'x', '--at-event', '3'])[1]).toBe("Run 'memreplay stats --help' for usage.");
    expect(usageError(['diff', 'only-one'])[1]).toBe("Run 'memreplay diff --help' for usage.");
  });

  it('point at the general help without a command', () => {
    expect(usageError([])[1]).toBe("Run 'memreplay --help' for usage.");
    expect(usageError(['lekas', TRACE])[1]).toBe("Run 'memreplay --help' for usage.");
  });

  it('echo a whole-number option as the user typed it', () => {
    const cases: [string[], string][] = [
      [['stats', TRACE, '--at-event', 'abc'], '--at-event "abc": expected a whole number >= 1'],
      [['stats', TRACE, '--at-event', '0'], '--at-event "0": expected a whole number >= 1'],
      [['analyze', TRACE, '--top', '1.5'], '--top "1.5": expected a whole number >= 0'],
      [['leaks', TRACE, '--top', 'ten'], '--top "ten": expected a whole number >= 0'],
      [['leaks', TRACE, '--by', 'traceback', '--depth', '2x'], '--depth "2x": expected a whole number >= 1'],
      [['check', TRACE, '--top', '-1'], '--top "-1": expected a whole number >= 0'],
      [['diff', TRACE, TRACE, '--top', '1e3'], '--top "1e3": expected a whole number >= 0'],
      [['analyze', TRACE, '--top', '1', '--top', '2'], '--top was given 2 times: give it once'],
      [['record', '--frames', 'abc', '-o', join(tempDir(), 'never-written.csv'), '--', 'app.py'], '--frames "abc": expected a whole number from 1 to 256 (or --no-stacks)'],
    ];
    for (const [args, message] of cases) expect(usageError(args), args.join(' ')).toEqual([`memreplay: ${message}`]);
  });

  it('read a value that starts with - as the value of the option before it, and check it there', () => {
    const cases: [string[], string][] = [
      [['check', TRACE, '--tolerance', '-5%'], '--tolerance "-5%": expected a ratio >= 0 (0.05) or a percentage (5%)'],
      [['check', TRACE, '--max-fragmentation', '-0.5'], '--max-fragmentation "-0.5": expected a share from 0 to 1 (0.4) or a percentage up to 100% ("40%")'],
      [['stats', TRACE, '--at-event', '-5e3'], '--at-event "-5e3": expected a whole number >= 1'],
      [['analyze', TRACE, '-j', '-.5'], '--jobs "-.5": expected a whole number >= 1'],
    ];
    for (const [args, message] of cases) expect(usageError(args), args.join(' ')).toEqual([`memreplay: ${message}`]);
  });

  it('leave a dash-led token after a flag (no value) to be reported as the stray argument it is', () => {
    expect(usageError(['stats', TRACE, '--json', '-5'])[0]).toBe('memreplay: Unknown argument: -5');
  });

  it('name the choices of an option on one line, one part per bad value', () => {
    expect(usageError(['analyze', TRACE, '--trace-format', 'html', '--by', 'nope'])).toEqual([
      'memreplay: --trace-format "html": expected one of csv, jsonl, mrt; --by "nope": expected one of lineno, function, filename, traceback',
      "Run 'memreplay analyze --help' for usage.",
    ]);
  });
});
