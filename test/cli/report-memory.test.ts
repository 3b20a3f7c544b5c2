// `memreplay report` replays a trace twice (the whole of it, then back to its
// peaks): the first replay must be freed before the second grows, so the
// report holds one replay at a time, as analyze does (issue 10: with nothing
// else making garbage, V8 kept the first replay's typed arrays beside the
// second's, and the walks' scratch kept the first replay reachable). Measured
// as the peak of the process's array buffers (peak-buffers.cjs), which is
// the same on every run, not as resident memory, which is not.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeSyntheticTrace } from '../synthetic-trace-file.js';
import { hasStackTrace, memreplay, tempDir } from './helpers.js';

const dir = tempDir();

/** Peak array-buffer bytes of the CLI running `args`. */
function peakBuffers(args: string[], trace: string): number {
  const file = join(dir, `peak-buffers-${args[0]}`);
  const r = memreplay(args, undefined, dirname(trace), {
    NODE_OPTIONS: `--require ${join(__dirname, 'peak-buffers.cjs')}`,
    MEMREPLAY_TEST_PEAK_BUFFERS: file,
  });
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.code, r.stderr).toBe(0);
  return Number(readFileSync(file, 'utf8'));
}

describe('report memory', () => {
  test('given a trace with a live set of 270 k blocks, report holds one replay at a time, as analyze', async () => {
    const trace = await writeSyntheticTrace(400_000, 40 * 2 ** 20);
    const analyze = peakBuffers(['analyze', trace], trace);
    const report = peakBuffers(['report', trace, '-o', join(dir, 'reports'), '--jobs', '1', '--quiet'], trace);
    console.log(`peak array buffers: analyze ${(analyze / 2 ** 20).toFixed(1)} MiB, report ${(report / 2 ** 20).toFixed(1)} MiB`);
    // One replay is analyze's figure (14.0-15.0 MiB since pool records are
    // packed per pool); report measured 15.2-15.9: the walks' scratch and
    // the rendering add about 1.5 MiB that does not grow with the replay,
    // hence the constant. Without the collection between the replays
    // report measured 28.4: both replays at once. (At 1 M events V8
    // collects the first replay on its own, so this size is the one that
    // tells the two apart.)
    expect(analyze).toBeGreaterThan(8 * 2 ** 20);
    expect(report).toBeLessThan(analyze * 1.1 + 2 * 2 ** 20);
  }, 120_000);
});
