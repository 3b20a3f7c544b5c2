// Cutting a binary trace into its chunks (docs/trace-format-binary.md,
// "Chunks"): checks the file header, then each chunk's header (kind, codec,
// declared lengths within MAX_CHUNK_BYTES) as soon as its 16 bytes are in,
// its CRC-32, and decodes its payload. Pushed bytes may split anything
// anywhere; at most one chunk is held. Failures name the byte offset in
// the file.

import { crc32, inflateRawSync } from 'node:zlib';
import {
  CHUNK_HEADER_BYTES,
  CODEC_DEFLATE,
  CODEC_STORED,
  FILE_HEADER_BYTES,
  MAX_CHUNK_BYTES,
  MRT_MAGIC,
  MRT_READ_MAJOR_VERSIONS,
} from './mrt-format.js';

export interface MrtChunk {
  readonly kind: number;
  /** Where the chunk's header starts in the file. */
  readonly offset: number;
  /**
   * The decoded payload (valid until the next chunk is handed out); for a
   * kind the reader defers, the stored bytes, still in `codec`.
   */
  readonly payload: Uint8Array;
  /** The payload's codec: CODEC_STORED once decoded here. */
  readonly codec: number;
  /** The decoded length the header declares. */
  readonly decodedLength: number;
}

/** A failure at byte `offset` of the file. */
export class ChunkError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function chunkKindName(kind: number): string {
  const c = String.fromCharCode(kind);
  return /[A-Za-z]/.test(c) ? `'${c}'` : `0x${kind.toString(16).padStart(2, '0')}`;
}

export class ChunkReader {
  /** Bytes not yet consumed (a chunk cut by the end of a push). */
  private carry = new Uint8Array(0);
  private carryLen = 0;
  /** File offset of carry[0]. */
  private offset = 0;
  private headerSeen = false;
  /** The file's major version (from its header; 0 before it is read). */
  major = 0;

  constructor(
    private readonly onChunk: (chunk: MrtChunk) => void,
    /** Chunks of these kinds are handed out checked but not decoded (inflateChunk decodes them, on a worker). */
    private readonly deferred: (kind: number) => boolean = () => false,
  ) {}

  /** File offset of the first byte not yet consumed. */
  get consumed(): number {
    return this.offset;
  }

  /** Bytes held that do not yet make a whole chunk. */
  get pending(): number {
    return this.carryLen;
  }

  push(bytes: Uint8Array): void {
    let data: Uint8Array;
    if (this.carryLen === 0) data = bytes;
    else {
      this.append(bytes);
      data = this.carry.subarray(0, this.carryLen);
    }
    let at = 0;
    for (;;) {
      const used = this.take(data, at);
      if (used === 0) break;
      at += used;
      this.offset += used;
    }
    const rest = data.subarray(at);
    if (this.carryLen === 0) {
      this.carryLen = 0;
      this.append(rest);
    } else {
      this.carry.copyWithin(0, at, this.carryLen);
      this.carryLen -= at;
    }
  }

  /** The input ended: what is held is a cut chunk (described for the message), or null when nothing is. */
  cutAtEnd(): string | null {
    if (this.carryLen === 0) return this.headerSeen ? null : 'the file is empty';
    if (!this.headerSeen) return `the file ends inside its ${FILE_HEADER_BYTES}-byte header (${this.carryLen} bytes)`;
    if (this.carryLen < CHUNK_HEADER_BYTES) return `the file ends inside a chunk header (${this.carryLen} of ${CHUNK_HEADER_BYTES} bytes)`;
    const stored = new DataView(this.carry.buffer, this.carry.byteOffset).getUint32(4, true);
    return `the file ends inside a chunk (${this.carryLen - CHUNK_HEADER_BYTES} of its ${stored} bytes)`;
  }

