// CaptureAtMark (judged-instant.ts): what is judged is captured once during
// the one replay, at the first mark with its label, else at the end.

import { describe, expect, it } from 'vitest';
import { CaptureAtMark } from '../../src/analyzers/judged-instant.js';
import { replayText, mark } from './trace-text.js';
import { pinningTrace } from './pinning-trace.js';

describe('CaptureAtMark', () => {
  it('takes its value once, at the first mark with its label, and at the end without one', () => {
    const lines = [mark('stats'), ...pinningTrace().slice(0, 3), mark('stats')];
    const atMark = new CaptureAtMark('stats', (r) => r.liveBlockCount);
    const never = new CaptureAtMark(null, (r) => r.liveBlockCount);
    const { replayer } = replayText(lines, '3.8.18', { observers: [atMark, never] });
    expect(atMark.atMark).toBe(true);
    expect(atMark.valueAt(replayer)).toMatchObject({ value: 0, at: { event: 1, mark: 'stats', end: false } });
    expect(never.atMark).toBe(false);
    expect(never.valueAt(replayer)).toMatchObject({ value: 3, at: { event: 5, mark: null, end: true } });
  });
});
