// Preloaded (node --require) into the memreplay processes that
// bench/big-heap.ts and bench/soak.ts run: writes the process's peak resident
// set size, in bytes, to the file MEMREPLAY_BENCH_PEAK_RSS_FILE names when
// the process exits.
const { writeFileSync } = require('node:fs');

const file = process.env.MEMREPLAY_BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
