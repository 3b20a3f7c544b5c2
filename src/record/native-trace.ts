// A --native recording written as `.mrt`: the launcher writes CSV, its
// frames named as it runs (frame-name-server.ts), and memreplay's own
// writer turns it into the binary trace as it streams.

import type { Readable } from 'node:stream';
import { importTrace } from '../import/index.js';
import { ImportContext } from '../import/import-context.js';
import { AtomicFileOutput } from '../io/byte-output.js';
import { MrtWriter } from '../io/mrt-writer.js';

/** The launcher's CSV text, read as any CSV trace is, written as `.mrt` at `outPath`. */
export async function writeMrtTrace(text: Readable, outPath: string): Promise<void> {
  // The file was created empty by record (it is ours): replaced atomically.
  const out = new AtomicFileOutput(outPath, { force: true, inputs: [] });
  try {
    const ctx = new ImportContext(outPath, false);
    const writer = new MrtWriter(out, ctx);
    await importTrace('-', { context: ctx, format: 'csv', stdin: text }, { meta: (m) => writer.meta(m), batch: (b) => writer.batch(b) });
    writer.finish();
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
