// Snapshots in JSONL (trace-format.md, "Snapshots"): a `{"op":"snapshot",
// "label":...}` line starts a snapshot and each `{"op":"trace","size":N,
// "domain":D,"frames":[...]}` line after it is one live block of it (frames
// oldest first, as text `file:line` or `function (file:line)`). A file may
// hold several snapshots; one is read, chosen by label (or the only one).
// A push parser over byte chunks with the JSONL importer's line rules (lines
// cut before decoding, `\r\n`, a BOM, at most MAX_LINE_BYTES a line); traces
// are summed per traceback as they stream by, so memory follows the distinct
// tracebacks of the chosen snapshot, not the file.

import { LineSplitter } from './line-splitter.js';
import { TraceFormatError } from '../errors.js';
import { parseFrame } from '../events/frame-text.js';
import { MAX_LABEL_CHARS, MAX_LINE_BYTES, quoteForMessage, quoteJsonForMessage } from './record-fields.js';
import { SnapshotBuilder, type Snapshot, type SnapshotFrame } from '../events/snapshot.js';

/** Labels listed in the "which snapshot?" message. */
const MAX_LABELS_SHOWN = 10;

export interface SnapshotJsonlOptions {
  /** Read the first snapshot with this label; default: the file's only snapshot. */
  label?: string;
  /** How the user gives the label (e.g. the option `--old-label`), for the "which snapshot?" message. */
  labelOption?: string;
}

export class SnapshotJsonlParser {
  private lineNo = 0;
  private readonly lines = new LineSplitter(
    MAX_LINE_BYTES,
    () => this.tooLong(),
    (bytes, start, end) => this.line(bytes.subarray(start, end)),
  );
  /** The first MAX_LABELS_SHOWN labels (for messages) and the chosen snapshot's: not one per snapshot of the file. */
  private readonly labels: string[] = [];
  private chosenLabel: string | null = null;
  private snapshots = 0;
  /** Index (0-based) of the snapshot being read, -1 before the first. */
  private current = -1;
  /** Index of the chosen snapshot once seen. */
  private chosen = -1;
  private readonly builder: SnapshotBuilder;

  constructor(
    private readonly file: string,
    private readonly options: SnapshotJsonlOptions = {},
  ) {
    this.builder = new SnapshotBuilder(file);
  }

  push(chunk: Uint8Array): void {
    this.lines.push(chunk);
  }

  end(): Snapshot {
    this.lines.end();
    const wanted = this.options.label;
    if (this.snapshots === 0) this.fail(0, 'no {"op":"snapshot"} record: this file holds no snapshot');
    if (wanted !== undefined && this.chosen < 0) {
      this.fail(0, `no snapshot labelled ${quoteForMessage(wanted)}; the file has ${this.labelList()}`);
    }
    if (wanted === undefined && this.snapshots > 1) {
      const how = this.options.labelOption === undefined ? 'by its label' : `with ${this.options.labelOption} LABEL`;
      this.fail(0, `the file holds ${this.snapshots} snapshots (${this.labelList()}); choose one ${how}`);
    }
    return this.builder.build('jsonl', this.chosenLabel, null);
  }

  private labelList(): string {
    const shown = this.labels.slice(0, MAX_LABELS_SHOWN).map(quoteForMessage).join(', ');
    return `labels ${shown}${this.labels.length > MAX_LABELS_SHOWN ? ', …' : ''}`;
  }

  private tooLong(): never {
    this.fail(this.lineNo + 1, 'line longer than 1 MiB; a snapshot file has one short JSON object a line');
  }

  private line(bytes: Buffer): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    if (end > MAX_LINE_BYTES) this.tooLong();
    this.lineNo++;
    let start = 0;
    if (this.lineNo === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    const text = bytes.toString('utf8', start, end).trim();
    if (text === '') return;
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch {
      this.fail(this.lineNo, `not a JSON object: ${quoteForMessage(text)}`);
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) this.fail(this.lineNo, `not a JSON object: ${quoteForMessage(text)}`);
    this.record(rec as Record<string, unknown>);
  }

  private record(rec: Record<string, unknown>): void {
    const op = rec['op'];
    if (op === 'meta') {
      if (this.snapshots > 0) this.fail(this.lineNo, 'a meta record after the first snapshot; it must be the first line');
      return;
    }
    if (op === 'snapshot') {
      const label = rec['label'] === undefined || rec['label'] === null ? '' : rec['label'];
      if (typeof label !== 'string') this.fail(this.lineNo, `"label" must be a string, got ${quoteJsonForMessage(label)}`);
      if (label.length > MAX_LABEL_CHARS) {
        this.fail(this.lineNo, `snapshot label of ${label.length} characters: expected at most ${MAX_LABEL_CHARS}`);
      }
      this.current = this.snapshots++;
      if (this.labels.length < MAX_LABELS_SHOWN + 1) this.labels.push(label);
      const wanted = this.options.label;
      if (this.chosen < 0 && (wanted === undefined ? this.current === 0 : label === wanted)) {
        this.chosen = this.current;
        this.chosenLabel = label;
      }
      return;
    }
    if (op === 'trace') {
      if (this.current < 0) this.fail(this.lineNo, 'a trace record before the first snapshot record');
      this.trace(rec, this.current === this.chosen);
      return;
    }
    this.fail(
      this.lineNo,
      `op ${typeof op === 'string' ? quoteForMessage(op) : quoteJsonForMessage(op)} in a snapshot file: expected "snapshot" or "trace"` +
        (typeof op === 'string' && op !== '' ? ' (event records and snapshots cannot be mixed in one file)' : ''),
    );
  }

  /** One trace line; validated always, counted only for the chosen snapshot. */
  private trace(rec: Record<string, unknown>, counted: boolean): void {
    const size = rec['size'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      this.fail(this.lineNo, `"size" must be a whole number >= 0, got ${quoteJsonForMessage(size)}`);
    }
    const domain = rec['domain'];
    if (domain !== undefined && (typeof domain !== 'number' || !Number.isSafeInteger(domain) || domain < 0)) {
      this.fail(this.lineNo, `"domain" must be a whole number >= 0 (tracemalloc's domain), got ${quoteJsonForMessage(domain)}`);
    }
    const frames = rec['frames'];
    if (frames !== undefined && !(Array.isArray(frames) && frames.every((f) => typeof f === 'string'))) {
      this.fail(this.lineNo, '"frames" must be an array of strings ("file:line" or "function (file:line)"), oldest first');
    }
    if (!counted) return;
    const list: SnapshotFrame[] = ((frames as string[] | undefined) ?? []).map((text) => {
      const f = parseFrame(text);
      return this.builder.frame(f.file, f.line, f.func === '' ? undefined : f.func);
    });
    this.builder.add(this.builder.traceback(list), size);
  }

  private fail(line: number, detail: string): never {
    throw new TraceFormatError(this.file, line, detail);
  }
}
