// The steady-state leak sites' blocks by full stack agree with `memreplay
// leaks` on the sample trace with a planted leak: the same sites, the same
// blocks and bytes, at the same instant.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leakStacksAt } from '../../src/run/leak-stacks.js';
import { findLeaks } from '../../src/run/leaks.js';

const TRACE = join(__dirname, '..', '..', 'traces', 'leak-3.11.csv.gz');

describe('the blocks of steady-state leak sites by stack', () => {
  it("hold exactly the blocks and bytes of the sites leaks calls steady-state leaks, at leaks' instant", async () => {
    const leaks = await findLeaks(TRACE);
    const leaking = leaks.sites.filter((s) => s.growth.class === 'steady_leak');
    expect(leaking.length).toBeGreaterThan(0);
    const r = await leakStacksAt(TRACE, { instant: { kind: 'judged' } });
    expect(r.leakSites).toBe(leaking.length);
    expect(r.instant).toBe('mark');
    expect(r.at.event).toBe(leaks.at.event);
    expect(r.live.total.blocks).toBe(leaking.reduce((n, s) => n + s.blocks, 0));
    expect(r.live.total.requestedBytes).toBe(leaking.reduce((n, s) => n + s.requestedBytes, 0));
    expect(r.live.total.blockBytes).toBe(leaking.reduce((n, s) => n + s.allocatedBytes, 0));
    // Every stack kept ends in a leaking site's frame (sites are named by their innermost frame here).
    const keys = new Set(leaking.map((s) => s.key));
    for (const s of r.live.stacks) expect(keys.has(s.frames.at(-1)!)).toBe(true);
  });

  it('at the end, after the shutdown freed what the leak kept, as leaks --at-end says', async () => {
    const leaks = await findLeaks(TRACE, { instant: { atEnd: true } });
    const r = await leakStacksAt(TRACE, { instant: { kind: 'end' } });
    expect(r.instant).toBe('end');
    const leaking = leaks.sites.filter((s) => s.growth.class === 'steady_leak');
    expect(r.leakSites).toBe(leaking.length);
    expect(r.live.total.requestedBytes).toBe(leaking.reduce((n, s) => n + s.requestedBytes, 0));
  });
});
