// The `memreplay leaks` text counts in English: one block, one site, one
// interval in the singular; and names its groups for what they are.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/run/leaks.js';
import { formatLeaksText } from '../../src/reports/leaks-text.js';
import { parseSuppressions } from '../../src/suppressions/suppressions.js';
import { ROOT, tempDir } from '../cli/helpers.js';
import { oneBlockTrace } from './check-report.js';

describe('formatLeaksText', () => {
  it('says "1 block" and "1 site" for a leak that grows one block', async () => {
    const dir = tempDir();
    const text = formatLeaksText(await findLeaks(oneBlockTrace(dir)));
    expect(text).toMatch(/live at the end of the trace \(event 17, [\d.]+ s\): 1 block, 384 B requested, in 1 site by lineno\n/);
    expect(text).toContain(`  grow (${dir}/app/cache.py:7)\n    +64 B per mark; 384 B in 1 block live at the end of the trace; rose in 5 of 5 intervals after the warm-up\n`);
    expect(text).toContain('growth: 6 marks; warm-up 1 mark, 5 intervals after it; 1 site seen (1 of them live at the end of the trace): 1 steady-state leak site, 0 bounded, 0 retained once, 0 transient\n');
    expect(text).not.toMatch(/\b1 (blocks|sites|marks|intervals)\b/);
  });

  it('counts a suppression rule that left out one block in the singular', async () => {
    // The sample trace leak-3.11: at its stats mark, leak.py:12 holds one list of 4,624 bytes.
    const rules = parseSuppressions('leak:/srv/app/leak.py:12\nleak:/srv/app/leak.py:29\n', 'accepted.supp');
    const text = formatLeaksText(await findLeaks(join(ROOT, 'traces', 'leak-3.11.csv.gz'), { instant: { at: 'stats' }, growth: { suppressions: rules } }));
    expect(text).toContain('\nsuppressed: 101 blocks, 7.64 KiB\n');
    expect(text).toContain('\n         1 block    4.52 KiB  leak:/srv/app/leak.py:12  (accepted.supp:1)\n');
    expect(text).toContain('\n       100 blocks   3.13 KiB  leak:/srv/app/leak.py:29  (accepted.supp:2)\n');
  });

  it('names the --by grouping of a trace with stacks', async () => {
    const text = formatLeaksText(await findLeaks(join(ROOT, 'traces', 'leak-3.11.csv.gz'), { sites: { by: 'traceback', depth: 2, top: 1 }, instant: { at: 'stats' } }));
    expect(text).toMatch(/^live at mark "stats" \(event 44,389, [\d.]+ s\): 10,386 blocks, 1\.15 MiB requested, in [\d,]+ sites by traceback \(depth 2\)$/m);
    expect(text).toContain('\nother live sites by bytes (top 1):\n');
  });
});
