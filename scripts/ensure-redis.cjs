// The fleet tests (test/fleet/) start Debian's own `redis-server` on a free
// loopback port, as the engine BullMQ runs on; nothing is downloaded. This
// script, run before the tests (`pretest`), installs the `redis-server`
// package with apt-get when it is missing and we may (root on a Debian-like
// system). Anywhere else it only says what is missing, and the fleet tests say
// why they are skipped.
//
// Exits 0 unless an install that should have worked failed.

const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const REDIS = '/usr/bin/redis-server';
const PACKAGES = ['redis-server'];

function say(text) {
  process.stderr.write(`ensure-redis: ${text}\n`);
}

function run(command, args) {
  say(`${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

if (existsSync(REDIS)) process.exit(0);

const hasApt = existsSync('/usr/bin/apt-get');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env.MEMREPLAY_NO_REDIS_INSTALL || !hasApt || !isRoot) {
  const why = process.env.MEMREPLAY_NO_REDIS_INSTALL ? 'MEMREPLAY_NO_REDIS_INSTALL is set' : hasApt ? 'not root' : 'no apt-get here';
  say(`missing ${REDIS} (${why}); install Debian's ${PACKAGES.join(' ')} to run the fleet tests (test/fleet/)`);
  process.exit(0);
}

say(`installing Debian's ${PACKAGES.join(' ')} for the fleet tests (once per machine)`);
const install = ['install', '-y', '-q', '--no-install-recommends', ...PACKAGES];
// A fresh machine may have no package lists yet: update, then try again.
const ok = (run('apt-get', install) || (run('apt-get', ['update', '-q']) && run('apt-get', install))) && existsSync(REDIS);
if (!ok) {
  say(`could not install ${PACKAGES.join(' ')}; the fleet tests will fail until ${REDIS} is there`);
  process.exit(1);
}
// The package starts a system-wide server on port 6379; the tests start their own, so it is not needed.
say('installed');
