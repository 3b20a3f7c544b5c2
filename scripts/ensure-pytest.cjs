// The per-test suites (test/per-test/) run a real pytest under `memreplay
// record`: Debian's `python3-pytest` for the system /usr/bin/python3, and
// `python3-dev` so that the recorder can be built against it. This script, run
// before the tests (`pretest`), installs both with apt-get when one is missing
// and we may (root on a Debian-like system). Anywhere else it only says what
// is missing, and the tests that need pytest say why they are skipped.
//
// Exits 0 unless an install that should have worked failed.

const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const PYTHON = '/usr/bin/python3';
const PACKAGES = ['python3-pytest', 'python3-dev'];

function say(text) {
  process.stderr.write(`ensure-pytest: ${text}\n`);
}

/** What is missing: pytest for the system python3, or its C headers (Python.h, through python3-config). */
function missing() {
  const lacks = [];
  const pytest = spawnSync(PYTHON, ['-c', 'import pytest'], { stdio: 'ignore' });
  if (pytest.status !== 0) lacks.push('python3-pytest');
  const headers = spawnSync(PYTHON, ['-c', 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'], { stdio: 'ignore' });
  if (headers.status !== 0) lacks.push('python3-dev');
  return lacks;
}

if (!existsSync(PYTHON)) {
  say(`${PYTHON} is missing: the per-test suites will be skipped`);
  process.exit(0);
}
const lacks = missing();
if (lacks.length === 0) process.exit(0);

const hasApt = existsSync('/usr/bin/apt-get');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env.MEMREPLAY_NO_PYTEST_INSTALL || !hasApt || !isRoot) {
  const why = process.env.MEMREPLAY_NO_PYTEST_INSTALL ? 'MEMREPLAY_NO_PYTEST_INSTALL is set' : hasApt ? 'not root' : 'no apt-get here';
  say(`missing ${lacks.join(' and ')} (${why}); install Debian's ${PACKAGES.join(' ')} to run the per-test suites (test/per-test/)`);
  process.exit(0);
}

function run(command, args) {
  say(`${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

say(`installing Debian's ${PACKAGES.join(' ')} for the per-test suites (once per machine)`);
const install = ['install', '-y', '-q', '--no-install-recommends', ...PACKAGES];
// A fresh machine may have no package lists yet: update, then try again.
const ok = (run('apt-get', install) || (run('apt-get', ['update', '-q']) && run('apt-get', install))) && missing().length === 0;
if (!ok) {
  say(`could not install ${PACKAGES.join(' ')}; the per-test suites will fail until ${PYTHON} can import pytest`);
  process.exit(1);
}
say('installed');
