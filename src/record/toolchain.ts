// What building the launcher needs: pythonX.Y-config (compiler and linker
// flags for embedding), the interpreter's C headers and a C compiler. Each
// missing piece is named in the error, with what usually provides it.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { MemreplayError } from '../errors.js';
import type { InterpreterInfo } from './interpreter.js';

export interface Toolchain {
  /** The compiler command and its own leading arguments (from $CC). */
  cc: string[];
  pythonConfig: string;
  /** `pythonX.Y-config --includes` */
  includes: string[];
  /** `pythonX.Y-config --embed --ldflags` */
  ldflags: string[];
}

/** Where C compilers look for headers by default, and what CPATH and
 * C_INCLUDE_PATH add: enough to tell whether zlib's headers are installed
 * without running the compiler. */
function headerDirs(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = [env['CPATH'], env['C_INCLUDE_PATH']].flatMap((v) => (v ?? '').split(delimiter)).filter(Boolean);
  return [...fromEnv, '/usr/local/include', '/usr/include', `/usr/include/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`];
}

/** Whether zlib's header is installed (Debian's zlib1g-dev, which also
 * gives the -lz the launcher links): the recorder writes `.mrt` only then. */
export function hasZlibHeaders(env: NodeJS.ProcessEnv = process.env): boolean {
  return headerDirs(env).some((d) => existsSync(join(d, 'zlib.h')));
}

/** The one line `record -o NAME.mrt` gives without zlib's headers. */
export const ZLIB_MISSING =
  "writing .mrt needs zlib's C headers (zlib.h), and they are not installed: on Debian or Ubuntu apt install zlib1g-dev, " +
  'or record to .csv and run memreplay convert';

/** An executable file on PATH (or the path itself when it has a slash). */
export function findOnPath(name: string, path = process.env['PATH'] ?? ''): string | null {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return isAbsolute(c) ? c : join(process.cwd(), c);
    } catch {
      // not here
    }
  }
  return null;
}

function words(s: string): string[] {
  return s.trim().split(/\s+/).filter(Boolean);
}

function runConfig(config: string, args: string[]): string[] | null {
  const r = spawnSync(config, args, { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? words(r.stdout) : null;
}

function devPackageHint(info: InterpreterInfo): string {
  return info.executable.startsWith('/usr/') ? ` (on Debian or Ubuntu: apt install python${info.series}-dev)` : '';
}

/** pythonX.Y-config of this interpreter: beside it, in its BINDIR, or on PATH;
 * the one whose --includes names the interpreter's INCLUDEPY. */
function findPythonConfig(info: InterpreterInfo): { path: string; includes: string[] } {
  const names = [...new Set([`python${info.ldVersion}-config`, `python${info.series}-config`])];
  const dirs = [...new Set([info.binDir, dirname(info.executable)])].filter(Boolean);
  const candidates = [
    ...dirs.flatMap((d) => names.map((n) => join(d, n))),
    ...names.map((n) => findOnPath(n)).filter((p): p is string => p !== null),
  ];
  for (const path of [...new Set(candidates)]) {
    if (!existsSync(path)) continue;
    const includes = runConfig(path, ['--includes']);
    if (includes && includes.includes(`-I${info.includeDir}`)) return { path, includes };
  }
  throw new MemreplayError(
    `cannot build the recorder for ${info.executable} (CPython ${info.version}): ${names[names.length - 1]} not found ` +
      `beside it, in ${info.binDir} or on PATH${devPackageHint(info)}`,
  );
}

function checkHeaders(info: InterpreterInfo): void {
  // frames.c reads 3.11+ frames, interp.c the 3.12+ interpreter's feature flags.
  const needed = [
    'Python.h',
    ...(info.hexversion >= 0x030b0000 ? [join('internal', 'pycore_frame.h')] : []),
    ...(info.hexversion >= 0x030c0000 ? [join('internal', 'pycore_interp.h')] : []),
  ];
  for (const h of needed) {
    if (!existsSync(join(info.includeDir, h))) {
      throw new MemreplayError(
        `cannot build the recorder for ${info.executable} (CPython ${info.version}): the C header ${h} is missing ` +
          `from ${info.includeDir}${devPackageHint(info)}`,
      );
    }
  }
}

/** $CC, else the compiler the interpreter was built with, else cc, gcc, clang. */
function findCompiler(info: InterpreterInfo): string[] {
  const fromEnv = words(process.env['CC'] ?? '');
  if (fromEnv.length > 0) {
    const found = findOnPath(fromEnv[0]!);
    if (found === null) throw new MemreplayError(`cannot build the recorder: the C compiler CC=${process.env['CC']} is not found`);
    return [found, ...fromEnv.slice(1)];
  }
  const tried: string[] = [];
  for (const name of [words(info.cc)[0], 'cc', 'gcc', 'clang']) {
    if (!name || tried.includes(name)) continue;
    tried.push(name);
    const found = findOnPath(name);
    if (found !== null) return [found];
  }
  throw new MemreplayError(`cannot build the recorder: no C compiler found (tried ${tried.join(', ')} on PATH; install gcc or set CC)`);
}

export function findToolchain(info: InterpreterInfo): Toolchain {
  const config = findPythonConfig(info);
  checkHeaders(info);
  const cc = findCompiler(info);
  const ldflags = runConfig(config.path, ['--embed', '--ldflags']);
  if (ldflags === null) {
    throw new MemreplayError(`cannot build the recorder: ${config.path} --embed --ldflags failed (CPython 3.8+ is needed)`);
  }
  return { cc, pythonConfig: config.path, includes: config.includes, ldflags };
}
