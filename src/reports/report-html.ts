// `memreplay report --format html`: one self-contained page per trace, a pure
// function of its ReportData. The charts are drawn to SVG (see
// html/render-chart.ts), here or by the caller's `draw` (a chart thread,
// html/chart-thread.ts); the page has no script and loads nothing.

import { instantHeading } from './instant-text.js';
import type { ReportData } from '../analyzers/report-data.js';
import { MEMREPLAY_VERSION } from '../version.js';
import { escapeHtml, traceText } from './html/escape.js';
import { htmlPage } from './html/page.js';
import { withIdPrefix, type ChartSpec, type DrawnChart, type RenderedChart } from './html/chart-svg.js';
import type { TopLevelSpec } from 'vega-lite';
import type { ReportSection, SectionContext } from './html/section.js';
import { anomaliesSection } from './html/sections/anomalies-section.js';
import { fragmentationSection } from './html/sections/fragmentation-section.js';
import { flameSection } from './html/sections/flame-section.js';
import { churnSection } from './html/sections/churn-section.js';
import { siteHistorySection } from './html/sections/site-history-section.js';
import { highWaterSection } from './html/sections/high-water-section.js';
import { leaksSection } from './html/sections/leaks-section.js';
import { arenaMapSection, sizeClassSection } from './html/sections/occupancy-section.js';
import { nativeSection } from './html/sections/native-section.js';
import { pinningSection } from './html/sections/pinning-section.js';
import { summarySection } from './html/sections/summary-section.js';
import { timelineSection } from './html/sections/timeline-section.js';
import { whatIfSection } from './html/sections/what-if-section.js';

export const REPORT_SECTIONS: readonly ReportSection[] = [
  summarySection,
  timelineSection,
  siteHistorySection,
  highWaterSection,
  flameSection,
  churnSection,
  sizeClassSection,
  arenaMapSection,
  pinningSection,
  leaksSection,
  nativeSection,
  fragmentationSection,
  whatIfSection,
  anomaliesSection,
];

export interface HtmlReportOptions {
  /**
   * Relative URL of the folder that will hold each chart's `<name>.vl.json`
   * (the page links every chart to its spec); the caller writes the files.
   */
  readonly chartsHref: string;
  /**
   * Draws a chart's spec (html/chart-thread.ts draws on another thread);
   * default: here, loading vega on first use.
   */
  readonly draw?: (spec: TopLevelSpec) => Promise<DrawnChart>;
}

/** Drawn on this thread; vega is loaded only now, as only the HTML report needs it. */
async function drawHere(spec: TopLevelSpec): Promise<DrawnChart> {
  const { drawChart } = await import('./html/render-chart.js');
  return drawChart(spec);
}

export interface HtmlReport {
  readonly html: string;
  /** Every chart on the page, with its vega-lite spec, to write as `<name>.vl.json`. */
  readonly charts: readonly RenderedChart[];
}

/** The vega-lite specs of every chart the report of `data` draws, in page order. */
export function reportCharts(data: ReportData): ChartSpec[] {
  return REPORT_SECTIONS.filter((s) => s.applies(data)).flatMap((s) => s.charts(data));
}

export async function renderHtmlReport(data: ReportData, options: HtmlReportOptions): Promise<HtmlReport> {
  const sections = REPORT_SECTIONS.filter((s) => s.applies(data));
  const draw = options.draw ?? drawHere;
  const specs = reportCharts(data);
  const drawn = await Promise.all(specs.map((c) => draw(c.spec)));
  const charts: RenderedChart[] = specs.map((c, i) => withIdPrefix(c, drawn[i]!, `c${i}`));
  const byName = new Map(charts.map((c) => [c.name, c]));
  const chart = (name: string): RenderedChart => {
    const c = byName.get(name);
    if (c === undefined) throw new Error(`report section asked for chart ${name}, which it did not declare`);
    return c;
  };
  const href = (name: string) => escapeHtml(`${encodeURI(options.chartsHref)}/${name}.vl.json`);
  const ctx: SectionContext = {
    data,
    figure: (name, captionHtml) =>
      `<figure><div class="chart" data-chart="${name}" role="img" aria-label="${escapeHtml(chart(name).title)}">${chart(name).svg}</div>` +
      `<figcaption>${captionHtml ?? ''} <a href="${href(name)}">vega-lite spec</a></figcaption></figure>`,
    svg: (name) => `<span class="chart" data-chart="${name}" role="img" aria-label="${escapeHtml(chart(name).title)}">${chart(name).svg}</span>`,
  };
  const body = [
    `<h1>memreplay report: <code>${traceText(data.analyze.file, 200)}</code></h1>`,
    ...sections.map((s) => `<section id="${s.id}">\n${s.id === 'summary' ? '' : `<h2>${escapeHtml(s.title)}${s.judged === true ? ` <span class="instant">${escapeHtml(instantHeading(data.at))}</span>` : ''}</h2>\n`}${s.html(ctx)}\n</section>`),
  ].join('\n');
  const html = htmlPage({
    title: `memreplay: ${traceText(data.analyze.file, 120)}`,
    nav: sections.map((s) => [s.id, s.title] as const),
    body,
    generator: `memreplay ${MEMREPLAY_VERSION}`,
  });
  return { html, charts };
}
