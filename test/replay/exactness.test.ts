// Whether the model followed the trace exactly: block addresses, arena
// records, anomalies; a trace without arena records is unverified, not
// inexact. Hand-made CSV traces (CPython 3.11 geometry: a 16-byte block's
// pool starts at the arena, its first block after the 48-byte pool header).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactnessOf } from '../../src/replay/exactness.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import { tempDir } from '../cli/helpers.js';
import { exactTraceText, INEXACT_FIXTURE } from './inexact-trace.js';

async function exactnessOfText(lines: string[]) {
  const path = join(tempDir(), 't.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return exactnessOf((await replayTrace(path)).replayer);
}

const HEADER = ['# python: 3.11.7', 'op,addr,size,old_addr,domain,label'];
const ARENA = 'arena_alloc,0x7f0000000000,1048576,,,';

describe('replay exactness', () => {
  it('is exact when every address and arena record matches', async () => {
    const e = await exactnessOfText([...HEADER, ARENA, 'alloc,0x7f0000000030,16,,obj,', 'alloc,0x7f0000000040,16,,obj,']);
    expect(e).toEqual({
      state: 'exact',
      blocksChecked: 2,
      addressMismatches: 0,
      arenaMismatches: 0,
      anomalies: 0,
      reason: 'all 2 block addresses and every arena record matched the trace',
    });
  });

  it('is inexact when a block address differs (the fixture)', async () => {
    const e = exactnessOf((await replayTrace(INEXACT_FIXTURE)).replayer);
    expect(e.state).toBe('inexact');
    expect([e.blocksChecked, e.addressMismatches, e.arenaMismatches, e.anomalies]).toEqual([2, 1, 0, 0]);
    expect(e.reason).toBe('1 of 2 block addresses differ from the trace');
    const path = join(tempDir(), 'exact.csv');
    writeFileSync(path, exactTraceText());
    expect(exactnessOf((await replayTrace(path)).replayer).state).toBe('exact');
  });

  it('is inexact when the trace allocates an arena the model never needed', async () => {
    // Two arenas announced, one 16-byte block: the model uses the first only.
    const e = await exactnessOfText([...HEADER, ARENA, 'arena_alloc,0x7f0000100000,1048576,,,', 'alloc,0x7f0000000030,16,,obj,']);
    expect(e.state).toBe('inexact');
    expect([e.addressMismatches, e.arenaMismatches]).toEqual([0, 1]);
    expect(e.reason).toBe("1 arena decision of the model disagrees with the trace's arena records");
  });

  it('is unverified without arena records, and inexact with anomalies even then', async () => {
    const clean = await exactnessOfText([...HEADER, 'alloc,0x10000000,16,,obj,', 'free,0x10000000,,,obj,']);
    expect(clean.state).toBe('unverified');
    expect(clean.reason).toMatch(/^the trace has no arena records/);
    // Addresses cannot match there, so they are not counted as mismatches.
    expect([clean.blocksChecked, clean.addressMismatches]).toEqual([0, 0]);
    const doubleFree = await exactnessOfText([...HEADER, 'alloc,0x10000000,16,,obj,', 'free,0x10000000,,,obj,', 'free,0x10000000,,,obj,']);
    expect(doubleFree.state).toBe('inexact');
    expect(doubleFree.reason).toBe('the trace has 1 anomaly');
  });
});
