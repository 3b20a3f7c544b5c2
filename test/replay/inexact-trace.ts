// The hand-made trace of the inexact-replay tests
// (test/fixtures/hand-made/inexact-addresses.csv: its header says how it is
// wrong), the same trace made exact, and both written to a temporary folder.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/helpers.js';

export const INEXACT_FIXTURE = join(ROOT, 'test', 'fixtures', 'hand-made', 'inexact-addresses.csv');

/** The fixture with the second block where the model puts it: an exact replay. */
export function exactTraceText(): string {
  const text = readFileSync(INEXACT_FIXTURE, 'utf8');
  const exact = text.replace('alloc,0x7f0000000050,16', 'alloc,0x7f0000000040,16');
  if (exact === text) throw new Error('inexact-addresses.csv: the block to move is not there');
  return exact;
}

/** A temporary folder holding the inexact trace and its exact twin, for the tests of every output. */
export function inexactTraces(): { dir: string; inexact: string; exact: string } {
  const dir = tempDir();
  const inexact = join(dir, 'inexact.csv');
  const exact = join(dir, 'exact.csv');
  writeFileSync(inexact, readFileSync(INEXACT_FIXTURE));
  writeFileSync(exact, exactTraceText());
  return { dir, inexact, exact };
}
