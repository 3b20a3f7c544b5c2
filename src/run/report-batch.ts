// Where `report` writes: one page per trace in a directory, named after the
// traces, and with several traces an index page comparing them. The plan is
// checked before any work: the directory is not a file, no planned page is an
// input, and (without --force) none is there already.

import { UsageError } from '../errors.js';
import { fileInTheWay } from '../io/output-directory.js';
import { ReportDirectory, type ReportFile } from '../io/report-directory.js';
import { uniqueReportNames } from '../io/report-names.js';
import { chartsFolder, type ReportFormat } from '../reports/report-files.js';
import { formatIndexMarkdown, type IndexEntry, type IndexFailure } from '../reports/report-index.js';
import { formatIndexJson } from '../reports/json/report-index-json.js';

/** The index page's name (no trace's report takes it). */
export const REPORT_INDEX = 'index';

export interface ReportPlanRequest {
  readonly dir: string;
  readonly format: ReportFormat;
  readonly force: boolean;
  /** The traces, in order. */
  readonly inputs: readonly string[];
  /** Other files the run reads (suppressions): never written over, not even with --force. */
  readonly readFiles: readonly string[];
}

export interface ReportPlan {
  /** Several traces: an index is written too. */
  readonly batch: boolean;
  /** The report name (file name without extension) of each input, in order. */
  readonly names: readonly string[];
  readonly directory: ReportDirectory;
}

export function planReportDirectory(request: ReportPlanRequest): ReportPlan {
  const { dir, format, inputs } = request;
  const batch = inputs.length > 1;
  const names = uniqueReportNames(inputs, batch ? [REPORT_INDEX] : []);
  const blocker = fileInTheWay(dir);
  if (blocker !== undefined) {
    throw new UsageError(`-o ${dir}: ${blocker === dir ? 'the output directory is a file' : `${blocker} is a file`}; give a directory for the reports`);
  }
  const directory = new ReportDirectory({ dir, force: request.force, inputs: [...inputs, ...request.readFiles] });
  directory.refuseClashes([...names, ...(batch ? [REPORT_INDEX] : [])].flatMap((n) => [`${n}.${format}`, ...(format === 'html' ? [chartsFolder(n)] : [])]));
  return { batch, names, directory };
}

/** The index page of a batch (and its chart), from the entries of the traces reported and those that failed. */
export async function reportIndexFiles(entries: readonly IndexEntry[], failures: readonly IndexFailure[], format: ReportFormat): Promise<ReportFile[]> {
  if (format === 'json') return [{ path: `${REPORT_INDEX}.json`, content: formatIndexJson(entries, failures) }];
  if (format === 'md') return [{ path: `${REPORT_INDEX}.md`, content: formatIndexMarkdown(entries, failures) }];
  const folder = chartsFolder(REPORT_INDEX);
  // Loaded here, not at start-up: it brings vega, which no other command needs.
  const { renderIndexHtml } = await import('../reports/html/index-page.js');
  const page = await renderIndexHtml(entries, failures, folder);
  return [
    ...(page.chart === null ? [] : [{ path: `${folder}/${page.chart.name}.vl.json`, content: JSON.stringify(page.chart.spec) + '\n' }]),
    { path: `${REPORT_INDEX}.html`, content: page.html },
  ];
}
