// Preloaded (node --require) into a CLI run by input-bounds.test.ts: at exit,
// write the process's peak resident set size in bytes to the file named by
// MEMREPLAY_TEST_PEAK_RSS, so a test can bound what an input cost.
// VmHWM, not resourceUsage().maxRSS: getrusage's peak survives exec, so it
// would start at the RSS of the test worker that forked this process.
const { readFileSync, writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.MEMREPLAY_TEST_PEAK_RSS;
  if (!file) return;
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  writeFileSync(file, String(Number(hwm[1]) * 1024));
});
