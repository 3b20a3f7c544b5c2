import { describe, expect, it } from 'vitest';
import { escapeHtml, traceText } from '../../src/reports/html/escape.js';
import { count } from '../../src/reports/html/format.js';
import { CONTENT_SECURITY_POLICY } from '../../src/reports/html/page.js';
import { renderHtmlReport, REPORT_SECTIONS } from '../../src/reports/report-html.js';
import { renderIndexHtml } from '../../src/reports/html/index-page.js';
import { siteCell, slashWrapText } from '../../src/reports/html/html-table.js';
import { formatIndexMarkdown, indexEntryOf } from '../../src/reports/report-index.js';
import { formatIndexJson } from '../../src/reports/json/report-index-json.js';
import { LEAK_ROWS } from '../../src/reports/html/sections/leaks-section.js';
import { expectInertHtml } from './hostile.js';
import { HOSTILE, hostileText, sampleReportData } from './sample-report-data.js';

describe('escaping trace text for HTML', () => {
  it('escapes the five HTML metacharacters, for text and quoted attributes alike', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('replaces control characters and keeps tabs, newlines and all other text', () => {
    expect(escapeHtml('a\u0000b\u001bc\td\ne\u2028f\u00e9')).toBe('a\ufffdb\ufffdc\td\ne\u2028f\u00e9');
  });

  it('bounds trace text before escaping it', () => {
    expect(traceText('<'.repeat(500), 10)).toBe('&lt;'.repeat(9) + '…');
  });
});

describe('call sites in tables', () => {
  it('may wrap after each slash of a path, and only there, with the text around it escaped', () => {
    expect(slashWrapText('handle (/srv/app/handlers/requests.py:142)')).toBe('handle (/<wbr>srv/<wbr>app/<wbr>handlers/<wbr>requests.py:142)');
    expect(slashWrapText('<b>/x&"y\'')).toBe('&lt;b&gt;/<wbr>x&amp;&quot;y&#39;');
    // The whole stack behind the disclosure wraps the same way.
    const cell = siteCell('f (/a/b.py:1)', ['main (/a/main.py:3)', 'f (/a/b.py:1)']);
    expect(cell).toContain('<span class="site">f (/<wbr>a/<wbr>b.py:1)</span>');
    expect(cell).toContain('<li class="site">main (/<wbr>a/<wbr>main.py:3)</li>');
  });

  it('is clipped before it is split, so a hostile path cannot make unbounded markup', () => {
    expect(slashWrapText('/'.repeat(10_000), 200)).toBe('/<wbr>'.repeat(199) + '…');
  });
});

describe('counting in our words', () => {
  it('puts the noun in the plural unless there is exactly one', () => {
    expect([count(0, 'arena'), count(1, 'arena'), count(2, 'size class'), count(1234, 'call site')]).toEqual(['0 arenas', '1 arena', '2 size classes', '1,234 call sites']);
  });

  it('says one frame, one later mark, one metadata entry, one bad record and one trace in the singular', async () => {
    const stack = Array.from({ length: 13 }, (_, i) => `f${i} (app.py:${i})`);
    expect(siteCell('f12 (app.py:12)', stack)).toContain('<li class="muted">… 1 more frame</li>');
    expect(siteCell('f13 (app.py:13)', [...stack, 'f13 (app.py:13)'])).toContain('<li class="muted">… 2 more frames</li>');
    // 101 marks: the table lists 100. The sample skipped one bad record.
    const data = sampleReportData({ marks: 101 });
    const meta = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`key${i}`, `value ${i}`]));
    const html = (await renderHtmlReport({ ...data, analyze: { ...data.analyze, meta } }, { chartsHref: 'x.charts' })).html;
    expect(data.analyze.skippedRecords.count).toBe(1);
    expect(html).toContain('<p class="muted">1 later mark is not listed.</p>');
    expect(html).toContain('… 1 more metadata entry');
    expect(html).toContain('<span class="warn">1 bad record skipped (--lenient)</span>');
    // The sample has one empty arena among those live.
    expect(html).toContain('; 1 live arena is empty. ');
    const index = await renderIndexHtml([indexEntryOf(data, 'sample.html')], [], 'index.charts');
    expect(index.html).toContain('<h1>memreplay reports: 1 trace</h1>');
  });
});

