// The bench's synthetic trace (bench/synthetic-trace.ts, shaped as the soak's
// by bench/soak.ts) written as a plain CSV file, for tests that need a live
// set of hundreds of thousands of blocks in thousands of pools.

import { createWriteStream, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { soakShape } from '../bench/soak.js';
import { SyntheticTrace } from '../bench/synthetic-trace.js';

/** Writes `events` records whose live pymalloc bytes peak near `heapBytes`; returns the file's path. */
export async function writeSyntheticTrace(events: number, heapBytes: number, seed = 1): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'memreplay-synthetic-')), 'synthetic.csv');
  const gen = new SyntheticTrace(events, seed, soakShape(events, heapBytes));
  const out = createWriteStream(path);
  for (let chunk = gen.nextChunk(); chunk !== null; chunk = gen.nextChunk()) {
    if (!out.write(chunk, 'latin1')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return path;
}
