// The live-stacks driver picks its instant: the footprint high-water mark
// (one read, its peak from the peak log), a mark, an event, or the end. On the pinning trace
// (test/analyzers/pinning-trace.ts) the footprint peaks when the leak.py:5
// block opens the second arena, and at the end only that block is live.

import { describe, expect, it } from 'vitest';
import { liveStacksAt } from '../../src/run/live-stacks.js';
import { mark, writeTrace } from '../analyzers/trace-text.js';
import { LEAK, LEAK_EVENT, pinningTrace, TOTAL_EVENTS } from '../analyzers/pinning-trace.js';

const keys = (r: Awaited<ReturnType<typeof liveStacksAt>>): [string, number][] => r.live.stacks.map((s) => [s.frames.join(';'), s.blocks]);

describe('live stacks at an instant', () => {
  const lines = pinningTrace();
  lines.splice(10, 0, mark('early'));
  const path = writeTrace(lines, '3.8.18');
  // The mark moved every later event one on.
  const leakEvent = LEAK_EVENT + 1;
  const total = TOTAL_EVENTS + 1;

  it('at the footprint high-water mark: right after the event that opened the second arena', async () => {
    const r = await liveStacksAt(path, { instant: { kind: 'footprint-peak' } });
    expect(r.at.event).toBe(leakEvent);
    expect(r.footprintBytes).toBe(2 * 256 * 1024);
    expect(r.live.total.blocks).toBe(leakEvent - 1);
    expect(keys(r).at(-1)).toEqual([LEAK, 1]);
  });

  it('at a mark, at an event and at the end', async () => {
    const atMark = await liveStacksAt(path, { instant: { kind: 'mark', label: 'early' } });
    expect(atMark.at).toMatchObject({ event: 11, mark: 'early' });
    expect(atMark.live.total.blocks).toBe(10);
    const atEvent = await liveStacksAt(path, { instant: { kind: 'event', event: 5 } });
    expect(atEvent.live.total.blocks).toBe(5);
    const atEnd = await liveStacksAt(path, { instant: { kind: 'end' } });
    expect(atEnd.at.event).toBe(total);
    expect(keys(atEnd)).toEqual([[LEAK, 1]]);
  });

});
