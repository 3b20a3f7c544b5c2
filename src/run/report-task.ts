// The `report` batch task: one trace in; its report files out, as text to be
// written by the caller (which owns --force and atomic writes), and the
// entry for the batch index. Building the data (several replays) and drawing
// the charts both run on the worker, so traces are reported in parallel.

import type { PythonVersion } from '../models/pymalloc/geometry.js';
import { buildReport } from './report.js';
import type { ReportOptions } from '../analyzers/report-data.js';
import { defineTask } from '../batch/task.js';
import type { ReportFile } from '../io/report-directory.js';
import { indexEntryOf, type IndexEntry } from '../reports/report-index.js';
import { renderHtmlReport } from '../reports/report-html.js';
import { formatReportJson } from '../reports/json/report-json.js';
import { formatReportMarkdown } from '../reports/report-md.js';

import { chartsFolder, type ReportFormat } from '../reports/report-files.js';

export { chartsFolder, REPORT_FORMATS, type ReportFormat } from '../reports/report-files.js';

/** Plain data, so it crosses to a worker: buildReport's site and leak options, and how to write. */
export interface ReportTaskOptions extends Pick<ReportOptions, 'by' | 'depth' | 'keepImportFrames' | 'projectRoot' | 'at' | 'atEnd' | 'warmup' | 'marks' | 'suppressions'> {
  readonly format: ReportFormat;
  readonly python?: PythonVersion;
  readonly traceFormat?: 'csv' | 'jsonl';
  readonly lenient: boolean;
  readonly whatIf?: readonly PythonVersion[];
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
    const data = await buildReport(input, {
      ...(options.python !== undefined ? { python: options.python } : {}),
      ...(options.traceFormat !== undefined ? { format: options.traceFormat } : {}),
      lenient: options.lenient,
      ...(options.whatIf !== undefined ? { whatIf: options.whatIf } : {}),
      ...(options.by !== undefined ? { by: options.by } : {}),
      ...(options.depth !== undefined ? { depth: options.depth } : {}),
      ...(options.keepImportFrames !== undefined ? { keepImportFrames: options.keepImportFrames } : {}),
      ...(options.projectRoot !== undefined ? { projectRoot: options.projectRoot } : {}),
      ...(options.at !== undefined ? { at: options.at } : {}),
      ...(options.atEnd === true ? { atEnd: true } : {}),
      ...(options.warmup !== undefined ? { warmup: options.warmup } : {}),
      ...(options.marks !== undefined ? { marks: options.marks } : {}),
      ...(options.suppressions !== undefined ? { suppressions: options.suppressions } : {}),
    });
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
