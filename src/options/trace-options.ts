// How a trace is read and modelled: the options of every command that reads
// event traces (--python, --trace-format, --lenient), declared once with
// their defaults. The cli maps argv into this object; drivers pass it on.

import type { TraceFormatName } from '../import/types.js';
import type { PythonVersion } from '../models/pymalloc/geometry.js';

/** The event-trace formats a reader can be told to use (--trace-format). */
export const TRACE_FORMATS: readonly TraceFormatName[] = ['csv', 'jsonl', 'mrt'];

export interface TraceOptions {
  /** The CPython version to model; absent: the trace's `# python:` metadata, else 3.11. */
  readonly python?: PythonVersion | undefined;
  /** The trace format; absent: detected from the content. */
  readonly format?: TraceFormatName | undefined;
  /** Skip bad records (counted, first few kept) instead of stopping at the first. */
  readonly lenient: boolean;
}

export const DEFAULT_TRACE_OPTIONS: TraceOptions = { lenient: false };
