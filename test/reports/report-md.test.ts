import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { formatReportMarkdown } from '../../src/reports/report-md.js';
import { mdText, textSparkline } from '../../src/reports/markdown/format.js';
import { formatIndexMarkdown, indexEntryOf } from '../../src/reports/report-index.js';
import { HOSTILE, hostileText, sampleReportData } from './sample-report-data.js';

describe('the Markdown report', () => {
  it('has a heading per section and tables of the numbers', () => {
    const md = formatReportMarkdown(sampleReportData({ whatIf: ['3.8', '3.13'] }));
    for (const h of ['## Summary', '## High-water marks', '## Marks', '## Anomalies']) {
      expect(md).toContain(`\n${h}\n`);
    }
    // The sections judged at the report's instant name it (the sample's: the end of the trace).
    for (const h of ['## Fragmentation', '## Arena pinning', '## Leaks', '## What if (judged']) {
      expect(md).toMatch(new RegExp(`\\n${h.replace('(', '\\(')} at the end of the trace \\(event [\\d,]+, [\\d.]+ s\\)\\)?\\n`));
    }
    expect(md).toMatch(/\n## Size classes at the arena peak \(event [\d,]+\)\n/);
    expect(md).toMatch(/\| CPython 3\.8 \| 256 KiB \/ 4\.00 KiB \|/);
    // The sample skipped one bad record.
    expect(md).toContain('\n1 bad record skipped (--lenient).\n');
  });

  it('shows the leak verdicts of memreplay leaks: steady leaks first, with their evidence, slope and live bytes', () => {
    const md = formatReportMarkdown(sampleReportData({ sites: 3 }));
    const leaks = md.slice(md.indexOf('\n## Leaks '), md.indexOf('\n## What if') < 0 ? undefined : md.indexOf('\n## What if'));
    expect(leaks).toContain('Growth: 64 marks; warm-up 2 marks, 62 intervals after it; 6 sites seen (5 of them live at the end of the trace): 3 steady-state leak sites, 0 bounded, 2 retained once, 1 transient.');
    const rows = leaks.split('\n').filter((l) => l.startsWith('| app'));
    expect(rows[0]!.split(' | ')).toEqual(['| app/module\\_0.py:10', 'steady leak', textSparkline(sampleReportData({ sites: 3 }).leaks.sites[0]!.growth.liveBytes), '+781 B per mark', '48.8 KiB', '900 |']);
    expect(rows[0]).toContain('▁▁▁▂▂▂');
    const data = sampleReportData({ sites: 1 });
    const freed = { ...data.leaks.sites[0]!, blocks: 0, requestedBytes: 0 };
    const md2 = formatReportMarkdown({ ...data, leaks: { ...data.leaks, sites: [freed] } });
    expect(md2).toContain('| 0 B (freed after the last sample) | 0 |');
    expect(rows.map((r) => r.split(' | ')[1])).toEqual(['steady leak', 'steady leak', 'steady leak', 'retained once', 'transient', 'retained once']);
  });

  it('shows control characters of the trace as visible escapes, never raw', () => {
    expect(mdText('a\u001b[31mb\u0007\u009b\u007f')).toBe('a\\\\x1b\\[31mb\\\\x07\\\\x9b\\\\x7f');
    const md = formatReportMarkdown(sampleReportData({ text: (i) => `f${i}\u001b[2J\u0007\u009b31m\u007f (a.py:${i})` }));
    expect(md).toContain('\\\\x1b\\[2J\\\\x07\\\\x9b31m\\\\x7f');
    // eslint-disable-next-line no-control-regex
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('makes hostile trace text inert: no HTML, no table breaks, no links, one line', () => {
    const md = formatReportMarkdown(sampleReportData({ text: hostileText }));
    // Outside fenced code blocks (the flame tree: literal text, where an escape would show), every < of the trace is escaped...
    const fenced = /^(`{3,})\n[\s\S]*?\n\1$/gm;
    expect(md.match(fenced)?.length).toBeGreaterThan(0);
    expect(md.replace(fenced, '')).not.toMatch(/(?<!\\)<(img|script|\/script|svg|\/style)/i);
    // ... and a renderer passing HTML through makes no element of it, in a fence or out.
    const html = new MarkdownIt({ html: true, linkify: true }).render(md);
    expect(html).not.toMatch(/<(?!\/?(h[1-3]|p|pre|table|thead|tbody|tr|th|td|strong|code|ul|li)[ >])/);
    expect(html).not.toContain('<a ');
    expect(mdText('a|b<i>[x](javascript:y)\nz')).toBe('a\\|b\\<i>\\[x\\](javascript:y) z');
    // Every table row keeps its column count.
    for (const table of md.split('\n\n').filter((b) => b.startsWith('| '))) {
      const rows = table.split('\n');
      const cols = (rows[0]!.match(/(?<!\\)\|/g) ?? []).length;
      for (const r of rows) expect((r.match(/(?<!\\)\|/g) ?? []).length, r).toBe(cols);
    }
  });

  it('draws growth as a text sparkline scaled to its maximum', () => {
    expect(textSparkline([0, 1, 2, 4, 8])).toBe('▁▁▂▄█');
    expect(textSparkline([0, 0])).toBe('▁▁');
  });

  it('indexes a batch with a link per report and lists the failures', () => {
    const entry = indexEntryOf(sampleReportData({ file: 'a b|c.csv' }), 'a_b_c.md');
    const md = formatIndexMarkdown([entry], [{ file: 'bad.csv', error: 'bad.csv:3: expected <op>' }]);
    expect(md).toContain('| [a b\\|c.csv](a_b_c.md) | 3.11 |');
    expect(md).toContain('- bad.csv: bad.csv:3: expected \\<op>');
  });
});

describe('trace text in Markdown', () => {
  // A CommonMark renderer at its most permissive: raw HTML passed through,
  // bare URLs turned into links. What mdText writes must come out of it as
  // the text it was given, and as nothing else.
  const markdown = new MarkdownIt({ html: true, linkify: true });
  const decode = (html: string) => html.replace(/&(lt|gt|quot|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e]!);
  /** The text of the one cell of a one-row table holding `text`, or the markup when it is not just text. */
  function cellOf(text: string): string {
    const html = markdown.render(`| h |\n| --- |\n| ${mdText(text, 1000)} |\n`);
    const m = /<td>([^<]*)<\/td>/.exec(html);
    return m === null ? html : decode(m[1]!);
  }
  function listItemOf(text: string): string {
    const html = markdown.render(`- ${mdText(text, 1000)}: x\n`);
    const m = /^<ul>\n<li>([^<]*): x<\/li>\n<\/ul>\n$/.exec(html);
    return m === null ? html : decode(m[1]!);
  }

  it('escapes what Markdown reads as syntax and nothing else: no HTML entities in plain text', () => {
    expect(mdText('C library (size 0 or > 512)')).toBe('C library (size 0 or > 512)');
    expect(mdText('<module> at app.py:12 & more')).toBe('\\<module> at app.py:12 & more');
    expect(mdText('a_b*c`d~e|f[g]h\\i')).toBe('a\\_b\\*c\\`d\\~e\\|f\\[g\\]h\\\\i');
    expect(cellOf('C library (size 0 or > 512)')).toBe('C library (size 0 or > 512)');
  });

  it('comes out of a Markdown renderer as exactly the text, in a table cell and in a list item', () => {
    const tricky = ['<', '>', '&', '#', ';', 'a', '1', '.', ')', '(', '[', ']', '!', '*', '_', '~', '`', '|', '\\', '/', ':', '@', 'w', '-', '+', '=', ' ', 'é', 'amp', 'lt', 'http', 'https', 'ftp', 'mailto', 'www.', 'WWW.', 'x.com', '.org', 'a@b', '<a>', '-->'];
    const textArb = fc.array(fc.constantFrom(...tricky), { minLength: 1, maxLength: 14 }).map((a) => a.join('').trim()).filter((t) => t !== '');
    fc.assert(
      fc.property(textArb, (t) => {
        expect(cellOf(t)).toBe(t);
        expect(listItemOf(t)).toBe(t);
      }),
      { numRuns: 2000 },
    );
  });

  it('lets no hostile string become markup or a link', () => {
    for (const h of HOSTILE) {
      const html = markdown.render(`| h |\n| --- |\n| ${mdText(h)} |\n`);
      expect(html).not.toMatch(/<(?!\/?(table|thead|tbody|tr|th|td)>)/);
    }
  });
});
