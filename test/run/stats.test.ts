// The stats driver: the instant the replay stopped at and the `stats --json`
// document's fields (reports/json/stats-json.ts writes them).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACE_OPTIONS } from '../../src/options/trace-options.js';
import { runStats } from '../../src/run/stats.js';

const TRACE = join(__dirname, '..', 'fixtures', 'cpython-traces', 'startup-3.12.csv.gz');

describe('runStats', () => {
  it('says the end was reached, and carries the verification only when asked', async () => {
    const end = await runStats(TRACE, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: false });
    const doc = end.document;
    expect(doc.python).toBe('3.12');
    expect(doc.at.end).toBe(true);
    expect('verification' in doc).toBe(false);
    const verified = await runStats(TRACE, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: true });
    expect(verified.document.verification).toEqual(verified.verification);
  });

  it('stops after the event asked for, which is then not the end', async () => {
    const early = await runStats(TRACE, { trace: DEFAULT_TRACE_OPTIONS, interpreter: 0, verify: false, atEvent: 10 });
    expect(early.document.at).toEqual({ event: 10, mark: null, end: false });
  });
});
