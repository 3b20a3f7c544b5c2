// The trace of a --native recording, finished after the run: the launcher
// writes native frames as return addresses (`@native:0xADDR`) and, at the
// end, the module map (`module` lines); only then can addresses be named.
// Two passes over the launcher's output, line by line (bounded memory: what
// is kept is one text per distinct address): the first collects the modules
// and the addresses in stack records, the second writes every other line as
// it is and the stack records with their frames resolved.

import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipInBlocks } from './block-gzip.js';
import { parseModuleLine, symbolizeAddresses, type ModuleRange, type Symbolizer } from './native-symbols.js';

const NATIVE_FRAME = /@native:0x([0-9a-f]+)/g;

function linesOf(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path), crlfDelay: Infinity });
}

export interface NativeTraceSummary {
  /** Distinct native addresses in the stacks. */
  addresses: number;
  /** Of them, those named by a function (not `??`). */
  named: number;
  modules: number;
}

/** Reads the launcher's output at rawPath, writes the finished trace at
 * outPath (gzip when `gzipLevel` is given). */
export async function finishNativeTrace(
  rawPath: string,
  outPath: string,
  options: { gzipLevel?: number; flags: 'w' | 'wx'; tools?: Symbolizer },
): Promise<NativeTraceSummary> {
  const modules: ModuleRange[] = [];
  const addresses = new Set<string>();
  for await (const line of linesOf(rawPath)) {
    if (line.startsWith('module,')) {
      const m = parseModuleLine(line);
      if (m && !modules.some((k) => k.lo === m.lo && k.path === m.path)) modules.push(m);
    } else if (line.startsWith('stack,') && line.includes('@native:')) {
      for (const m of line.matchAll(NATIVE_FRAME)) addresses.add(m[1]!);
    }
  }
  const texts = symbolizeAddresses(addresses, modules, options.tools);

  async function* finishedLines(): AsyncGenerator<Buffer> {
    let batch = '';
    for await (const line of linesOf(rawPath)) {
      if (line.startsWith('module,')) continue;
      batch += (line.startsWith('stack,') ? line.replace(NATIVE_FRAME, (_, hex: string) => texts.get(hex)!) : line) + '\n';
      if (batch.length >= 1 << 16) {
        yield Buffer.from(batch);
        batch = '';
      }
    }
    if (batch) yield Buffer.from(batch);
  }
  const input = Readable.from(finishedLines());
  if (options.gzipLevel !== undefined) {
    await gzipInBlocks(input, outPath, { level: options.gzipLevel, flags: options.flags });
  } else {
    await pipeline(input, createWriteStream(outPath, { flags: options.flags }));
  }
  let named = 0;
  for (const t of texts.values()) if (!t.startsWith('?? ')) named++;
  return { addresses: addresses.size, named, modules: modules.length };
}
