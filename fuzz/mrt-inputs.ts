// Inputs for the binary trace reader: a window of a real trace (or a
// grammar-built one) written as .mrt, in chunks of random size (some
// labelled as format version 1, whose decoder is still there), then
// mutated either as plain bytes (which the checksums mostly catch) or inside
// one chunk's decoded payload with the lengths and checksum made right
// again, so that the payload decoder itself meets damaged varints, counts,
// ids and tables.

import { crc32, inflateRawSync } from 'node:zlib';
import { ImportContext } from '../src/import/import-context.js';
import { parseTraceBytes } from '../src/import/index.js';
import { CHUNK_HEADER_BYTES, CODEC_DEFLATE, CODEC_STORED, FILE_HEADER_BYTES } from '../src/import/mrt-format.js';
import { ByteBuilder } from '../src/io/byte-builder.js';
import { MrtWriter } from '../src/io/mrt-writer.js';
import { mutate } from './mutate.js';
import type { Rng } from './rng.js';

/** `text` (a CSV or JSONL trace) as .mrt, or null when not even --lenient reads it. */
export function mrtOf(text: Uint8Array, rng: Rng): Uint8Array | null {
  const out = new ByteBuilder();
  const ctx = new ImportContext('<fuzz>', true);
  const writer = new MrtWriter({ write: (b) => out.append(b) }, ctx, { chunkBytes: rng.pick([16, 256, 4096, 1 << 20]), level: rng.pick([0, 1, 6]) });
  try {
    parseTraceBytes(text, { context: ctx, lenient: true }, writer);
  } catch {
    return null;
  }
  writer.finish();
  const bytes = out.view().slice();
  // Files of version 1 are still read: one in four is labelled so, and its
  // addresses are read as version 1 codes them (another trace, as valid;
  // an escaped op or the native domain is an error there).
  if (rng.chance(0.25)) new DataView(bytes.buffer, bytes.byteOffset).setUint16(8, 1, true);
  return bytes;
}

/** One chunk's decoded payload mutated, the chunk stored again with right lengths and checksum; the bytes unchanged when they hold no chunk. */
export function mutateMrtPayload(bytes: Uint8Array, rng: Rng, other: Uint8Array): Uint8Array {
  const chunks: { at: number; end: number }[] = [];
  for (let at = FILE_HEADER_BYTES; at + CHUNK_HEADER_BYTES <= bytes.length; ) {
    const end = at + CHUNK_HEADER_BYTES + new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4).getUint32(0, true);
    if (end > bytes.length) break;
    chunks.push({ at, end });
    at = end;
  }
  if (chunks.length === 0) return bytes;
  const { at, end } = rng.pick(chunks);
  const stored = bytes.subarray(at + CHUNK_HEADER_BYTES, end);
  let payload: Uint8Array;
  try {
    payload = bytes[at + 1] === CODEC_DEFLATE ? inflateRawSync(stored) : stored;
  } catch {
    return bytes;
  }
  const damaged = mutate(payload, rng, other);
  const header = Uint8Array.from(bytes.subarray(at, at + CHUNK_HEADER_BYTES));
  const view = new DataView(header.buffer);
  view.setUint8(1, CODEC_STORED);
  view.setUint32(4, damaged.length, true);
  view.setUint32(8, damaged.length, true);
  view.setUint32(12, crc32(damaged, crc32(header.subarray(0, 12))) >>> 0, true);
  return Buffer.concat([bytes.subarray(0, at), header, damaged, bytes.subarray(end)]);
}
