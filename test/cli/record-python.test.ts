// `record --python X` with an X that runs but cannot answer the version
// query: the message keeps the lines that say why (a pyenv shim's first line).

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, memreplay, tempDir } from './helpers.js';

describe('memreplay record --python', () => {
  const windows = process.platform === 'win32';
  it.skipIf(windows)(`shows the first lines of what a failing interpreter said${windows ? ' (skipped: a shell script stands in for it)' : ''}`, () => {
    const dir = tempDir();
    const shim = join(dir, 'python3.8');
    writeFileSync(
      shim,
      [
        '#!/bin/sh',
        'echo "pyenv: python3.8: command not found" >&2',
        'echo >&2',
        'echo "The \\`python3.8\' command exists in these Python versions:" >&2',
        'echo "  3.8.18" >&2',
        'echo >&2',
        'echo "Note: See \'pyenv help global\' for tips on allowing multiple" >&2',
        'echo "      Python versions to be found at the same time." >&2',
        'exit 127',
        '',
      ].join('\n'),
    );
    chmodSync(shim, 0o755);
    const r = memreplay(['record', '--python', shim, '-o', join(dir, 't.csv'), '--', 'app.py'], undefined, dir);
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toBe(
      `memreplay: --python ${shim}: asking it for its version failed (exit 127): ` +
        "pyenv: python3.8: command not found; The `python3.8' command exists in these Python versions: 3.8.18\n",
    );
  });
});
