/// <reference lib="dom" />
// Open generated reports in a real browser, as a user would: Debian's
// Chromium (installed by scripts/ensure-chromium.cjs, run before the tests),
// driven by playwright-core, pages loaded from file:// with the network off.
// Every page must load without a console error or a single request beyond
// itself, every chart must have drawn its marks, and trace text must stay
// text. Screenshots go to test/.artifacts/browser/ (ignored by git) for a
// person to look at.

import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, memreplay, ROOT, tempDir } from '../cli/helpers.js';

/** A recorded trace with a request loop: twelve marks within 1% of the trace. */
const PLANTED_LEAK = join(ROOT, 'test', 'fixtures', 'recorded', 'planted_leak-3.11.csv.gz');
import { HOSTILE_STRINGS, writeHostileTrace } from './hostile-trace.js';
import { writeLongPathsTrace } from './long-paths-trace.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test', '.artifacts', 'browser');
const haveChromium = existsSync(CHROMIUM);
const why = `${CHROMIUM} is missing: scripts/ensure-chromium.cjs (npm test runs it) installs Debian's chromium when run as root`;

interface PageCheck {
  readonly errors: string[];
  readonly requests: string[];
  /** Per chart (data-chart): mark items drawn with a non-empty box. */
  readonly charts: Record<string, number>;
  /** Per chart: pairs of its texts whose boxes, as the browser laid them out, overlap. */
  readonly overlaps: Record<string, string[]>;
  readonly activeElements: number;
  readonly eventAttributes: number;
  readonly text: string;
  /** Tables wider than the box they sit in (which would make the reader scroll sideways). */
  readonly overflowingTables: string[];
}

