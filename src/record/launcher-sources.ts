// Where the recorder's C sources are (recorder/ at the package root, shipped
// with it) and a hash of their content: a changed source means a new build.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemreplayError } from '../errors.js';

export interface LauncherSources {
  /** recorder/src */
  dir: string;
  /** The .c files of every build, sorted. */
  cFiles: string[];
  /** The .c files only the native build has (`record --native`: native.c). */
  nativeFiles: string[];
  /** sha256 of every .c and .h file (names and content). */
  hash: string;
}

/** recorder/ sits at the package root: two levels above src/record when run from
 * the TypeScript sources, three above dist/src/record when built. */
function findRecorderDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'recorder', 'src');
    if (existsSync(join(candidate, 'main.c'))) return candidate;
    dir = dirname(dir);
  }
  throw new MemreplayError('cannot find the recorder sources (recorder/src/main.c) beside the memreplay package');
}

/** The C library's allocator functions are replaced only in the native
 * build, so the plain launcher behaves and costs exactly as without them. */
function isNative(name: string): boolean {
  return name.startsWith('native');
}

export function launcherSources(): LauncherSources {
  const dir = findRecorderDir();
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.c') || n.endsWith('.h'))
    .sort();
  const hash = createHash('sha256');
  for (const name of names) {
    hash.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
  }
  return {
    dir,
    cFiles: names.filter((n) => n.endsWith('.c') && !isNative(n)).map((n) => join(dir, n)),
    nativeFiles: names.filter((n) => n.endsWith('.c') && isNative(n)).map((n) => join(dir, n)),
    hash: hash.digest('hex'),
  };
}
