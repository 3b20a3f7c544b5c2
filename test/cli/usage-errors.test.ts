// Bad usage: one message line naming what was wrong (as the user typed it),
// a pointer to the help of the command in use, exit 2, no stack trace.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, hasStackTrace, memreplay } from './helpers.js';

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
});
