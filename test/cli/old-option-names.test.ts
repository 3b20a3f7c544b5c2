// Options renamed so that each name has one meaning: the input format is
// --trace-format on every command that reads traces, and diff's output style
// is --style. Until 1.0 the old spelling (--format) still works, with a
// one-line note on stderr, and gives the same output as the new name.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, memreplay } from './helpers.js';

const TRACE = join(FIXTURES, 'startup-3.11.csv.gz');
const SNAPSHOTS = join(__dirname, '..', 'fixtures', 'tracemalloc', '3.13');
const TRACE_FORMAT_NOTE = 'memreplay: --format is now --trace-format; the old name works until 1.0\n';
const STYLE_NOTE = 'memreplay: --format is now --style; the old name works until 1.0\n';

describe('--format, the old name of --trace-format', () => {
  for (const command of ['stats', 'analyze', 'leaks', 'check']) {
    it(`${command}: reads the trace as the new name does, with one note on stderr`, () => {
      const extra = command === 'analyze' || command === 'check' ? ['--jobs', '1'] : [];
      const renamed = memreplay([command, TRACE, '--trace-format', 'csv', ...extra]);
      const old = memreplay([command, TRACE, '--format', 'csv', ...extra]);
      expect(old.code).toBe(renamed.code);
      expect(old.stdout).toBe(renamed.stdout);
      expect(renamed.stderr).not.toContain('--format');
      expect(old.stderr).toBe(TRACE_FORMAT_NOTE + renamed.stderr);
    });
  }

  it('is still checked as a trace format', () => {
    const r = memreplay(['leaks', TRACE, '--format', 'jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(TRACE_FORMAT_NOTE);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('is refused beside the new name, in one line', () => {
    const r = memreplay(['stats', TRACE, '--format', 'csv', '--trace-format', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: --format is the old name of --trace-format: give --trace-format only\n');
  });
});

describe("--format, the old name of diff's --style", () => {
  it("prints Python's lines as --style tracemalloc does, with one note on stderr", () => {
    const args = ['diff', join(SNAPSHOTS, 'old.pickle'), join(SNAPSHOTS, 'new.pickle'), '--top', '3'];
    const renamed = memreplay([...args, '--style', 'tracemalloc']);
    const old = memreplay([...args, '--format', 'tracemalloc']);
    expect(renamed.code).toBe(0);
    expect(old.code).toBe(0);
    expect(old.stdout).toBe(renamed.stdout);
    expect(renamed.stderr).toBe('');
    expect(old.stderr).toBe(STYLE_NOTE);
    // The table is another output: the style did change it.
    expect(memreplay(args).stdout).not.toBe(renamed.stdout);
  });

  it('is refused beside the new name, in one line', () => {
    const r = memreplay(['diff', join(SNAPSHOTS, 'old.pickle'), join(SNAPSHOTS, 'new.pickle'), '--format', 'text', '--style', 'text']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('memreplay: --format is the old name of --style: give --style only\n');
  });
});
