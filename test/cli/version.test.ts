// `memreplay --version` prints memreplay's own version wherever it is run:
// not `unknown` in an empty directory, not the version of the user's project.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memreplay, ROOT, tempDir } from './helpers.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('memreplay --version', () => {
  it('prints the package version in an empty directory', () => {
    const r = memreplay(['--version'], undefined, tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it("prints memreplay's version, not that of the project it is run in", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'someapp', version: '9.8.7' }));
    const r = memreplay(['--version'], undefined, dir);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });
});
