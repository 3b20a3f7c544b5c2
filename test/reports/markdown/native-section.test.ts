// The Markdown report's native half (src/reports/markdown/native-section.ts).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReportMarkdown } from '../../../src/reports/report-md.js';
import { buildReport } from '../../../src/run/report.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

describe('the Markdown report of a native trace', () => {
  it('has the footprint by domain, the native peaks and the native sites', async () => {
    const md = formatReportMarkdown(await buildReport(join(FIXTURES, 'native', 'mixed.csv')));
    const section = md.slice(md.indexOf('## Native half'));
    expect(section).toMatch(/\| native heap \(1 block\) +\| +200 B \|/);
    expect(section).toMatch(/\| anonymous mappings \(2\) +\| +144 KiB \|/);
    // (Markdown-escaped: the site's underscores, brackets and arrow.)
    expect(section).toContain('| copy\\_item (ring.c:12) \\[\\_ring.cpython-311-x86\\_64-linux-gnu.so+0x11a0\\] \\<- push (ring.py:12) | 1 | 200 B |');
  });

  it('has none for a trace without a native half', async () => {
    expect(formatReportMarkdown(await buildReport(join(FIXTURES, 'cpython-traces', 'startup-3.11.csv.gz')))).not.toContain('## Native half');
  });
});
