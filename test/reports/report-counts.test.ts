// The HTML and Markdown reports count in English on real replays: one arena,
// one block, one release in the singular; and a trace without call stacks
// has groups by domain and size class, not call sites.

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/run/report.js';
import type { ReportData } from '../../src/analyzers/report-data.js';
import { renderHtmlReport } from '../../src/reports/report-html.js';
import { formatReportMarkdown } from '../../src/reports/report-md.js';
import { FIXTURES, tempDir } from '../cli/helpers.js';
import { oneBlockTrace } from './check-report.js';

/** The words of an HTML page: charts and tags dropped, entities decoded, spaces collapsed. */
function pageText(html: string): string {
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

interface Rendered {
  data: ReportData;
  md: string;
  html: string;
}

async function render(file: string, options: { atEnd?: boolean } = {}): Promise<Rendered> {
  const data = await buildReport(file, { instant: options });
  return { data, md: formatReportMarkdown(data), html: pageText((await renderHtmlReport(data, { chartsHref: 'x.charts' })).html) };
}

describe('report wording', () => {
  // CPython 3.11's start-up, recorded without call stacks: two arenas at the
  // peak, one given back at finalization, no block live at the end.
  let startup: Rendered;
  // The same, judged at the end of the trace (--at-end), after the interpreter's shutdown.
  let startupAtEnd: Rendered;
  // One block, reallocated bigger at each of 6 marks, without arena records.
  let oneBlock: Rendered;
  beforeAll(async () => {
    startup = await render(join(FIXTURES, 'startup-3.11.csv.gz'));
    startupAtEnd = await render(join(FIXTURES, 'startup-3.11.csv.gz'), { atEnd: true });
    oneBlock = await render(oneBlockTrace(tempDir()));
  }, 60_000);

  it('says "1 arena was held" and "1 release" for the one arena left at the end', () => {
    const s = startupAtEnd;
    expect(s.data.analyze.fragmentation.judged.arenas).toBe(1);
    expect(s.md).toMatch(/\nAt the end of the trace \(event [\d,]+\), 1 arena \(1\.00 MiB\) was held, 0\.0% in blocks in use; 0 pinned by live blocks\.\n/);
    expect(s.md).toContain('pymalloc held **2.00 MiB** in 2 arenas, of which');
    expect(s.html).toMatch(/At the end of the trace \(event [\d,]+\), 1 arena \(1\.00 MiB\) was still held,/);
    expect(s.html).toContain('17,515 of 17,515 pymalloc block addresses predicted exactly; 2 arenas from the trace, 1 release confirmed, 0 mismatches');
    expect(s.html).toContain(' 0 live blocks, 0 B requested; C library 0 blocks, 0 B;');
  });

  it('calls the blocks of a trace without call stacks groups by domain and size class, not call sites', () => {
    expect(startup.md).toMatch(/^event [\d,]+ \(line [\d,]+\): [\d,]+ blocks, [\d.]+ [KM]iB requested, in \d+ groups by domain and size class \(the trace has no call stacks\)\.$/m);
    expect(startup.md).toContain('\n| group | blocks | requested |\n');
    expect(startup.md).toMatch(/\n\| group \| verdict \| live bytes per sample \|/);
    expect(startup.md).not.toContain('call site');
    expect(startup.html).toMatch(/were live, in \d+ groups by domain and size class \(the trace has no call stacks\); the largest:/);
    expect(startup.html).toMatch(/The live bytes of each group at every growth sample/);
    expect(startup.html).toMatch(/then the groups with the most bytes live at mark "stats" \(15 rows; \d+ groups live at mark "stats"\)/);
    expect(startup.html).not.toContain('call site');
  });

  it('counts one live block, one arena placed by the model, and one pinned arena in the singular', () => {
    const a = oneBlock.data.analyze;
    expect([a.judged.liveBlocks, a.fragmentation.judged.arenas, a.verification.arenas.placedByModel]).toEqual([1, 1, 1]);
    expect(oneBlock.html).toContain('live at the end of the trace (1 block)');
    expect(oneBlock.html).toContain('no arena records in the trace: the model placed 1 arena itself');
    expect(oneBlock.html).toContain(' 1 live block, 384 B requested; C library 0 blocks,');
    expect(oneBlock.html).toMatch(/At the end of the trace \(event 17, [\d.]+ s\), 1 arena \(1\.00 MiB\) was still held,/);
    expect(oneBlock.md).toMatch(/\nAt the end of the trace \(event 17, [\d.]+ s\), 1 arena \(1\.00 MiB\) was held,/);
    expect(oneBlock.md).toContain('\n1 arena holds live blocks; besides them it holds ');
    expect(oneBlock.md).toContain('pymalloc held **1.00 MiB** in 1 arena, of which **64 B** (0.0%) were blocks in use.');
    expect(oneBlock.md).toContain('\nevent 1 (line 3, ts 1000): 1 block, 64 B requested, in 1 call site.\n');
    expect(oneBlock.md).toContain('\n| call site | blocks | requested |\n');
    expect(`${oneBlock.md}\n${oneBlock.html}`).not.toMatch(/\b1 (blocks|arenas|releases|call sites|groups|marks|events)\b/);
  });
});
