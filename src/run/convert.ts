// The `convert` driver: a trace read by any importer (sniffed from its
// bytes) and written in the format its output name asks for (io/trace-writer.ts).
// The output is written atomically: beside the target, renamed at the end,
// removed on any failure, never over an existing file without `force` nor
// over the input.

import { importTrace, type ImportOptions } from '../import/index.js';
import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { AtomicFileOutput } from '../io/byte-output.js';
import { withDefaults, type Given } from '../options/given.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import { createTraceWriter, traceOutputKind, type TraceOutputKind } from '../io/trace-writer.js';

/** How the converted trace is written. */
export interface ConvertOutputOptions {
  /** Replace an existing output file. */
  readonly force: boolean;
  /** Deflate level of a .mrt output (0 stores chunks uncompressed); absent: the writer's default. */
  readonly level?: number | undefined;
}

export interface ConvertOptions {
  /** How the input is read (its `python` plays no part: nothing is replayed). */
  readonly trace: TraceOptions;
  readonly output: ConvertOutputOptions;
}

export const DEFAULT_CONVERT_OPTIONS: ConvertOptions = { trace: DEFAULT_TRACE_OPTIONS, output: { force: false, level: undefined } };

/** What a caller adds beside the options: the stream read for the input `-`. */
export interface ConvertHooks {
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

export async function convertTrace(input: string, output: string, given: Given<ConvertOptions> = {}, hooks: ConvertHooks = {}): Promise<ConvertRun> {
  const { trace, output: written } = withDefaults(DEFAULT_CONVERT_OPTIONS, given);
  const to = traceOutputKind(output);
  const out = new AtomicFileOutput(output, { force: written.force, inputs: [input], gzip: to.gzip });
  try {
    const ctx = new ImportContext(traceDisplayName(input), trace.lenient);
    const writer = createTraceWriter(to.format, out, ctx, written.level !== undefined ? { level: written.level } : {});
    let events = 0;
    const summary = await importTrace(
      input,
      { context: ctx, ...(trace.format !== undefined ? { format: trace.format } : {}), ...(hooks.stdin ? { stdin: hooks.stdin } : {}) },
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
