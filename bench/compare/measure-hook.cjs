// Preloaded (node --require) into each process an A/B compare runs
// (bench/compare/measured-run.ts): at exit, writes the process's CPU time
// (user + system, all threads) and peak resident set, as one JSON object, to
// the file MEMREPLAY_BENCH_MEASURE_FILE names. The same hook goes into both
// sides, so A and B are measured by the same code whatever REF holds.
const { writeFileSync } = require('node:fs');

const file = process.env.MEMREPLAY_BENCH_MEASURE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, peakRssBytes: u.maxRSS * 1024 }));
  });
}
