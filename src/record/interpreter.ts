// The interpreter to record with: what it is (version, paths, build options),
// asked from the interpreter itself. Only CPython 3.8-3.13 default builds
// (pymalloc on, GIL) can be recorded: that is what the model replays.

import { spawnSync } from 'node:child_process';
import { MemreplayError } from '../errors.js';
import { probeFailureText } from './probe-failure.js';
import { isPythonVersion, PYTHON_VERSIONS, type PythonVersion } from '../models/pymalloc/geometry.js';

export interface InterpreterInfo {
  /** What the user named (`python3`, a path). */
  requested: string;
  /** sys.executable: the path the launcher gives the interpreter as its own. */
  executable: string;
  /** X.Y.Z, e.g. 3.11.7 */
  version: string;
  /** X.Y */
  series: PythonVersion;
  hexversion: number;
  /** sysconfig INCLUDEPY, LIBDIR, BINDIR, LDVERSION (3.11 or 3.11d ...). */
  includeDir: string;
  libDir: string;
  binDir: string;
  ldVersion: string;
  /** Py_ENABLE_SHARED: libpython is a shared library. */
  shared: boolean;
  /** sysconfig CC: the compiler the interpreter was built with. */
  cc: string;
}

// Run isolated (-I: no environment variables, no user site) and without site
// (-S): the answers come from the interpreter's own build configuration.
const PROBE = `
import json, sys, sysconfig
v = sysconfig.get_config_var
print(json.dumps({
  "implementation": sys.implementation.name,
  "executable": sys.executable,
  "version": "%d.%d.%d" % sys.version_info[:3],
  "hexversion": sys.hexversion,
  "includeDir": v("INCLUDEPY") or "",
  "libDir": v("LIBDIR") or "",
  "binDir": v("BINDIR") or "",
  "ldVersion": v("LDVERSION") or "",
  "shared": bool(v("Py_ENABLE_SHARED")),
  "pymalloc": bool(v("WITH_PYMALLOC")),
  "gilDisabled": bool(v("Py_GIL_DISABLED")),
  "cc": v("CC") or "",
}))
`;

interface ProbeAnswer extends Omit<InterpreterInfo, 'requested' | 'series'> {
  implementation: string;
  pymalloc: boolean;
  gilDisabled: boolean;
}

export function probeInterpreter(requested = 'python3'): InterpreterInfo {
  const r = spawnSync(requested, ['-I', '-S', '-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MemreplayError(`--python ${requested}: no such interpreter (not found${requested.includes('/') ? '' : ' in PATH'})`);
    throw new MemreplayError(`--python ${requested}: cannot run it: ${r.error.message}`);
  }
  if (r.status !== 0) {
    // Python 2 knows neither -I nor the probe; --version still answers.
    const v = spawnSync(requested, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    const version = /Python (\d+\.\d+\.\d+)/.exec(`${v.stdout ?? ''}${v.stderr ?? ''}`);
    if (version) throw new MemreplayError(`--python ${requested}: is Python ${version[1]}; memreplay records CPython ${PYTHON_VERSIONS.join(', ')}`);
    const why = probeFailureText(r.stderr || '');
    throw new MemreplayError(`--python ${requested}: asking it for its version failed (exit ${r.status ?? r.signal}): ${why}`);
  }
  let a: ProbeAnswer;
  try {
    a = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ProbeAnswer;
  } catch {
    throw new MemreplayError(`--python ${requested}: not a Python 3 interpreter (unexpected answer to a version query)`);
  }
  const series = a.version.split('.').slice(0, 2).join('.');
  if (a.implementation !== 'cpython') {
    throw new MemreplayError(`--python ${requested}: is ${a.implementation} ${a.version}; memreplay records CPython ${PYTHON_VERSIONS.join(', ')}`);
  }
  if (!isPythonVersion(series)) {
    throw new MemreplayError(`--python ${requested}: is CPython ${a.version}; memreplay records CPython ${PYTHON_VERSIONS.join(', ')}`);
  }
  if (a.gilDisabled) {
    throw new MemreplayError(`--python ${requested}: is a free-threaded build (no pymalloc: it allocates with mimalloc); use a default build`);
  }
  if (!a.pymalloc) {
    throw new MemreplayError(`--python ${requested}: was built --without-pymalloc; nothing to record`);
  }
  if (!a.executable) {
    throw new MemreplayError(`--python ${requested}: does not know its own path (sys.executable is empty)`);
  }
  return {
    requested,
    executable: a.executable,
    version: a.version,
    series,
    hexversion: a.hexversion,
    includeDir: a.includeDir,
    libDir: a.libDir,
    binDir: a.binDir,
    ldVersion: a.ldVersion,
    shared: a.shared,
    cc: a.cc,
  };
}
