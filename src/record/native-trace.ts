// The trace of a --native recording, finished after the run: the launcher
// writes native frames as return addresses (`@native:0xADDR`) and, at the
// end, the module map (`module` lines); only then can addresses be named.
// Two passes over the launcher's output (bounded memory: what is kept is one
// text per distinct address): the first collects the modules and the
// addresses in stack records, the second passes every other line on as it
// is and writes the stack records with their frames resolved. A `.mrt`
// trace is written from those lines by the binary writer (io/mrt-writer.ts):
// the launcher itself writes `.mrt` only without --native.

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importTrace } from '../import/index.js';
import { ImportContext } from '../import/import-context.js';
import { AtomicFileOutput } from '../io/byte-output.js';
import { MrtWriter } from '../io/mrt-writer.js';
import { gzipInBlocks } from './block-gzip.js';
import { selectedLines } from './selected-lines.js';
import { parseModuleLine, symbolizeAddresses, type ModuleRange, type Symbolizer } from './native-symbols.js';

const NATIVE_FRAME = /@native:0x([0-9a-f]+)/g;

const SELECTED = ['stack,', 'module,'];

export interface NativeTraceSummary {
  /** Distinct native addresses in the stacks. */
  addresses: number;
  /** Of them, those named by a function (not `??`). */
  named: number;
  modules: number;
}

/** Reads the launcher's output at rawPath, writes the finished trace at
 * outPath (gzip when `gzipLevel` is given, the binary format with `mrt`). */
export async function finishNativeTrace(
  rawPath: string,
  outPath: string,
  options: { gzipLevel?: number; mrt?: boolean; flags: 'w' | 'wx'; tools?: Symbolizer },
): Promise<NativeTraceSummary> {
  const modules: ModuleRange[] = [];
  const addresses = new Set<string>();
  for await (const line of selectedLines(rawPath, SELECTED)) {
    if (typeof line !== 'string') continue;
    if (line.startsWith('module,')) {
      const m = parseModuleLine(line);
      if (m && !modules.some((k) => k.lo === m.lo && k.path === m.path)) modules.push(m);
    } else if (line.startsWith('stack,') && line.includes('@native:')) {
      for (const m of line.matchAll(NATIVE_FRAME)) addresses.add(m[1]!);
    }
  }
  const texts = symbolizeAddresses(addresses, modules, options.tools);

  async function* finishedLines(): AsyncGenerator<Buffer> {
    for await (const part of selectedLines(rawPath, SELECTED)) {
      if (typeof part !== 'string') yield part;
      else if (part.startsWith('stack,')) yield Buffer.from(part.replace(NATIVE_FRAME, (_, hex: string) => texts.get(hex)!) + '\n');
    }
  }
  const input = Readable.from(finishedLines());
  if (options.mrt) {
    await writeMrt(input, outPath, options.flags === 'w');
  } else if (options.gzipLevel !== undefined) {
    await gzipInBlocks(input, outPath, { level: options.gzipLevel, flags: options.flags });
  } else {
    await pipeline(input, createWriteStream(outPath, { flags: options.flags }));
  }
  let named = 0;
  for (const t of texts.values()) if (!t.startsWith('?? ')) named++;
  return { addresses: addresses.size, named, modules: modules.length };
}

/** The finished CSV lines, read as any CSV trace is, written as `.mrt`. */
async function writeMrt(lines: Readable, outPath: string, force: boolean): Promise<void> {
  const out = new AtomicFileOutput(outPath, { force, inputs: [] });
  try {
    const ctx = new ImportContext(outPath, false);
    const writer = new MrtWriter(out, ctx);
    await importTrace('-', { context: ctx, format: 'csv', stdin: lines }, { meta: (m) => writer.meta(m), batch: (b) => writer.batch(b) });
    writer.finish();
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