  /** Consume one unit (the file header or a whole chunk) at `at`; 0 when it is not all there yet. */
  private take(data: Uint8Array, at: number): number {
    const have = data.length - at;
    if (!this.headerSeen) {
      const n = Math.min(have, FILE_HEADER_BYTES);
      for (let i = 0; i < Math.min(n, MRT_MAGIC.length); i++) {
        if (data[at + i] !== MRT_MAGIC[i]) throw new ChunkError(this.offset + i, 'not a memreplay binary trace: its magic bytes differ');
      }
      if (have < FILE_HEADER_BYTES) return 0;
      const view = new DataView(data.buffer, data.byteOffset + at, FILE_HEADER_BYTES);
      const major = view.getUint16(8, true);
      if (!MRT_READ_MAJOR_VERSIONS.includes(major)) {
        throw new ChunkError(
          this.offset + 8,
          `binary trace format version ${major}.${view.getUint16(10, true)}: this memreplay reads versions ${MRT_READ_MAJOR_VERSIONS.map((v) => `${v}.x`).join(' and ')} (a newer memreplay may read it)`,
        );
      }
      this.major = major;
      this.headerSeen = true;
      return FILE_HEADER_BYTES;
    }
    if (have < CHUNK_HEADER_BYTES) return 0;
    const view = new DataView(data.buffer, data.byteOffset + at, CHUNK_HEADER_BYTES);
    const kind = view.getUint8(0);
    const codec = view.getUint8(1);
    const reserved = view.getUint16(2, true);
    const stored = view.getUint32(4, true);
    const decoded = view.getUint32(8, true);
    const where = this.offset;
    if (reserved !== 0) throw new ChunkError(where + 2, `chunk header with reserved bytes set (0x${reserved.toString(16)}): a damaged file, or one of a newer format`);
    if (codec !== CODEC_STORED && codec !== CODEC_DEFLATE) throw new ChunkError(where + 1, `chunk with unknown codec ${codec}: expected 0 (stored) or 1 (deflate)`);
    for (const [n, what, pos] of [
      [stored, 'stored', 4],
      [decoded, 'decoded', 8],
    ] as const) {
      if (n > MAX_CHUNK_BYTES) throw new ChunkError(where + pos, `chunk declares ${n} ${what} bytes: expected at most ${MAX_CHUNK_BYTES} (a damaged length?)`);
    }
    if (codec === CODEC_STORED && stored !== decoded) throw new ChunkError(where + 4, `stored chunk of ${stored} bytes declares ${decoded} decoded bytes: they must be equal`);
    if (have < CHUNK_HEADER_BYTES + stored) return 0;
    const body = data.subarray(at + CHUNK_HEADER_BYTES, at + CHUNK_HEADER_BYTES + stored);
    const expected = view.getUint32(12, true);
    const actual = crc32(body, crc32(data.subarray(at, at + 12))) >>> 0;
    if (actual !== expected) {
      throw new ChunkError(where, `chunk ${chunkKindName(kind)} of ${stored} bytes fails its checksum (CRC-32 ${hex(actual)}, header says ${hex(expected)}): the file is damaged`);
    }
    if (this.deferred(kind)) this.onChunk({ kind, offset: where, payload: body, codec, decodedLength: decoded });
    else this.onChunk({ kind, offset: where, payload: inflateChunk(kind, codec, body, decoded, where), codec: CODEC_STORED, decodedLength: decoded });
    return CHUNK_HEADER_BYTES + stored;
  }

  private append(bytes: Uint8Array): void {
    if (this.carryLen + bytes.length > this.carry.length) {
      const next = new Uint8Array(Math.max(this.carryLen + bytes.length, this.carry.length * 2));
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(bytes, this.carryLen);
    this.carryLen += bytes.length;
  }
}

/** A checked chunk's stored bytes decoded by its codec (the chunk's header at file offset `where`). */
export function inflateChunk(kind: number, codec: number, body: Uint8Array, decoded: number, where: number): Uint8Array {
  if (codec !== CODEC_DEFLATE) return body;
  let payload: Uint8Array;
  try {
    // Output room for the whole declared length at once (one byte more, so
    // that zlib's last call does not take a new buffer): Node's default of
    // 16 KiB pieces, joined at the end, copied every payload once more.
    payload = inflateRawSync(body, { maxOutputLength: Math.max(decoded, 1), chunkSize: Math.max(decoded + 1, 64) });
  } catch (e) {
    throw new ChunkError(where, `chunk ${chunkKindName(kind)} does not inflate to its declared ${decoded} bytes: ${(e as Error).message}`);
  }
  if (payload.length !== decoded) throw new ChunkError(where, `chunk ${chunkKindName(kind)} inflates to ${payload.length} bytes, not its declared ${decoded}`);
  return payload;
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
