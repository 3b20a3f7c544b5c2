// `fleet report`: a finished run read back from the engine and merged into
// what a local batch gives - the check report every CI output is rendered
// from (memreplay.check/1, built by the same functions as `check` from the
// same options, in the run's order whatever order the workers finished in)
// and, with a directory, each trace's report and the index page, written as
// `report` writes them.

import { UsageError } from '../errors.js';
import { reportOf, traceCheckOf, type CheckReport, type TraceCheck } from '../check/run-check.js';
import { fileInTheWay } from '../io/output-directory.js';
import { ReportDirectory, type ReportFile } from '../io/report-directory.js';
import { chartsFolder } from '../reports/report-files.js';
import { REPORT_INDEX, reportIndexFiles } from '../run/report-batch.js';
import type { EngineAddress } from './engine-url.js';
import { isPlainName } from './job-data.js';
import { RunRecords, type RunProgress } from './run-records.js';

export interface FleetReportRequest {
  readonly engine: EngineAddress;
  readonly run: string;
  /** Wait for the run to finish (else an unfinished run is an error saying how many jobs remain). */
  readonly wait: boolean;
  /** How often to look while waiting. */
  readonly pollMs?: number;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Write each trace's report and the index here. */
  readonly outputDir?: string | undefined;
  readonly force: boolean;
  /** Files the command reads or writes besides (never written over). */
  readonly readFiles: readonly string[];
  /** Told each report file written (the index too), or a trace whose report could not be written. */
  readonly onWrote?: (path: string) => void;
  readonly onWriteFailure?: (message: string) => void;
}

export interface FleetReportOutcome {
  readonly report: CheckReport;
  /** Whether a failure was a bug in memreplay (exit 3) rather than bad input (exit 2). */
  readonly internal: boolean;
  /** With a directory: the reports written, of how many traces; and whether any trace has no report. */
  readonly reports: { readonly written: number; readonly total: number; readonly index: string | undefined; readonly failed: boolean } | null;
}

export async function fleetReport(request: FleetReportRequest): Promise<FleetReportOutcome> {
  const records = await RunRecords.open(request.engine, request.run);
  try {
    await waitForRun(records, request);
    const options = records.options;
    const format = options.reports;
    let directory: ReportDirectory | undefined;
    if (request.outputDir !== undefined) {
      if (format === null) throw new UsageError(`-o ${request.outputDir}: run ${request.run} was submitted with --reports none, so it has no report files; submit another run with --reports html, md or json`);
      const blocker = fileInTheWay(request.outputDir);
      if (blocker !== undefined) throw new UsageError(`-o ${request.outputDir}: ${blocker === request.outputDir ? 'the output directory is a file' : `${blocker} is a file`}; give a directory for the reports`);
      directory = new ReportDirectory({ dir: request.outputDir, force: request.force, inputs: request.readFiles });
    }
    const traces: TraceCheck[] = [];
    const failures: { file: string; error: string }[] = [];
    let internal = false;
    let total = 0;
    const planned: string[] = [];
    // The names first, to refuse clashes before anything is written (as `report` does).
    if (directory !== undefined) {
      await records.forEachName((name, id) => {
        if (!isPlainName(name)) throw new UsageError(`run ${request.run}: job ${id} has the report name ${JSON.stringify(name)}, which is not a plain file name`);
        planned.push(`${name}.${format}`, ...(format === 'html' ? [chartsFolder(name)] : []));
      });
    }
    const batch = (await records.progress()).total > 1;
    if (directory !== undefined) directory.refuseClashes([...planned, ...(batch ? [`${REPORT_INDEX}.${format}`, ...(format === 'html' ? [chartsFolder(REPORT_INDEX)] : [])] : [])]);
    await records.forEachOutcome((outcome) => {
      total++;
      if (!outcome.ok) {
        failures.push({ file: outcome.file, error: outcome.error });
        internal ||= outcome.error.startsWith('internal error');
        directory?.fail(outcome.file, outcome.error);
        return;
      }
      const { checked, report } = outcome.result;
      traces.push(traceCheckOf(checked.leaks.file, checked, options.check));
      if (directory === undefined || report === null) return;
      if ('error' in report) {
        directory.fail(checked.leaks.file, report.error);
        request.onWriteFailure?.(report.error);
        return;
      }
      refuseForeignPaths(report.files, outcome.name, format!);
      const wrote = directory.write({ file: checked.leaks.file, entry: report.entry, files: report.files, ...(format === 'html' ? { charts: chartsFolder(outcome.name) } : {}) });
      if ('error' in wrote) request.onWriteFailure?.(wrote.error.message);
      else request.onWrote?.(wrote.path);
    });
    let reports: FleetReportOutcome['reports'] = null;
    if (directory !== undefined) {
      const index = batch ? await directory.writeIndex((entries, failed) => reportIndexFiles(entries, failed, format!), format === 'html' ? chartsFolder(REPORT_INDEX) : undefined) : undefined;
      if (index !== undefined) request.onWrote?.(index);
      reports = { written: directory.entries.length, total, index, failed: directory.failures.length > 0 };
    }
    return { report: reportOf(traces, failures, options.check), internal, reports };
  } finally {
    await records.close();
  }
}

/** Without --wait an unfinished run is an error saying what remains; with it, look every pollMs until it is done. */
async function waitForRun(records: RunRecords, request: FleetReportRequest): Promise<void> {
  for (;;) {
    const progress = await records.progress();
    const remaining = progress.running + progress.waiting;
    if (remaining === 0) return;
    if (!request.wait) {
      throw new UsageError(
        `run ${request.run} is not finished: ${remaining} of ${progress.total} jobs remain (${progress.running} running, ${progress.waiting} waiting); pass --wait to wait for them`,
      );
    }
    request.onProgress?.(progress);
    await new Promise((resolve) => setTimeout(resolve, request.pollMs ?? 1000));
  }
}

/** A worker's report files go under the trace's own name, nowhere else in the directory. */
function refuseForeignPaths(files: readonly ReportFile[], name: string, format: string): void {
  for (const f of files) {
    const ok = f.path === `${name}.${format}` || (f.path.startsWith(`${chartsFolder(name)}/`) && isPlainName(f.path.slice(chartsFolder(name).length + 1)));
    if (!ok) throw new UsageError(`the result for ${name} names the file ${JSON.stringify(f.path)}, outside its report; it was not written by a memreplay worker`);
  }
}
