// The `report` batch task: one trace in; its report files out, as text to be
// written by the caller (which owns --force and atomic writes), and the
// entry for the batch index. Building the data (several replays) and drawing
// the charts both run on the worker, so traces are reported in parallel.

import { buildReport } from './report.js';
import type { ReportOptions } from '../analyzers/report-data.js';
import type { Given } from '../options/given.js';
import { defineTask } from '../batch/task.js';
import type { ReportFile } from '../io/report-directory.js';
import { indexEntryOf, type IndexEntry } from '../reports/report-index.js';
import { renderHtmlReport } from '../reports/report-html.js';
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
    const data = await buildReport(input, options.report);
    const main = `${name}.${options.format}`;
    const entry = indexEntryOf(data, main);
    if (options.format === 'json') return { entry, files: [{ path: main, content: formatReportJson(data) }] };
    if (options.format === 'md') return { entry, files: [{ path: main, content: formatReportMarkdown(data) }] };
    const folder = chartsFolder(name);
    const report = await renderHtmlReport(data, { chartsHref: folder });
    return {
      entry,
      files: [
        ...report.charts.map((c) => ({ path: `${folder}/${c.name}.vl.json`, content: JSON.stringify(c.spec) + '\n' })),
        { path: main, content: report.html },
      ],
    };
  },
});
