// The HTML report's native half (src/reports/html/sections/native-section.ts),
// from the hand-written traces of the native contract.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../src/reports/report-html.js';
import { buildReport } from '../../../src/run/report.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** The text of the section with this id, tags dropped. */
function sectionText(html: string, id: string): string | null {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) return null;
  const end = html.indexOf('</section>', at);
  return html.slice(at, end).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('the HTML report of a native trace', () => {
  it('shows the footprint by domain, the native peaks and the native sites by C function and Python line', async () => {
    const data = await buildReport(join(FIXTURES, 'native', 'mixed.csv'));
    const text = sectionText((await renderHtmlReport(data, { chartsHref: 'x.charts' })).html, 'native');
    expect(text).not.toBeNull();
    expect(text).toContain('native heap (1 block of C code&#39;s own malloc) 200 B');
    expect(text).toContain('anonymous mappings (2) 144 KiB');
    expect(text).toMatch(/bytes of anonymous mappings C code made directly 144 KiB event 8 \(line 14/);
    expect(text).toContain('copy_item (ring.c:12) [_ring.cpython-311-x86_64-linux-gnu.so+0x11a0] &lt;- push (ring.py:12)');
  });

  it('has no native section for a trace without a native half', async () => {
    const data = await buildReport(join(FIXTURES, 'cpython-traces', 'startup-3.11.csv.gz'));
    expect(sectionText((await renderHtmlReport(data, { chartsHref: 'x.charts' })).html, 'native')).toBeNull();
  });
});
