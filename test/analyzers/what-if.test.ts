// What-if geometry: replaying a trace with arenas placed by the model must
// not change what the allocator does, only where; across versions the block
// sizes (and so the bytes in blocks) cannot change.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArenaPeakObserver } from '../../src/analyzers/arena-peak.js';
import { CaptureAtMark } from '../../src/analyzers/judged-instant.js';
import { whatIfJudgedOf, whatIfOfReplay } from '../../src/analyzers/what-if.js';
import { whatIfReplay } from '../../src/run/what-if-replay.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import { replayText } from './trace-text.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cpython-traces');

describe('ignoring arena records', () => {
  it('counts the records but lets the model place every arena', () => {
    const lines = ['arena_alloc,0x7f0000000000,1048576,,,,,,,', 'alloc,0x7f0000000030,16,,obj,,,,,'];
    const used = replayText(lines).replayer;
    expect(used.arenas.arenasFromTrace).toBe(1);
    const ignored = replayText(lines, '3.11.7', { ignoreArenaRecords: true }).replayer;
    expect(ignored.counts.some((n) => n > 0)).toBe(true);
    expect(ignored.arenas.arenasFromTrace).toBe(0);
    expect(ignored.arenas.arenasPlaced).toBe(1);
    expect(ignored.arenas.mismatches).toBe(0);
    expect(ignored.model.blocksInUseTotal).toBe(1);
    expect(ignored.liveBlockCount).toBe(1);
  });
});

describe('what-if geometry', () => {
  it('under the trace’s own version with arenas placed by the model, gives the real replay’s counts (reclaim-3.8)', async () => {
    const path = join(FIXTURES, 'reclaim-3.8.csv.gz');
    const peak = new ArenaPeakObserver();
    const realEnd = new CaptureAtMark(null, whatIfJudgedOf);
    const { replayer } = await replayTrace(path, { observers: [peak, realEnd] });
    const real = whatIfOfReplay(replayer, peak, realEnd.valueAt(replayer));
    expect(real.arenasFromTrace).toBe(true);
    const placedPeak = new ArenaPeakObserver();
    const placedEnd = new CaptureAtMark(null, whatIfJudgedOf);
    const placedReplay = await replayTrace(path, { ignoreArenaRecords: true, observers: [placedPeak, placedEnd] });
    const placed = whatIfOfReplay(placedReplay.replayer, placedPeak, placedEnd.valueAt(placedReplay.replayer));
    expect(placed.arenasFromTrace).toBe(false);
    // 3.8 arenas are 4 KiB aligned, as are the model's, so nothing may differ but the addresses.
    const { arenasFromTrace: _a, ...realRest } = real;
    const { arenasFromTrace: _b, ...placedRest } = placed;
    expect(placedRest).toEqual(realRest);
    expect(real.arenasPeak.value).toBeGreaterThan(10);
    expect(real.judged.blocksInUse).toBeGreaterThan(1000);
  });

  it('under other versions keeps the bytes in blocks and changes arenas and pools by the geometry (startup-3.11)', async () => {
    const path = join(FIXTURES, 'startup-3.11.csv.gz');
    const [v38, v311, v313] = await Promise.all([
      whatIfReplay(path, '3.8', '3.11', null),
      whatIfReplay(path, '3.11', '3.11', null),
      whatIfReplay(path, '3.13', '3.11', null),
    ]);
    expect(v38!.arenasFromTrace).toBe(false);
    expect(v38!.arenaSizeBytes).toBe(262_144);
    expect(v38!.poolSizeBytes).toBe(4096);
    expect(v311!.arenaSizeBytes).toBe(1_048_576);
    for (const w of [v38!, v313!]) {
      expect(w.blockBytesPeak.value).toBe(v311!.blockBytesPeak.value);
      expect(w.blockBytesPeak.event).toBe(v311!.blockBytesPeak.event);
      expect(w.judged.blocksInUse).toBe(v311!.judged.blocksInUse);
      expect(w.judged.allocatedBlockBytes).toBe(v311!.judged.allocatedBlockBytes);
    }
    // Four times smaller pools need more of them.
    expect(v38!.poolsPeak.value).toBeGreaterThan(v311!.poolsPeak.value);
    expect(v38!.judged.arenaBytes).toBe(v38!.judged.arenas * 262_144);
  });

  it('replays a version that places blocks alike with the trace’s own arenas: the same figures (startup-3.11 as 3.13)', async () => {
    const path = join(FIXTURES, 'startup-3.11.csv.gz');
    const peak = new ArenaPeakObserver();
    const atStats = new CaptureAtMark('stats', whatIfJudgedOf);
    const { replayer } = await replayTrace(path, { observers: [peak, atStats] });
    const { version: _own, ...real } = whatIfOfReplay(replayer, peak, atStats.valueAt(replayer));
    const { version, ...as313 } = await whatIfReplay(path, '3.13', '3.11', 'stats');
    expect(version).toBe('3.13');
    expect(as313.arenasFromTrace).toBe(true);
    expect(as313).toEqual(real);
  });
});