describe('the leak verdict of each trace', () => {
  /** The sample with its growth verdict replaced: steady leak (sites), no leak, or no verdict. */
  function withVerdict(file: string, steadyLeakSites: number, noVerdict: string | null = null) {
    const d = sampleReportData({ file });
    return { ...d, leaks: { ...d.leaks, growth: { ...d.leaks.growth, steadyLeakSites, noVerdict } } };
  }
  const traces = [
    withVerdict('leak.csv', 3),
    withVerdict('churn.csv', 0),
    withVerdict('startup.csv', 0, 'only 1 interval after the warm-up of 1 mark; a verdict needs 3'),
  ];

  it('is a column of the index, in the words of each trace’s report', async () => {
    const entries = traces.map((d, i) => indexEntryOf(d, `r${i}.html`));
    expect(entries.map((e) => [e.leakVerdict, e.steadyLeakSites])).toEqual([
      ['steady_leak', 3],
      ['no_leak', 0],
      ['no_verdict', 0],
    ]);
    const index = (await renderIndexHtml(entries, [], 'index.charts')).html;
    expect(index).toContain('<th>leak verdict</th>');
    const rows = index.slice(index.indexOf('<tbody>')).split('<tr>').slice(1);
    expect(rows[0]).toContain('<td><b class="warn">steady leak (3 sites)</b></td></tr>');
    expect(rows[1]).toContain('<td>no leak</td></tr>');
    expect(rows[2]).toContain('<td>no verdict</td></tr>');
    // The report of each says the same, in its summary cards (and in its leak section).
    const reports = await Promise.all(traces.map((d) => renderHtmlReport(d, { chartsHref: 'x.charts' })));
    const card = (html: string) => html.match(/<div class="value">((?:(?!<\/div>).)*)<\/div><div class="label">leak verdict/)?.[1];
    expect(reports.map((r) => card(r.html))).toEqual(['<b class="warn">steady leak (3 sites)</b>', 'no leak', 'no verdict']);
    expect(reports[0]!.html).toContain('<p>Leak verdict: <b class="warn">steady leak (3 sites)</b>. Growth: ');
  });

  it('is in the Markdown index and in JSON', () => {
    const entries = traces.map((d, i) => indexEntryOf(d, `r${i}.md`));
    const md = formatIndexMarkdown(entries, []);
    expect(md).toContain('| anomalies | replay | leak verdict |');
    expect(md.split('\n').filter((l) => l.startsWith('| [')).map((l) => l.split(' | ').at(-1))).toEqual(['**steady leak (3 sites)** |', 'no leak |', 'no verdict |']);
    expect(JSON.parse(formatIndexJson(entries, [])).traces.map((t: { leakVerdict: string }) => t.leakVerdict)).toEqual(['steady_leak', 'no_leak', 'no_verdict']);
  });
});

