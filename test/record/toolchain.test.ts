// Building the launcher needs pythonX.Y-config, the headers and a C compiler;
// each missing piece is named. Given: a made-up interpreter whose pieces are
// files in a temporary directory.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InterpreterInfo } from '../../src/record/interpreter.js';
import { findToolchain, hasZlibHeaders } from '../../src/record/toolchain.js';
import { tempDir } from '../cli/helpers.js';

function interpreter(dir: string, hexversion = 0x030b07f0): InterpreterInfo {
  return {
    requested: 'python3.11',
    executable: join(dir, 'bin', 'python3.11'),
    version: '3.11.7',
    series: '3.11',
    hexversion,
    includeDir: join(dir, 'include', 'python3.11'),
    libDir: join(dir, 'lib'),
    binDir: join(dir, 'bin'),
    ldVersion: '3.11',
    shared: true,
    cc: 'no-such-compiler-here -pthread',
  };
}

/** A python3.11-config that answers like the real one. */
function fakeConfig(info: InterpreterInfo): void {
  mkdirSync(info.binDir, { recursive: true });
  const path = join(info.binDir, 'python3.11-config');
  writeFileSync(path, `#!/bin/sh\ncase "$*" in\n  --includes) echo "-I${info.includeDir} -I${info.includeDir}";;\n  "--embed --ldflags") echo "-L${info.libDir} -lpython3.11 -ldl -lm";;\n  *) exit 1;;\nesac\n`);
  chmodSync(path, 0o755);
}

function headers(info: InterpreterInfo, names: string[]): void {
  for (const n of names) {
    mkdirSync(join(info.includeDir, n, '..'), { recursive: true });
    writeFileSync(join(info.includeDir, n), '');
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('finding what the launcher build needs', () => {
  it('names pythonX.Y-config when it is neither beside the interpreter nor on PATH', () => {
    const dir = tempDir();
    const info = interpreter(dir);
    vi.stubEnv('PATH', join(dir, 'empty'));
    expect(() => findToolchain(info)).toThrow(/CPython 3\.11\.7\): python3\.11-config not found beside it, in .*\/bin or on PATH$/);
  });

  it('names the missing header, Python.h, and for 3.11+ the internal frame header', () => {
    const dir = tempDir();
    const info = interpreter(dir);
    fakeConfig(info);
    vi.stubEnv('PATH', join(dir, 'empty'));
    expect(() => findToolchain(info)).toThrow(/the C header Python\.h is missing from .*include\/python3\.11$/);
    headers(info, ['Python.h']);
    expect(() => findToolchain(info)).toThrow(/the C header internal\/pycore_frame\.h is missing/);
    headers(info, ['internal/pycore_frame.h']);
    vi.stubEnv('CC', '');
    expect(() => findToolchain(info)).toThrow(/no C compiler found \(tried no-such-compiler-here, cc, gcc, clang on PATH; install gcc or set CC\)$/);
  });

  it('3.12+ also needs the internal interpreter header (interp.c)', () => {
    const dir = tempDir();
    const info = interpreter(dir, 0x030c01f0);
    fakeConfig(info);
    headers(info, ['Python.h', 'internal/pycore_frame.h']);
    vi.stubEnv('PATH', join(dir, 'empty'));
    expect(() => findToolchain(info)).toThrow(/the C header internal\/pycore_interp\.h is missing/);
    headers(info, ['internal/pycore_interp.h']);
    vi.stubEnv('CC', '');
    expect(() => findToolchain(info)).toThrow(/no C compiler found/);
  });

  it('3.8-3.10 need no internal header', () => {
    const dir = tempDir();
    const info = interpreter(dir, 0x030a0df0);
    fakeConfig(info);
    headers(info, ['Python.h']);
    vi.stubEnv('PATH', join(dir, 'empty'));
    vi.stubEnv('CC', '');
    expect(() => findToolchain(info)).toThrow(/no C compiler found/);
  });

  it('takes the compiler from CC, and says so when CC names none', () => {
    const dir = tempDir();
    const info = interpreter(dir);
    fakeConfig(info);
    headers(info, ['Python.h', 'internal/pycore_frame.h']);
    const cc = join(dir, 'bin', 'my-cc');
    writeFileSync(cc, '#!/bin/sh\nexit 0\n');
    chmodSync(cc, 0o755);
    vi.stubEnv('CC', `${cc} -m64`);
    const tools = findToolchain(info);
    expect(tools.cc).toEqual([cc, '-m64']);
    expect(tools.includes).toEqual([`-I${info.includeDir}`, `-I${info.includeDir}`]);
    expect(tools.ldflags).toEqual([`-L${info.libDir}`, '-lpython3.11', '-ldl', '-lm']);
    vi.stubEnv('CC', join(dir, 'missing-cc'));
    expect(() => findToolchain(info)).toThrow(/the C compiler CC=.*missing-cc is not found$/);
  });
});

describe("zlib's headers, which .mrt recording needs", () => {
  it('are found in a directory CPATH or C_INCLUDE_PATH names', () => {
    const dir = tempDir();
    const env = { PATH: process.env['PATH'] };
    const withoutHere = hasZlibHeaders({ ...env, CPATH: dir });
    writeFileSync(join(dir, 'zlib.h'), '/* zlib */\n');
    expect(hasZlibHeaders({ ...env, CPATH: dir })).toBe(true);
    expect(hasZlibHeaders({ ...env, C_INCLUDE_PATH: `/nonexistent:${dir}` })).toBe(true);
    // Without it there, the answer is the system's own (/usr/include and the like).
    expect(hasZlibHeaders(env)).toBe(withoutHere);
  });
});
