// `check --per-test` on input it cannot judge: one clear line, exit 2.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, memreplay, ROOT } from './helpers.js';

const NO_TESTS = join(ROOT, 'traces', 'leak-3.11.csv.gz');

describe('check --per-test refusals', () => {
  it('says how to record tests when the trace has none', () => {
    const r = memreplay(['check', '--per-test', NO_TESTS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/leak-3\.11\.csv\.gz: no test boundaries in this trace: record the tests with memreplay record -o TRACE -- -m pytest/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('takes one trace', () => {
    const r = memreplay(['check', '--per-test', NO_TESTS, NO_TESTS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--per-test: name one trace \(got 2\)/);
  });

  it('refuses the whole-trace options it would not read', () => {
    const r = memreplay(['check', '--per-test', NO_TESTS, '--baseline', 'b.json', '--max-arenas', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--per-test: --baseline, --max-arenas are for the whole-trace check/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('never writes --sarif over the trace it reads, nor --junit and --sarif to one file', () => {
    const over = memreplay(['check', '--per-test', NO_TESTS, '--sarif', NO_TESTS, '--force']);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/cannot write .*leak-3\.11\.csv\.gz: it is the input/);
    expect(hasStackTrace(over.stderr)).toBe(false);
    const twice = memreplay(['check', '--per-test', NO_TESTS, '--junit', 'same.out', '--sarif', 'same.out']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/--junit same\.out and --sarif same\.out are the same file/);
  });
});
