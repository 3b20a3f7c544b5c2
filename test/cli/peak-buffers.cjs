// Preloaded (node --require) into a CLI run by report-memory.test.ts: samples
// the bytes of the process's array buffers every few milliseconds and, at
// exit, writes the highest to the file named by MEMREPLAY_TEST_PEAK_BUFFERS.
// A replay keeps its live blocks and pools in typed arrays, so this counts
// the replays alive at once. Unlike resident memory it is what was
// allocated, not what the kernel happened to map, so it does not vary from
// run to run.
const { writeFileSync } = require('node:fs');

let peak = 0;
const sample = () => {
  const bytes = process.memoryUsage().arrayBuffers;
  if (bytes > peak) peak = bytes;
};
setInterval(sample, 5).unref();

process.on('exit', () => {
  const file = process.env.MEMREPLAY_TEST_PEAK_BUFFERS;
  if (!file) return;
  sample();
  writeFileSync(file, String(peak));
});
