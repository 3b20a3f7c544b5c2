// The directory `memreplay report` writes: one report per trace (a page, and
// for HTML its charts folder) and, for a batch, an index. What is written
// here never replaces an input (same-file.ts) nor, without --force, a file
// that is there. The index lists the reports that were written and the
// traces that failed; a batch in which no report could be written (a full
// disk, a read-only directory) gets no index page at all, since an index of
// nothing would stand in the directory as if the run had produced something.

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MemreplayError } from '../errors.js';
import type { IndexEntry, IndexFailure } from '../reports/report-index.js';
import { InputFiles, inputAt, refuseInputsAsOutputs } from './same-file.js';
import { writeReportFile, type WriteOptions } from './write-report.js';

/** One file of a trace's report, as the report task hands it over to be written. */
export interface ReportFile {
  /** Relative to the output directory, '/'-separated. */
  readonly path: string;
  readonly content: string;
}

export interface ReportDirectoryOptions {
  readonly dir: string;
  /** Replace reports that are there (never an input). */
  readonly force: boolean;
  /** The traces (and other files) the run reads. */
  readonly inputs: readonly string[];
  /** Writes one file: writeReportFile, or a failing disk in tests. */
  readonly writeFile?: (path: string, content: string, options: WriteOptions) => void;
}

/** The files of one trace's report and where its charts go (HTML only). */
export interface ReportOutput {
  /** The trace, as shown in messages and the index. */
  readonly file: string;
  readonly entry: IndexEntry;
  /** Relative to the directory, '/'-separated; the main page last. */
  readonly files: readonly ReportFile[];
  /** The charts folder of an HTML report, whose stale specs --force removes. */
  readonly charts?: string;
}

export class ReportDirectory {
  private readonly written: IndexEntry[] = [];
  private readonly failed: IndexFailure[] = [];
  private readonly writeFile: NonNullable<ReportDirectoryOptions['writeFile']>;
  /** Looked at once for the whole batch. */
  private readonly inputs: InputFiles;

  constructor(private readonly options: ReportDirectoryOptions) {
    this.writeFile = options.writeFile ?? writeReportFile;
    this.inputs = new InputFiles(options.inputs);
  }

  /** Reports written so far, in the order they were. */
  get entries(): readonly IndexEntry[] {
    return this.written;
  }

  /** Traces whose report failed (to be built or to be written), in order. */
  get failures(): readonly IndexFailure[] {
    return this.failed;
  }

  /**
   * Before any work: stop when a planned file (given relative to the
   * directory) is an input, or, without --force, exists already.
   */
  refuseClashes(paths: readonly string[]): void {
    const full = paths.map((p) => join(this.options.dir, ...p.split('/')));
    refuseInputsAsOutputs(full, this.inputs);
    if (this.options.force) return;
    const clashes = full.filter((p) => existsSync(p));
    if (clashes.length === 0) return;
    const shown = clashes.slice(0, 3).join(', ') + (clashes.length > 3 ? ` and ${clashes.length - 3} more` : '');
    throw new MemreplayError(`${shown} ${clashes.length === 1 ? 'exists' : 'exist'}; pass --force to overwrite, or -o another directory`);
  }

  /** A trace whose report could not be built. */
  fail(file: string, error: string): void {
    this.failed.push({ file, error });
  }

  /**
   * Write a report's files, each atomically, the main page last; the path of
   * its main page, or the error (also recorded as the trace's failure).
   */
  write(report: ReportOutput): { path: string } | { error: MemreplayError } {
    try {
      this.writeFiles(report.files, report.charts);
    } catch (e) {
      if (!(e instanceof MemreplayError)) throw e;
      this.fail(report.file, e.message);
      return { error: e };
    }
    this.written.push(report.entry);
    return { path: this.pathOf(report.files[report.files.length - 1]!) };
  }

  /**
   * Write the index from what `render` makes of the written reports and the
   * failures; nothing when no report was written. Returns the index page's
   * path, or undefined when there is none.
   */
  async writeIndex(render: (entries: readonly IndexEntry[], failures: readonly IndexFailure[]) => Promise<readonly ReportFile[]>, charts?: string): Promise<string | undefined> {
    if (this.written.length === 0) return undefined;
    const files = await render(this.written, this.failed);
    this.writeFiles(files, charts);
    return this.pathOf(files[files.length - 1]!);
  }

  private pathOf(file: ReportFile): string {
    return join(this.options.dir, ...file.path.split('/'));
  }

  /**
   * With --force, specs left in the charts folder by an earlier report
   * (charts this one does not have) are removed, so the folder always
   * matches the page; never one that is an input.
   */
  private writeFiles(files: readonly ReportFile[], charts: string | undefined): void {
    const { force } = this.options;
    const inputs = this.inputs;
    for (const f of files) this.writeFile(this.pathOf(f), f.content, { force, inputs });
    if (!force || charts === undefined) return;
    const dir = join(this.options.dir, charts);
    if (!existsSync(dir)) return;
    const keep = new Set(files.map((f) => f.path));
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name.endsWith('.vl.json') && !keep.has(`${charts}/${name}`) && inputAt(path, inputs) === undefined) rmSync(path, { force: true });
    }
  }
}
