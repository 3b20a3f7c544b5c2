// The launcher binary for one interpreter: built on first use, then reused.
//
// Cache: $MEMREPLAY_CACHE_DIR, else $XDG_CACHE_HOME/memreplay, else
// ~/.cache/memreplay; one directory per build key, the hash of everything the
// binary depends on (the interpreter's real path, version and build paths,
// $CC, the flags, the launcher sources). A new interpreter, an upgraded one or a
// changed source gets its own build; nothing is ever rebuilt in place. The
// binary is compiled under a temporary name and renamed, so a concurrent or
// interrupted build never leaves a half-written launcher behind.

import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { MemreplayError } from '../errors.js';
import type { InterpreterInfo } from './interpreter.js';
import { launcherSources } from './launcher-sources.js';
import { findToolchain, hasZlibHeaders, type Toolchain } from './toolchain.js';

export const LAUNCHER_NAME = 'memreplay-launcher';

/** Flags of our own: the launcher's symbols stay private (-fvisibility=hidden)
 * except its _exit; --export-dynamic lets extension modules of an interpreter
 * linked statically find libpython's symbols in the launcher, as they find
 * them in `python3` itself. */
const CFLAGS = ['-std=gnu11', '-O2', '-pthread', '-fvisibility=hidden', '-fno-strict-aliasing'];

/** The native build (`record --native`) also exports the C library's
 * allocator functions from the executable (recorder/src/native.h). */
const NATIVE_CFLAGS = ['-DMEMREPLAY_NATIVE'];

/** Without zlib's headers the launcher is built without the `.mrt`
 * writer's compressor (recorder/src/mrt-chunks.c), and writes CSV only. */
const NO_ZLIB_CFLAGS = ['-DMEMREPLAY_NO_ZLIB'];

export interface Launcher {
  path: string;
  /** Built now (false: found in the cache). */
  built: boolean;
  /** It can write `.mrt` (built with zlib). */
  mrt: boolean;
}

export function recorderCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env['MEMREPLAY_CACHE_DIR'];
  if (own) return own;
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'memreplay');
}

/** Everything the binary depends on that is known without running anything
 * (a cached launcher is found without asking pythonX.Y-config again). */
function buildKey(info: InterpreterInfo, sourcesHash: string, env: NodeJS.ProcessEnv, native: boolean, zlib: boolean): string {
  let real = info.executable;
  try {
    real = realpathSync(info.executable);
  } catch {
    // keep the path as given
  }
  const h = createHash('sha256');
  h.update(JSON.stringify([real, info.version, info.hexversion, info.includeDir, info.libDir, info.binDir, info.ldVersion, env['CC'] ?? '', CFLAGS, sourcesHash, native ? NATIVE_CFLAGS : [], zlib ? ['-lz'] : NO_ZLIB_CFLAGS]));
  return h.digest('hex').slice(0, 20);
}

/** The first line of compiler output that says what went wrong. */
function firstError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /error/i.test(l)) ?? lines[0] ?? 'no output';
}

export function ensureLauncher(info: InterpreterInfo, env: NodeJS.ProcessEnv = process.env, native = false): Launcher {
  const sources = launcherSources();
  const kind = native ? 'native-' : '';
  // Installing zlib1g-dev later gives a launcher of its own, with `.mrt`.
  const zlib = hasZlibHeaders(env);
  const dir = join(recorderCacheDir(env), 'launchers', `cpython-${info.version}-${kind}${buildKey(info, sources.hash, env, native, zlib)}`);
  const path = join(dir, LAUNCHER_NAME);
  if (existsSync(path)) return { path, built: false, mrt: zlib };
  const tools: Toolchain = findToolchain(info);

  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MemreplayError(`cannot create the recorder cache ${dir}: ${(e as Error).message} (set MEMREPLAY_CACHE_DIR)`);
  }
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const args = [
    ...tools.cc.slice(1),
    ...CFLAGS,
    ...(native ? NATIVE_CFLAGS : []),
    ...(zlib ? [] : NO_ZLIB_CFLAGS),
    ...tools.includes,
    ...sources.cFiles,
    ...(native ? sources.nativeFiles : []),
    '-o',
    tmp,
    ...tools.ldflags,
    `-Wl,-rpath,${info.libDir}`,
    '-Wl,--export-dynamic',
    '-ldl',
    ...(zlib ? ['-lz'] : []),
  ];
  const r = spawnSync(tools.cc[0]!, args, { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    const log = join(dir, 'build.log');
    const output = `${r.error ? String(r.error) + '\n' : ''}${r.stdout ?? ''}${r.stderr ?? ''}`;
    writeFileSync(log, `${[tools.cc[0], ...args].join(' ')}\n\n${output}`);
    throw new MemreplayError(
      `cannot build the recorder for ${info.executable} (CPython ${info.version}) with ${tools.cc[0]}: ${firstError(output)} (full log: ${log})`,
    );
  }
  writeFileSync(join(dir, 'build.json'), JSON.stringify({ interpreter: info, toolchain: tools, command: [tools.cc[0], ...args.map((a) => (a === tmp ? path : a))] }, null, 2) + '\n');
  renameSync(tmp, path);
  return { path, built: true, mrt: zlib };
}
