// Options every trace-reading command shares, and their validation.

import type { Argv } from 'yargs';
import { UsageError } from '../src/errors.js';
import { isPythonVersion, PYTHON_VERSIONS, type PythonVersion } from '../src/models/pymalloc/geometry.js';
import type { TraceFormatName } from '../src/import/types.js';

export interface TraceArgs {
  python?: string;
  format?: string;
  lenient?: boolean;
}

export function withTraceOptions<T>(y: Argv<T>): Argv<T & TraceArgs> {
  return y
    .option('python', {
      type: 'string',
      describe: `CPython version to model (${PYTHON_VERSIONS.join(', ')}); default: the trace's "# python:" metadata, else 3.11`,
    })
    .option('format', {
      type: 'string',
      choices: ['csv', 'jsonl'],
      describe: 'trace format; default: detected from the content',
    })
    .option('lenient', {
      type: 'boolean',
      default: false,
      describe: 'skip bad records (counted, first few shown) instead of stopping at the first',
    }) as Argv<T & TraceArgs>;
}

export function pythonOption(value: string | undefined): PythonVersion | undefined {
  if (value === undefined) return undefined;
  if (!isPythonVersion(value)) {
    throw new UsageError(`--python ${JSON.stringify(value)}: expected one of ${PYTHON_VERSIONS.join(', ')}`);
  }
  return value;
}

export function formatOption(value: string | undefined): TraceFormatName | undefined {
  return value as TraceFormatName | undefined;
}
