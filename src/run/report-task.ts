// The `report` batch task: one trace in; its report files out, as text to be
// written by the caller (which owns --force and atomic writes), and the
// entry for the batch index. Building the data (several replays) and drawing
// the charts both run on the worker, so traces are reported in parallel (the
// charts on a thread of the task's own, html/chart-thread.ts).

import { buildReport } from './report.js';
import type { ReportOptions } from '../analyzers/report-data.js';
import type { Given } from '../options/given.js';
import { defineTask } from '../batch/task.js';
import type { ReportFile } from '../io/report-directory.js';
import { indexEntryOf, type IndexEntry } from '../reports/report-index.js';
import { renderHtmlReport, reportCharts } from '../reports/report-html.js';
import { ChartThread } from '../reports/html/chart-thread.js';
import type { TopLevelSpec } from 'vega-lite';
import { formatReportJson } from '../reports/json/report-json.js';
import { formatReportMarkdown } from '../reports/report-md.js';

import { chartsFolder, type ReportFormat } from '../reports/report-files.js';

export { chartsFolder, REPORT_FORMATS, type ReportFormat } from '../reports/report-files.js';

/** Plain data, so it crosses to a worker: buildReport's options, and how to write. */
export interface ReportTaskOptions {
  readonly report: Given<ReportOptions>;
  readonly format: ReportFormat;
  /** The report name (file name without extension) of each input. */
  readonly names: Readonly<Record<string, string>>;
}

export interface ReportTaskResult {
  readonly entry: IndexEntry;
  /** The files of this trace's report; the main page last (it links to the others). */
  readonly files: readonly ReportFile[];
}


export const reportTask = defineTask<ReportTaskOptions, ReportTaskResult>({
  name: 'report',
  run: async (input, options) => {
    const name = options.names[input];
    if (name === undefined) throw new Error(`no report name for ${input}`);
    const main = `${name}.${options.format}`;
    if (options.format !== 'html') {
      const data = await buildReport(input, options.report);
      const entry = indexEntryOf(data, main);
      return { entry, files: [{ path: main, content: options.format === 'json' ? formatReportJson(data) : formatReportMarkdown(data) }] };
    }
    // The charts are drawn on a thread of their own, started now so that vega
    // loads while the trace is replayed; those the first pass settles are drawn
    // while the peaks are walked (chart-thread.ts).
    const charts = new ChartThread();
    try {
      const draw = (spec: TopLevelSpec) => charts.draw(spec);
      const data = await buildReport(input, options.report, { onFirstPass: (partial) => reportCharts(partial).forEach((c) => void draw(c.spec)) });
      const folder = chartsFolder(name);
      const report = await renderHtmlReport(data, { chartsHref: folder, draw });
      return {
        entry: indexEntryOf(data, main),
        files: [
          ...report.charts.map((c) => ({ path: `${folder}/${c.name}.vl.json`, content: JSON.stringify(c.spec) + '\n' })),
          { path: main, content: report.html },
        ],
      };
    } finally {
      charts.close();
    }
  },
});
