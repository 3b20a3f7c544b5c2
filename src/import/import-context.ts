// What an importer needs besides the bytes: where to intern stacks, threads and
// addresses, and the bad-record policy. Recoverable bad records go through
// `bad()`: strict mode throws a TraceFormatError naming file and line;
// lenient mode (--lenient) counts the record, keeps the first few examples
// and the importer skips it. Errors that make the rest of the file unreadable
// (truncated gzip, binary data, no header) go through `fatal()` in both modes.

import { TraceFormatError } from '../errors.js';
import { AddressSpace } from '../events/address-space.js';
import { StackTable } from '../events/stack-table.js';
import { ThreadTable } from '../events/thread-table.js';

export const MAX_BAD_RECORD_EXAMPLES = 10;

export interface BadRecordExample {
  readonly line: number;
  readonly message: string;
}

export class ImportContext {
  readonly stacks = new StackTable();
  readonly threads = new ThreadTable();
  readonly addresses = new AddressSpace();
  /** Records skipped in lenient mode. */
  skippedRecords = 0;
  readonly skippedExamples: BadRecordExample[] = [];

  constructor(
    readonly fileName: string,
    readonly lenient = false,
  ) {}

  /** A record the importer cannot use: throws, or (lenient) counts it. */
  bad(line: number, message: string): void {
    if (!this.lenient) throw new TraceFormatError(this.fileName, line, message);
    this.skippedRecords++;
    if (this.skippedExamples.length < MAX_BAD_RECORD_EXAMPLES) {
      this.skippedExamples.push({ line, message });
    }
  }

  /** An error after which the file cannot be read on; thrown in every mode. */
  fatal(line: number, message: string): never {
    throw new TraceFormatError(this.fileName, line, message);
  }
}
