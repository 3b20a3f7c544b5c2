// Options every trace-reading command shares (--python, --trace-format,
// --lenient), mapped into TraceOptions (src/options/trace-options.ts, where
// their defaults are declared), and the old spellings still taken until 1.0.

import type { Argv } from 'yargs';
import { UsageError } from '../src/errors.js';
import { isPythonVersion, PYTHON_VERSIONS, type PythonVersion } from '../src/models/pymalloc/geometry.js';
import type { TraceFormatName } from '../src/import/types.js';
import { DEFAULT_TRACE_OPTIONS, TRACE_FORMATS, type TraceOptions } from '../src/options/trace-options.js';

export interface TraceFormatArgs {
  traceFormat?: string;
  /** The old name of --trace-format (hidden; taken with a note until 1.0). */
  format?: string;
}

export interface TraceArgs extends TraceFormatArgs {
  python?: string;
  lenient?: boolean;
}

/** The note for an option given by its old name; the old name works until 1.0. */
export function noteRenamed(oldName: string, newName: string): void {
  process.stderr.write(`memreplay: --${oldName} is now --${newName}; the old name works until 1.0\n`);
}

/** --trace-format and, hidden, its old name --format (for the commands whose --format it was). */
export function withTraceFormatOption<T>(y: Argv<T>, oldName: boolean): Argv<T & TraceFormatArgs> {
  const withNew = y.option('trace-format', {
    type: 'string',
    choices: [...TRACE_FORMATS],
    describe: 'trace format; default: detected from the content',
  });
  if (!oldName) return withNew as Argv<T & TraceFormatArgs>;
  return withNew.option('format', { type: 'string', choices: [...TRACE_FORMATS], hidden: true }) as Argv<T & TraceFormatArgs>;
}

/** --lenient, its default declared in DEFAULT_TRACE_OPTIONS. */
export function withLenientOption<T>(y: Argv<T>, describe = 'skip bad records (counted, first few shown) instead of stopping at the first'): Argv<T & { lenient?: boolean }> {
  return y.option('lenient', { type: 'boolean', default: DEFAULT_TRACE_OPTIONS.lenient, describe }) as Argv<T & { lenient?: boolean }>;
}

export function withTraceOptions<T>(y: Argv<T>): Argv<T & TraceArgs> {
  const withPython = y.option('python', {
    type: 'string',
    describe: `CPython version to model (${PYTHON_VERSIONS.join(', ')}); default: the trace's "# python:" metadata, else 3.11`,
  });
  return withLenientOption(withTraceFormatOption(withPython, true)) as Argv<T & TraceArgs>;
}

export function pythonOption(value: string | undefined): PythonVersion | undefined {
  if (value === undefined) return undefined;
  if (!isPythonVersion(value)) {
    throw new UsageError(`--python ${JSON.stringify(value)}: expected one of ${PYTHON_VERSIONS.join(', ')}`);
  }
  return value;
}

/** --trace-format, or its old name --format with a note on stderr. */
export function traceFormatOption(args: TraceFormatArgs): TraceFormatName | undefined {
  if (args.format === undefined) return args.traceFormat as TraceFormatName | undefined;
  if (args.traceFormat !== undefined) throw new UsageError('--format is the old name of --trace-format: give --trace-format only');
  noteRenamed('format', 'trace-format');
  return args.format as TraceFormatName;
}

export function traceOptionsOf(args: TraceArgs): TraceOptions {
  return {
    python: pythonOption(args.python),
    format: traceFormatOption(args),
    lenient: args.lenient ?? DEFAULT_TRACE_OPTIONS.lenient,
  };
}
