// The trace writer an output name asks for: `.mrt` binary, `.csv` or
// `.jsonl` text, each text one optionally `.gz`. The name decides because
// the file does not exist yet (input is sniffed from its bytes instead).

import { UsageError } from '../errors.js';
import type { ImportContext } from '../import/import-context.js';
import type { TraceSink } from '../import/types.js';
import type { ByteOutput } from './byte-output.js';
import { MrtWriter } from './mrt-writer.js';
import { CsvTraceWriter, JsonlTraceWriter } from './text-trace-writer.js';

export type TraceOutputFormat = 'mrt' | 'csv' | 'jsonl';

export interface TraceOutputKind {
  readonly format: TraceOutputFormat;
  readonly gzip: boolean;
}

/** What an output name asks for, or a usage error naming the names that work. */
export function traceOutputKind(path: string): TraceOutputKind {
  const m = /\.(mrt|csv|jsonl)(\.gz)?$/i.exec(path);
  if (m === null || (m[1]!.toLowerCase() === 'mrt' && m[2] !== undefined)) {
    throw new UsageError(`cannot tell the output format from the name ${JSON.stringify(path)}: end it in .mrt, .csv, .csv.gz, .jsonl or .jsonl.gz`);
  }
  return { format: m[1]!.toLowerCase() as TraceOutputFormat, gzip: m[2] !== undefined };
}

/** A sink that writes what it receives; `finish()` once the import is done. */
export interface TraceWriter extends TraceSink {
  finish(): void;
}

export function createTraceWriter(format: TraceOutputFormat, out: ByteOutput, ctx: ImportContext, options: { level?: number } = {}): TraceWriter {
  if (format === 'mrt') return new MrtWriter(out, ctx, options);
  return format === 'csv' ? new CsvTraceWriter(out, ctx) : new JsonlTraceWriter(out, ctx);
}
