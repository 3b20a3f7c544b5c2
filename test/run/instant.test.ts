// The one judged instant (options/instant-options.ts): analyze and every section of
// the report take their live blocks, fragmentation and pinning at the trace's
// `stats` mark when it has one, captured during the one replay, and at the
// end with atEnd or without the mark. The trace is the pinning trace (one
// leak.py:5 block pins the second arena) with a `stats` mark at the
// live-bytes peak, before every app.py:10 block is freed.

import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/run/analyze.js';
import { buildReport } from '../../src/run/report.js';
import { writeTrace, mark } from '../analyzers/trace-text.js';
import { BYTES_PEAK_EVENT, pinningTrace, TOTAL_EVENTS } from '../analyzers/pinning-trace.js';

const APP_BLOCKS = 548;
const APP_SIZE = 512;
const LEAK_SIZE = 10;
/** The mark is the event right after the live-bytes peak; every event after it frees an app.py:10 block. */
const MARK_EVENT = BYTES_PEAK_EVENT + 1;

function markedTrace(label = 'stats'): string[] {
  const lines = pinningTrace();
  lines.splice(BYTES_PEAK_EVENT, 0, mark(label));
  return lines;
}

describe('the judged instant', () => {
  const marked = writeTrace(markedTrace(), '3.8.18');
  const unmarked = writeTrace(markedTrace('other'), '3.8.18');

  it('analyze judges the stats mark by default: every block is still live there', async () => {
    const a = await analyzeTrace(marked);
    expect(a.events.total).toBe(TOTAL_EVENTS + 1);
    expect(a.at).toMatchObject({ event: MARK_EVENT, mark: 'stats', end: false, ts: BYTES_PEAK_EVENT });
    // Timestamps are the event numbers here (ns): the first is 1.
    expect(a.at.seconds).toBeCloseTo((BYTES_PEAK_EVENT - 1) / 1e9, 15);
    expect(a.judged.liveBlocks).toBe(APP_BLOCKS + 1);
    expect(a.judged.liveRequestedBytes).toBe(APP_BLOCKS * APP_SIZE + LEAK_SIZE);
    expect(a.fragmentation.judged.arenas).toBe(2);
    expect(a.liveBlocks.groups.map((g) => [g.key, g.blocks])).toEqual([
      ['app.py:10', APP_BLOCKS],
      ['leak.py:5', 1],
    ]);
  });

  it('analyze with atEnd, or on a trace without the mark, judges the end: the blocks freed after the mark are gone', async () => {
    for (const a of [await analyzeTrace(marked, { instant: { atEnd: true } }), await analyzeTrace(unmarked)]) {
      expect(a.at).toMatchObject({ event: TOTAL_EVENTS + 1, mark: null, end: true });
      expect(a.judged.liveBlocks).toBe(1);
      expect(a.judged.liveRequestedBytes).toBe(LEAK_SIZE);
      expect(a.fragmentation.judged.arenas).toBe(1);
      expect(a.liveBlocks.groups.map((g) => g.key)).toEqual(['leak.py:5']);
    }
  });

  it('the whole-trace figures do not move with the instant', async () => {
    const atMark = await analyzeTrace(marked);
    const atEnd = await analyzeTrace(marked, { instant: { atEnd: true } });
    expect(atMark.events).toEqual(atEnd.events);
    expect(atMark.highWater).toEqual(atEnd.highWater);
    expect(atMark.verification).toEqual(atEnd.verification);
    expect(atMark.fragmentation.arenaPeak).toEqual(atEnd.fragmentation.arenaPeak);
  });

  it('every section of the report judges the same instant as analyze', async () => {
    const d = await buildReport(marked, { whatIf: ['3.8', '3.11'] });
    const a = await analyzeTrace(marked);
    expect(d.at).toEqual(a.at);
    expect(d.analyze.judged).toEqual(a.judged);
    expect(d.leaks.at).toMatchObject({ event: MARK_EVENT, mark: 'stats', end: false });
    expect(d.leaks.totals.liveBlocks).toBe(APP_BLOCKS + 1);
    for (const section of [d.pinning.judged, d.arenaMap.judged, d.sizeClasses.judged]) expect(section.event).toBe(MARK_EVENT);
    expect(d.pinning.judged.pinnedArenas).toBe(2);
    expect(d.arenaMap.judged.totalArenas).toBe(2);
    expect(d.whatIf!.map((v) => v.at)).toEqual([a.at, a.at]);
    expect(d.whatIf![0]!.judged.blocksInUse).toBe(APP_BLOCKS + 1);
    expect(d.whatIf![1]!.judged.blocksInUse).toBe(APP_BLOCKS + 1);
  });

  it('the report with atEnd judges the end in every section', async () => {
    const d = await buildReport(marked, { instant: { atEnd: true }, whatIf: ['3.8', '3.11'] });
    expect(d.at).toMatchObject({ event: TOTAL_EVENTS + 1, end: true });
    expect(d.leaks.at.end).toBe(true);
    expect(d.leaks.totals.liveBlocks).toBe(1);
    for (const section of [d.pinning.judged, d.arenaMap.judged, d.sizeClasses.judged]) expect(section.event).toBe(TOTAL_EVENTS + 1);
    expect(d.pinning.judged.pinnedArenas).toBe(1);
    expect(d.pinning.judged.sitesByArenasPinned.map((s) => s.site)).toEqual(['leak.py:5']);
    expect(d.whatIf!.map((v) => v.judged.blocksInUse)).toEqual([1, 1]);
  });

  it('a report at a mark the trace lacks is refused, and at and atEnd together are a usage error', async () => {
    await expect(buildReport(unmarked, { instant: { at: 'stats' } })).rejects.toThrow(/no mark labelled "stats"/);
    await expect(buildReport(marked, { instant: { at: 'stats', atEnd: true } })).rejects.toThrow(/not both/);
  });
});