describe('the HTML report', () => {
  it('renders every section of a full report, each chart linked to its vega-lite spec', async () => {
    const data = sampleReportData({ whatIf: ['3.8', '3.13'] });
    const r = await renderHtmlReport(data, { chartsHref: 'my report.charts' });
    for (const s of REPORT_SECTIONS) expect(r.html).toContain(`<section id="${s.id}">`);
    expect(r.charts.length).toBeGreaterThan(10);
    for (const c of r.charts) {
      expect(r.html).toContain(`data-chart="${c.name}"`);
    }
    // Sparklines sit in the table; every other chart has a figure with a link to its spec.
    for (const c of r.charts.filter((c) => !c.name.startsWith('leak-growth'))) {
      expect(r.html).toContain(`href="my%20report.charts/${c.name}.vl.json"`);
    }
  });

  it('shows the leak verdicts of memreplay leaks, each site with its evidence as a sparkline and the warm-up marked', async () => {
    const data = sampleReportData({ sites: 20 });
    const r = await renderHtmlReport(data, { chartsHref: 'x.charts' });
    const section = r.html.slice(r.html.indexOf('<section id="leaks">'), r.html.indexOf('</section>', r.html.indexOf('<section id="leaks">')));
    expect(section).toContain('Growth: 64 marks; warm-up 2 marks, 62 intervals after it; 40 sites seen (30 of them live at the end of the trace): 20 steady-state leak sites, 0 bounded, 10 retained once, 10 transient.');
    const rows = section.split('<tr>').slice(2);
    expect(rows).toHaveLength(LEAK_ROWS);
    expect(rows[0]).toContain('<b>steady leak</b>');
    // The slope keeps its number and unit together and may wrap before "per", for narrow windows.
    expect(rows[0]).toContain('<span class="wraps">+781&nbsp;B per&nbsp;mark</span>');
    expect(section).toContain('Suppressed: 7 blocks, 700 B');
    // A steady leak that holds nothing at the end was freed after the last sample, and says so; a transient site does not.
    const few = sampleReportData({ sites: 2 });
    const freed = { ...few.leaks.sites[0]!, blocks: 0, requestedBytes: 0 };
    const html = (await renderHtmlReport({ ...few, leaks: { ...few.leaks, sites: [freed, ...few.leaks.sites.slice(1)] } }, { chartsHref: 'x.charts' })).html;
    const fewRows = html.slice(html.indexOf('<section id="leaks">')).split('<tr>').slice(2, 2 + 4);
    expect(fewRows[0]).toContain('freed after the last sample');
    expect(fewRows[1]).not.toContain('after the last sample');
    expect(fewRows.find((r) => r.includes('>transient<'))).not.toContain('after the last sample');
    for (let i = 1; i <= LEAK_ROWS; i++) expect(rows[i - 1]).toContain(`data-chart="leak-growth-${i}"`);
    const spark = r.charts.find((c) => c.name === 'leak-growth-1')!;
    // One point per growth sample, and the dashed rule at the end of the warm-up.
    expect((spark.spec as { data: { values: unknown[] } }).data.values).toHaveLength(65);
    expect(spark.svg).toContain('stroke-dasharray');
  });

  it('is one file with no script, no external resource and a CSP that forbids both', async () => {
    const r = await renderHtmlReport(sampleReportData(), { chartsHref: 'x.charts' });
    expect(r.html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(r.html).not.toMatch(/<script|<link|\ssrc=|@import|url\(http/i);
    expectInertHtml(r.html);
  });

  it('shows hostile trace text as text everywhere: file name, sites, stacks, marks, metadata, anomalies', async () => {
    const data = sampleReportData({ text: hostileText, file: '</title><script>alert(0)</script>.csv', whatIf: ['3.11'] });
    const r = await renderHtmlReport(data, { chartsHref: 'x.charts' });
    expectInertHtml(r.html);
    expect(r.html).toContain('&lt;/title&gt;&lt;script&gt;alert(0)&lt;/script&gt;.csv');
    for (const h of HOSTILE.slice(0, 4)) expect(r.html).toContain(escapeHtml(h));
    // No raw line or paragraph separators from the trace reach the markup.
    expect(r.html).not.toMatch(/<[^>]*[\u2028\u2029][^>]*>/);
  });

  it('leaves out the sections a trace without arenas cannot fill, and still renders', async () => {
    const r = await renderHtmlReport(sampleReportData({ empty: true }), { chartsHref: 'x.charts' });
    expect(r.html).toContain('never used a pymalloc arena');
    expect(r.html).not.toContain('<section id="arena-map">');
    expect(r.html).not.toContain('<section id="what-if">');
    expectInertHtml(r.html);
  });

  it('stays under 2 MB at every limit of the report data at once', async () => {
    // The analyzers bound what a trace of any length gives: 512 timeline
    // buckets (and as many for the close-up of crowded marks), 1,000 marks,
    // 256 arenas per map, the top 20 sites per table.
    const data = sampleReportData({ buckets: 512, marks: 1000, markWindow: 512, arenas: 256, sites: 20, whatIf: ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] });
    expect(data.arenaMap.arenaPeak!.arenas.length).toBe(256);
    const r = await renderHtmlReport(data, { chartsHref: 'x.charts' });
    expect(r.charts.map((c) => c.name)).toContain('timeline-marks');
    expect(Buffer.byteLength(r.html)).toBeLessThan(2 * 1024 * 1024);
  });
});
