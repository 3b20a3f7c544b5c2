// The `memreplay leaks` text counts in English: one block, one site, one
// interval in the singular.

import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/analyzers/leaks.js';
import { formatLeaksText } from '../../src/reports/leaks-text.js';
import { tempDir } from '../cli/helpers.js';
import { oneBlockTrace } from './check-report.js';

describe('formatLeaksText', () => {
  it('says "1 block" and "1 site" for a leak that grows one block', async () => {
    const dir = tempDir();
    const text = formatLeaksText(await findLeaks(oneBlockTrace(dir)));
    expect(text).toContain('live at the end of the trace (event 17): 1 block, 384 B requested, in 1 site by lineno\n');
    expect(text).toContain(`  grow (${dir}/app/cache.py:7)\n    +64 B per mark; 384 B in 1 block live at the end of the trace; rose in 5 of 5 intervals after the warm-up\n`);
    expect(text).toContain('growth: 6 marks; warm-up 1 mark, 5 intervals after it: 1 steady-state leak site, 0 retained once, 0 transient\n');
    expect(text).not.toMatch(/\b1 (blocks|sites|marks|intervals)\b/);
  });
});
