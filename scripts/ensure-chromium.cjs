// The browser test (test/browser/) drives Debian's own Chromium through
// playwright-core; no browser is ever downloaded. This script, run before the
// tests (`pretest`), installs the `chromium` package with apt-get when it is
// missing and we may (root on a Debian-like system). Anywhere else it only
// says what is missing: the browser test then reports why it could not run.
//
// Exits 0 unless an install that should have worked failed, so a machine
// without apt still runs every other test.

const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const CHROMIUM = '/usr/bin/chromium';

function say(text) {
  process.stderr.write(`ensure-chromium: ${text}\n`);
}

function run(command, args) {
  say(`${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

if (existsSync(CHROMIUM)) process.exit(0);

const hasApt = existsSync('/usr/bin/apt-get');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env.MEMREPLAY_NO_BROWSER_INSTALL) {
  say(`${CHROMIUM} is missing and MEMREPLAY_NO_BROWSER_INSTALL is set: the browser test will not run`);
  process.exit(0);
}
if (!hasApt || !isRoot) {
  say(
    `${CHROMIUM} is missing; install Debian's "chromium" package (apt-get install chromium) ` +
      `to run the browser test (${hasApt ? 'not root' : 'no apt-get here'})`,
  );
  process.exit(0);
}

say('installing Debian\'s chromium for the browser test (once per machine)');
// A fresh machine may have no package lists yet; an update is needed first.
// fonts-liberation: without a font the screenshots show boxes for text.
const install = ['install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-liberation'];
const ok = (run('apt-get', install) || (run('apt-get', ['update', '-q']) && run('apt-get', install))) && existsSync(CHROMIUM);
if (!ok) {
  say(`could not install chromium; the browser test will fail until ${CHROMIUM} exists`);
  process.exit(1);
}
say(`installed ${CHROMIUM}`);
