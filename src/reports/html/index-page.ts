// index.html of a batch: the traces side by side (a table and a chart of peak
// footprint against peak live bytes), each linking to its report. Failed
// traces are listed with their error.

import { instantHeading } from '../instant-text.js';
import { MEMREPLAY_VERSION } from '../../version.js';
import { replayStateText, replayStateWarns, type IndexEntry, type IndexFailure } from '../report-index.js';
import { escapeHtml, traceText } from './escape.js';
import { bytes, count, percent, thousands } from './format.js';
import { htmlTable, leakVerdictHtml, pathHtml } from './html-table.js';
import { indexChart } from './index-chart.js';
import { htmlPage } from './page.js';
import { renderChartSvg, type RenderedChart } from './render-chart.js';

export interface IndexPage {
  readonly html: string;
  /** The comparison chart, to write as `<name>.vl.json`; null when no trace succeeded. */
  readonly chart: RenderedChart | null;
}

/** `chartsHref`: relative URL of the folder the chart's .vl.json is written to. */
export async function renderIndexHtml(entries: readonly IndexEntry[], failures: readonly IndexFailure[], chartsHref: string): Promise<IndexPage> {
  const chart =
    entries.length === 0
      ? null
      : await renderChartSvg(
          indexChart(entries.map((e) => ({ name: e.file, peakFootprintBytes: e.peakFootprintBytes, peakLiveRequestedBytes: e.peakLiveRequestedBytes }))),
          'c0',
        );
  const body = [
    `<h1>memreplay reports: ${count(entries.length, 'trace')}${failures.length > 0 ? `, <span class="warn">${thousands(failures.length)} failed</span>` : ''}</h1>`,
    entries.length === 0
      ? ''
      : htmlTable(entries, [
          { header: '#', numeric: true, cell: (_e, i) => String(i + 1) },
          { header: 'trace', cell: (e) => `<a href="${escapeHtml(encodeURI(e.report))}"><code>${pathHtml(e.file, 120)}</code></a>` },
          { header: 'CPython', cell: (e) => escapeHtml(e.python) },
          { header: 'events', numeric: true, cell: (e) => thousands(e.events) },
          { header: 'peak footprint', numeric: true, cell: (e) => bytes(e.peakFootprintBytes) },
          { header: 'peak live', numeric: true, cell: (e) => bytes(e.peakLiveRequestedBytes) },
          { header: 'arena peak', numeric: true, cell: (e) => thousands(e.arenaHighWater) },
          { header: 'used at arena peak', numeric: true, cell: (e) => (e.utilisationAtArenaPeak === null ? '–' : percent(e.utilisationAtArenaPeak)) },
          { header: 'judged at', cell: (e) => escapeHtml(instantHeading(e.at)) },
          { header: 'footprint', numeric: true, cell: (e) => bytes(e.judgedFootprintBytes) },
          { header: 'live', numeric: true, cell: (e) => bytes(e.judgedLiveRequestedBytes) },
          { header: 'pinned arenas', numeric: true, cell: (e) => thousands(e.pinnedArenas) },
          { header: 'anomalies', numeric: true, cell: (e) => (e.anomalies > 0 ? `<span class="warn">${thousands(e.anomalies)}</span>` : '0') },
          { header: 'replay', cell: (e) => (replayStateWarns(e) ? `<span class="warn">${escapeHtml(replayStateText(e))}</span>` : escapeHtml(replayStateText(e))) },
          { header: 'leak verdict', cell: (e) => leakVerdictHtml(e.leakVerdict, e.steadyLeakSites) },
        ]),
    chart === null
      ? ''
      : `<figure><div class="chart" data-chart="${chart.name}" role="img" aria-label="${escapeHtml(chart.title)}">${chart.svg}</div>` +
        `<figcaption>The gap between the bars is what the allocators held beyond what the program asked for, at each trace’s peak. <a href="${escapeHtml(`${encodeURI(chartsHref)}/${chart.name}.vl.json`)}">vega-lite spec</a></figcaption></figure>`,
    failures.length === 0
      ? ''
      : `<h2>Failed</h2>${htmlTable(failures, [
          { header: 'trace', cell: (f) => `<code>${pathHtml(f.file, 160)}</code>` },
          { header: 'error', cell: (f) => traceText(f.error, 400) },
        ])}`,
  ].join('\n');
  return { html: htmlPage({ title: 'memreplay reports', nav: [], body, generator: `memreplay ${MEMREPLAY_VERSION}` }), chart };
}
