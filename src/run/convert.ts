// The `convert` driver: a trace read by any importer (sniffed from its
// bytes) and written in the format its output name asks for (io/trace-writer.ts).
// The output is written atomically: beside the target, renamed at the end,
// removed on any failure, never over an existing file without `force` nor
// over the input.

import { importTrace, type ImportOptions } from '../import/index.js';
import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { AtomicFileOutput } from '../io/byte-output.js';
import { createTraceWriter, traceOutputKind, type TraceOutputKind } from '../io/trace-writer.js';

export interface ConvertOptions {
  readonly format?: ImportOptions['format'];
  readonly lenient?: boolean;
  /** Replace an existing output file. */
  readonly force?: boolean;
  /** Deflate level of a .mrt output (0 stores chunks uncompressed). */
  readonly level?: number;
  /** The stream read for the input `-`. */
  readonly stdin?: ImportOptions['stdin'];
}

export interface ConvertRun {
  readonly input: string;
  readonly output: string;
  readonly from: string;
  readonly to: TraceOutputKind;
  readonly events: number;
  readonly bytesRead: number;
  readonly skippedRecords: number;
}

export async function convertTrace(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertRun> {
  const to = traceOutputKind(output);
  const out = new AtomicFileOutput(output, { force: options.force ?? false, inputs: [input], gzip: to.gzip });
  try {
    const ctx = new ImportContext(traceDisplayName(input), options.lenient ?? false);
    const writer = createTraceWriter(to.format, out, ctx, options.level !== undefined ? { level: options.level } : {});
    let events = 0;
    const summary = await importTrace(
      input,
      { context: ctx, ...(options.format !== undefined ? { format: options.format } : {}), ...(options.stdin ? { stdin: options.stdin } : {}) },
      {
        meta: (meta) => writer.meta(meta),
        batch: (batch) => {
          events += batch.length;
          writer.batch(batch);
        },
      },
    );
    writer.finish();
    out.commit();
    return {
      input: summary.file,
      output,
      from: summary.format + (summary.gzip ? '.gz' : ''),
      to,
      events,
      bytesRead: summary.bytesRead,
      skippedRecords: ctx.skippedRecords,
    };
  } catch (e) {
    out.abort();
    throw e;
  }
}
