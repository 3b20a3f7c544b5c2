// "Wrote FILE" on stderr names the file as given; a name with control bytes
// is shown with them escaped, never sent to the terminal raw.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memreplay, ROOT, tempDir } from './helpers.js';

const TRACE = join(ROOT, 'traces', 'leak-3.11.csv.gz');

describe('Wrote FILE', () => {
  it('escapes control bytes in the file name, and still writes the file under its own name', () => {
    const file = join(tempDir(), 'flame\u001b[31m\u0007.txt');
    const r = memreplay(['flamegraph', TRACE, '--folded', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(r.stderr).toContain('Wrote ');
    expect(r.stderr).toContain('flame\\x1b[31m\\x07.txt');
  });

  it('escapes them in the pages report writes too, its own and the batch index, as the files are named', () => {
    const dir = join(tempDir(), 'out\u001b[2J');
    const r = memreplay(['report', TRACE, join(ROOT, 'traces', 'startup-3.11.csv.gz'), '-o', dir, '--format', 'md', '--jobs', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'index.md'))).toBe(true);
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(r.stderr.match(/^Wrote .*out\\x1b\[2J/gm)).toHaveLength(3);
  });

  it('says nothing with --quiet', () => {
    const r = memreplay(['flamegraph', TRACE, '--folded', join(tempDir(), 'f.txt'), '--quiet']);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });
});
