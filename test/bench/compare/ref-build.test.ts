// Side A's cached builds: a ref resolves to its commit or is refused in one
// line; the cache keeps the most recently used ready builds and leaves
// unfinished folders (another compare may be building there) alone. Run on
// a throw-away git repository, never on this one's worktrees.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedBuilds, pruneBuilds, resolveRef } from '../../../bench/compare/ref-build.js';

const root = mkdtempSync(join(tmpdir(), 'memreplay-ref-build-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const repo = join(root, 'repo');
mkdirSync(repo);
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo, encoding: 'utf8' }).trim();
git('init', '-q');
writeFileSync(join(repo, 'a.txt'), 'a\n');
git('add', 'a.txt');
git('commit', '-q', '-m', 'one');

/** A cache folder; ready ones carry the marker, dated `age` seconds ago. */
function build(cache: string, name: string, age: number | null): string {
  const dir = join(cache, name);
  mkdirSync(dir, { recursive: true });
  if (age !== null) {
    const marker = join(dir, '.memreplay-bench-ready');
    writeFileSync(marker, `${name}\n`);
    const t = new Date(Date.now() - age * 1000);
    utimesSync(marker, t, t);
  }
  return dir;
}

describe('ref builds', () => {
  it('resolves a ref to its full commit hash and refuses one that names no commit', () => {
    expect(resolveRef(repo, 'HEAD')).toBe(git('rev-parse', 'HEAD'));
    expect(() => resolveRef(repo, 'no-such-branch')).toThrow('--compare no-such-branch: not a commit of this repository');
  });

  it('lists ready builds most recently used first and keeps the newest ones besides the current build', () => {
    const cache = join(root, 'cache');
    const old = build(cache, 'old', 300);
    const mid = build(cache, 'mid', 200);
    const recent = build(cache, 'recent', 100);
    const unfinished = build(cache, 'unfinished', null);
    expect(cachedBuilds(cache).map((b) => b.dir)).toEqual([recent, mid, old]);
    const current = old;
    const removed = pruneBuilds(repo, cache, 2, current);
    expect(removed.sort()).toEqual([mid].sort());
    expect(readdirSync(cache).sort()).toEqual(['old', 'recent', 'unfinished']);
    expect(unfinished).toBe(join(cache, 'unfinished'));
  });

  it('finds no builds in a cache folder that does not exist', () => {
    expect(cachedBuilds(join(root, 'none'))).toEqual([]);
  });
});
