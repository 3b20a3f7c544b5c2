// Side A of a compare: a git ref built in its own detached worktree, cached
// in os.tmpdir()/memreplay-bench/compare/<sha>.
//
// Why a worktree and not the current build: A must be exactly what REF
// builds (its package-lock, its tsc output), and building it takes a minute,
// so the build is kept for the next compare against the same commit. A
// build is trusted only once its ready marker is written (an interrupted
// npm ci leaves no marker and is redone); at most KEEP builds stay cached,
// the least recently used go first.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEEP_BUILDS = 2;
const READY = '.memreplay-bench-ready';

export interface RefBuild {
  ref: string;
  sha: string;
  /** The worktree; its dist/cli/memreplay.js is side A's CLI. */
  dir: string;
  reused: boolean;
}

function run(command: string, args: readonly string[], cwd: string, what: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error !== undefined) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}): ${tail}`);
  }
  return r.stdout.trim();
}

/** The full commit hash REF names in the repository at `repo`. */
export function resolveRef(repo: string, ref: string): string {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, encoding: 'utf8' });
  const sha = r.status === 0 ? r.stdout.trim() : '';
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`--compare ${ref}: not a commit of this repository`);
  return sha;
}

/** Cached builds (folders with a ready marker), most recently used first. */
export function cachedBuilds(cacheRoot: string): { dir: string; used: number }[] {
  if (!existsSync(cacheRoot)) return [];
  return readdirSync(cacheRoot)
    .map((name) => join(cacheRoot, name))
    .filter((dir) => existsSync(join(dir, READY)))
    .map((dir) => ({ dir, used: statSync(join(dir, READY)).mtimeMs }))
    .sort((x, y) => y.used - x.used);
}

function removeWorktree(repo: string, dir: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
  spawnSync('git', ['worktree', 'prune'], { cwd: repo, stdio: 'ignore' });
}

/**
 * Keep `dir` and the most recently used other builds, `keep` in all; remove
 * the rest. Unfinished folders are left alone (another compare may be
 * building there); a later build of that commit starts it afresh.
 */
export function pruneBuilds(repo: string, cacheRoot: string, keep: number, dir: string): string[] {
  const others = cachedBuilds(cacheRoot).map((b) => b.dir).filter((d) => d !== dir);
  const removed = others.slice(Math.max(0, keep - 1));
  for (const d of removed) removeWorktree(repo, d);
  return removed;
}

/** REF built in its cached worktree: reused when ready, else checked out, npm ci'd and built. */
export function ensureRefBuild(repo: string, ref: string, cacheRoot: string, log: (line: string) => void): RefBuild {
  const sha = resolveRef(repo, ref);
  const dir = join(cacheRoot, sha);
  const marker = join(dir, READY);
  mkdirSync(cacheRoot, { recursive: true });
  if (existsSync(marker) && existsSync(join(dir, 'dist', 'cli', 'memreplay.js'))) {
    const now = new Date();
    utimesSync(marker, now, now);
    log(`side A: ${ref} = ${sha.slice(0, 12)}, cached build ${dir}`);
    return { ref, sha, dir, reused: true };
  }
  log(`side A: ${ref} = ${sha.slice(0, 12)}, building in ${dir} (git worktree, npm ci, npm run build) ...`);
  removeWorktree(repo, dir);
  run('git', ['worktree', 'add', '--detach', dir, sha], repo, `git worktree add ${dir} ${sha}`);
  run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], dir, `npm ci in ${dir}`);
  // npm ci builds through the prepare script; build again only when it did not.
  if (!existsSync(join(dir, 'dist', 'cli', 'memreplay.js'))) run('npm', ['run', 'build'], dir, `npm run build in ${dir}`);
  writeFileSync(marker, `${sha}\n`);
  for (const d of pruneBuilds(repo, cacheRoot, KEEP_BUILDS, dir)) log(`  removed the cached build ${d} (keeping ${KEEP_BUILDS})`);
  return { ref, sha, dir, reused: false };
}
