// Gzip a stream as a series of gzip members, one per block of input,
// several blocks compressed at once.
//
// Compressing the trace costs more CPU than recording it (recorder/README.md:
// about 4-5 ns per byte at level 1, some 250 ns per event), so one compressor
// thread falls behind an allocation-heavy program and the program waits for
// it. Independent blocks can be compressed on as many threads as there are
// spare CPUs (Node's zlib runs in its thread pool). Concatenated members are
// one valid gzip file (RFC 1952 section 2.2); gunzip, zcat and memreplay read
// them as one stream. A block boundary costs the compressor its dictionary:
// at 4 MiB blocks the file grows by well under 1%.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export const GZIP_BLOCK_BYTES = 4 << 20;

export interface BlockGzipOptions {
  level: number;
  /** Blocks compressed at the same time; default: the CPUs but one (the program's), 1 to 4. */
  parallel?: number;
  blockBytes?: number;
  /** How the file is opened: 'wx' (default: it must not exist) or 'w' (--force). */
  flags?: 'w' | 'wx';
}

export function defaultParallelism(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Reads `input` to its end and writes it gzip-compressed to a new file `path`. Returns the bytes written. */
export async function gzipInBlocks(input: Readable, path: string, options: BlockGzipOptions): Promise<number> {
  const parallel = options.parallel ?? defaultParallelism();
  const blockBytes = options.blockBytes ?? GZIP_BLOCK_BYTES;
  const out = createWriteStream(path, { flags: options.flags ?? 'wx' });
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  failed.catch(() => undefined); // observed below; never unhandled
  let written = 0;
  const write = async (member: Buffer) => {
    written += member.length;
    if (!out.write(member)) await Promise.race([once(out, 'drain'), failed]);
  };

  // Blocks in input order, each being compressed. One more block than the
  // compressors is read meanwhile, so reading goes on while they work.
  const queue: Promise<Buffer>[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  // A full block ends at its last newline, the rest starts the next one: a
  // file whose writing stopped between members (the recording was killed)
  // ends with a whole line.
  const seal = (whole: boolean) => {
    const all = Buffer.concat(parts, size);
    const cut = whole ? all.length : all.lastIndexOf(0x0a) + 1;
    const at = cut > 0 ? cut : all.length;
    queue.push(gzipAsync(all.subarray(0, at), { level: options.level }));
    parts = at < all.length ? [all.subarray(at)] : [];
    size = all.length - at;
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= blockBytes) seal(false);
      while (queue.length > parallel) await write(await queue.shift()!);
    }
    if (size > 0 || (queue.length === 0 && written === 0)) seal(true);
    while (queue.length > 0) await write(await queue.shift()!);
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (e) {
    out.destroy();
    // Let pending compressions settle before reporting (nothing left running).
    await Promise.allSettled(queue);
    throw e;
  }
  return written;
}