describe('reports in a browser', () => {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let out = '';
  let hostileName = '';

  beforeAll(async () => {
    if (!haveChromium) return;
    const dir = tempDir();
    const hostile = writeHostileTrace(dir);
    const longPaths = writeLongPathsTrace(dir);
    out = join(dir, 'reports');
    const r = memreplay(['report', join(FIXTURES, 'startup-3.11.csv.gz'), join(FIXTURES, 'startup-3.8.csv.gz'), PLANTED_LEAK, hostile, longPaths, '-o', out, '--python', '3.8,3.13', '-q']);
    if (r.code !== 0) throw new Error(`memreplay report failed (${r.code}): ${r.stderr}`);
    hostileName = readdirSync(out).find((f) => f.startsWith('hostile') && f.endsWith('.html'))!;
    browser = await chromium.launch({ executablePath: CHROMIUM });
    // offline: the network is off; any request a page still tries is recorded and refused.
    context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string, width = 1100): Promise<PageCheck & { scrollWidth: number }> {
    const page = await context!.newPage();
    await page.setViewportSize({ width, height: 900 });
    const url = pathToFileURL(join(out, file)).href;
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => {
      const u = route.request().url();
      requests.push(u);
      return u === url ? route.continue() : route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    const result = await page.evaluate(() => {
      const charts: Record<string, number> = {};
      const overlaps: Record<string, string[]> = {};
      for (const chart of Array.from(document.querySelectorAll('[data-chart]'))) {
        // Every text the chart shows, as laid out here with the page's fonts: no two may overlap.
        const texts = Array.from(chart.querySelectorAll('text'))
          .filter((t) => (t.textContent ?? '').trim() !== '' && getComputedStyle(t).opacity !== '0')
          .map((t) => ({ text: t.textContent!, box: t.getBoundingClientRect() }));
        const pairs: string[] = [];
        for (let i = 0; i < texts.length; i++) {
          for (let j = i + 1; j < texts.length; j++) {
            const a = texts[i]!.box;
            const b = texts[j]!.box;
            if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5) {
              pairs.push(`"${texts[i]!.text}" / "${texts[j]!.text}"`);
            }
          }
        }
        overlaps[chart.getAttribute('data-chart')!] = pairs;
        let drawn = 0;
        for (const group of Array.from(chart.querySelectorAll('g.role-mark'))) {
          for (const item of Array.from(group.children)) {
            const box = (item as SVGGraphicsElement).getBBox();
            if (box.width > 0 || box.height > 0) drawn++;
          }
        }
        charts[chart.getAttribute('data-chart')!] = drawn;
      }
      let eventAttributes = 0;
      for (const el of Array.from(document.querySelectorAll('*'))) {
        for (const a of Array.from(el.attributes)) if (a.name.toLowerCase().startsWith('on')) eventAttributes++;
      }
      // A table wider than its scrolling box: the reader would have to scroll to see its last columns.
      const overflowingTables = Array.from(document.querySelectorAll('.table-wrap'))
        .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 0.5)
        .map((wrap) => {
          const heads = Array.from(wrap.querySelectorAll('th')).map((th) => th.textContent).join(' | ');
          return `${wrap.closest('section')?.id ?? 'page'}: table ${wrap.scrollWidth} px in ${wrap.clientWidth} px (${heads})`;
        });
      return {
        charts,
        overlaps,
        overflowingTables,
        scrollWidth: document.documentElement.scrollWidth,
        activeElements: document.querySelectorAll('script, img, iframe, object, embed, link, base, form').length,
        eventAttributes,
        text: document.body.innerText,
      };
    });
    await page.screenshot({ path: join(ARTIFACTS, file.replace(/[^A-Za-z0-9.-]+/g, '_') + (width === 1100 ? '' : `-${width}`) + '.png'), fullPage: true });
    await page.close();
    return { ...result, errors, requests: requests.filter((u) => u !== url) };
  }

  /** The charts whose specs the report wrote beside it. */
  function specsOf(file: string): string[] {
    return readdirSync(join(out, file.replace(/\.html$/, '.charts'))).map((f) => f.replace(/\.vl\.json$/, ''));
  }

  it('Chromium is there to run them', (ctx) => {
    if (!haveChromium) {
      if (process.env['CI']) throw new Error(why);
      ctx.skip(why);
    }
    expect(browser?.isConnected()).toBe(true);
  });

  it.skipIf(!haveChromium)('each report loads from disk offline, with no console error and no request, and every chart drew its marks', async () => {
    for (const file of ['startup-3.11.html', 'startup-3.8.html', 'planted_leak-3.11.html']) {
      const page = await open(file);
      expect(page.errors, file).toEqual([]);
      expect(page.requests, file).toEqual([]);
      const specs = specsOf(file);
      expect(Object.keys(page.charts).sort(), file).toEqual(specs.sort());
      for (const [name, drawn] of Object.entries(page.charts)) expect(drawn, `${file}: ${name}`).toBeGreaterThan(0);
      expect(specs).toEqual(expect.arrayContaining(['timeline', 'arena-map-peak', 'arena-split', 'what-if', 'size-classes-peak']));
      expect(page.text).toContain('High-water marks');
      // The views of allocation churn and per-site history, drawn as every chart is.
      expect(specs).toEqual(expect.arrayContaining(['churn-sizes', 'site-history']));
      expect(page.text).toContain('Allocation churn');
      for (const [name, pairs] of Object.entries(page.overlaps)) expect(pairs, `${file}: ${name}: texts drawn over each other`).toEqual([]);
    }
  });

  it.skipIf(!haveChromium)('the index and a report fit a 700-pixel window: wide tables scroll in their own box', async () => {
    for (const file of ['index.html', 'planted_leak-3.11.html']) {
      const page = await open(file, 700);
      expect(page.errors).toEqual([]);
      expect(page.scrollWidth, file).toBeLessThanOrEqual(700);
    }
  });

  it.skipIf(!haveChromium)('site tables with long file paths fit their column at 1400 and 800 pixels: paths wrap after a slash', async () => {
    for (const width of [1400, 800]) {
      const page = await open('long-paths.html', width);
      expect(page.errors).toEqual([]);
      expect(page.overflowingTables, `${width} px`).toEqual([]);
      expect(page.scrollWidth, `${width} px`).toBeLessThanOrEqual(width);
      // The sites are there, whole, in the leak table (a steady leak) and the others.
      expect(page.text).toContain('remember_response_payload (/home/user/projects/service/src/package/module/handlers/caching/response_payload_cache.py:88)');
      expect(page.text).toContain('steady leak');
    }
  });

  it.skipIf(!haveChromium)('the index loads the same way, links every report and draws its comparison', async () => {
    const page = await open('index.html');
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.charts['index']).toBeGreaterThanOrEqual(8); // two bars per trace
    expect(page.text).toContain('startup-3.11.csv.gz');
    expect(page.text).toContain('startup-3.8.csv.gz');
    // Each trace's leak verdict: the recorded request loop with its planted leak stands out.
    const row = (name: string) => page.text.split('\n').find((l) => l.includes(name)) ?? '';
    expect(row('planted_leak-3.11.csv.gz')).toMatch(/\tsteady leak \(\d+ sites?\)$/);
    expect(row('long-paths.csv')).toMatch(/\tsteady leak \(1 site\)$/);
    expect(row('startup-3.8.csv.gz')).toMatch(/\t(no leak|no verdict)$/);
  });

  it.skipIf(!haveChromium)('a hostile trace’s text shows as text: no element, attribute or request comes from it', async () => {
    const page = await open(hostileName);
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.activeElements).toBe(0);
    expect(page.eventAttributes).toBe(0);
    for (const s of HOSTILE_STRINGS.slice(0, 5)) expect(page.text).toContain(s);
    for (const [name, drawn] of Object.entries(page.charts)) expect(drawn, name).toBeGreaterThan(0);
    for (const [name, pairs] of Object.entries(page.overlaps)) expect(pairs, `${name}: texts drawn over each other`).toEqual([]);
    expect(Object.keys(page.charts)).toEqual(expect.arrayContaining(['timeline', 'arena-map-end', 'leak-growth-1']));
  });

  it.skipIf(!haveChromium)('the flame graphs (footprint peak and leak sites) open without a script: each frame drawn as wide as its share, every label inside its frame', async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    await page.goto(pathToFileURL(join(out, 'planted_leak-3.11.html')).href, { waitUntil: 'load' });
    // The graphs behind closed <details> open on a click, as a reader would open them.
    const summaries = page.locator('#flame details > summary');
    for (let i = 1; i < (await summaries.count()); i++) await summaries.nth(i).click();
    const graphs = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#flame [data-flame]')).map((graph) => {
        const frames = Array.from(graph.querySelectorAll('svg > g'));
        let labelsOutside = 0;
        let labels = 0;
        let titled = 0;
        for (const g of frames) {
          if (g.querySelector(':scope > title') !== null) titled++;
          const rect = g.querySelector('rect')!.getBoundingClientRect();
          const text = g.querySelector('text');
          if (text === null) continue;
          labels++;
          const box = text.getBoundingClientRect();
          if (box.right > rect.right + 0.5 || box.left < rect.left - 0.5) labelsOutside++;
        }
        const root = frames[0]!.querySelector('rect')!.getBoundingClientRect();
        return { weight: graph.getAttribute('data-flame'), frames: frames.length, titled, labels, labelsOutside, rootWidth: root.width, shown: graph.getBoundingClientRect().width };
      }),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'planted_leak-flame.png'), fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    // The footprint peak's three graphs, then the steady-state leak sites' three (the planted leak is one).
    expect(graphs.map((g) => g.weight)).toEqual(['requested', 'block-bytes', 'blocks', 'leaks-requested', 'leaks-block-bytes', 'leaks-blocks']);
    for (const g of graphs) {
      expect(g.frames, g.weight!).toBeGreaterThan(3);
      expect(g.titled, g.weight!).toBe(g.frames);
      expect(g.labels, g.weight!).toBeGreaterThan(1);
      expect(g.labelsOutside, g.weight!).toBe(0);
      // Drawn at its own size, not scaled: the root spans the graph less its padding.
      expect(g.rootWidth, g.weight!).toBeCloseTo(g.shown - 20, 0);
    }
  });
});
