// The constants of the binary trace format (docs/trace-format-binary.md),
// shared by its reader (mrt.ts) and its writer (io/mrt-writer.ts): the
// file's magic and version, the chunk header, the chunk kinds and codecs,
// the bits of an event's two flag bytes, and the bounds a reader holds a
// hostile file to.

/** `\x89MRT\r\n\x1a\n`: non-ASCII first (never text), then the line ends a text transfer would mangle. */
export const MRT_MAGIC: readonly number[] = [0x89, 0x4d, 0x52, 0x54, 0x0d, 0x0a, 0x1a, 0x0a];
/** Magic, major version (u16 LE), minor version (u16 LE). */
export const FILE_HEADER_BYTES = 12;
export const MRT_MAJOR_VERSION = 1;
/** 1: the native contract's ops (mmap, munmap, mremap, through F0_OP_EXTENDED) and domain (native, code 3). */
export const MRT_MINOR_VERSION = 1;

/** Kind (u8), codec (u8), reserved (u16, zero), stored length (u32), decoded length (u32), CRC-32 (u32); all little-endian. */
export const CHUNK_HEADER_BYTES = 16;

export const CHUNK_META = 0x4d; // 'M'
export const CHUNK_TABLE = 0x54; // 'T'
export const CHUNK_EVENTS = 0x45; // 'E'
export const CHUNK_END = 0x5a; // 'Z'
/** A kind in lower case (a-z) is optional: a reader that does not know it skips it (after its checksum). */
export function isOptionalChunkKind(kind: number): boolean {
  return kind >= 0x61 && kind <= 0x7a;
}

export const CODEC_STORED = 0;
export const CODEC_DEFLATE = 1;
export const CODEC_NAMES: readonly string[] = ['stored', 'deflate'];

/** Largest stored or decoded chunk: the writer makes chunks of about EVENT_CHUNK_BYTES; this bounds what a file can make a reader hold. */
export const MAX_CHUNK_BYTES = 16 << 20;
/** Decoded bytes of events the writer puts in one chunk before starting the next. */
export const EVENT_CHUNK_BYTES = 1 << 20;

// Table entries (a `T` chunk is a list of them; each table numbers its entries from 0 in file order).
export const ENTRY_FRAME = 1;
export const ENTRY_STACK = 2;
export const ENTRY_THREAD_NUMBER = 3;
export const ENTRY_THREAD_NAME = 4;
export const ENTRY_LABEL = 5;
/** Forget every label: the label table starts again from id 0 (a writer's bound on distinct labels). */
export const ENTRY_LABELS_RESET = 6;

// An events payload is its event count, the byte length of each stream, then
// the streams: each event's fields go to the stream of their kind.
export const STREAM_FLAGS = 0; // the two flag bytes
export const STREAM_ADDRESSES = 1; // old address, address
export const STREAM_SIZES = 2;
export const STREAM_TIMES = 3;
export const STREAM_REFS = 4; // thread, stack, interpreter, label
export const EVENT_STREAM_COUNT = 5;

// Flag byte 0 of an event: op (bits 0-2), domain (bits 3-4), then what follows.
export const F0_OP_MASK = 0x07;
/**
 * The op field's last value: the op is F0_OP_EXTENDED plus a varint that
 * comes first in the references stream (minor version 1: the mapping ops).
 * The ops below it keep their one-byte flags.
 */
export const F0_OP_EXTENDED = 7;
export const F0_DOMAIN_SHIFT = 3;
export const F0_DOMAIN_MASK = 0x18;
export const F0_SIZE = 0x20;
export const F0_TS = 0x40;
export const F0_OLD_ADDR = 0x80;

// Flag byte 1: thread (bits 0-1) and stack (bits 2-3) each absent, the previous event's, or an id that follows.
export const REF_NONE = 0;
export const REF_SAME = 1;
export const REF_GIVEN = 2;
export const F1_THREAD_MASK = 0x03;
export const F1_STACK_SHIFT = 2;
export const F1_STACK_MASK = 0x0c;
export const F1_INTERP = 0x10;
/** The timestamp is a float64 (not a safe integer, or its delta is not): no delta. */
export const F1_TS_RAW = 0x20;
/** The address is at or above 2^48: written whole as an unsigned 64-bit varint, not as a delta. */
export const F1_ADDR_HIGH = 0x40;
export const F1_OLD_ADDR_HIGH = 0x80;

/** Addresses below this are delta-coded (every user-space pointer of x86-64 and arm64). */
export const LOW_ADDRESS_LIMIT = 2 ** 48;

/** A zigzag-coded delta stays below this magnitude, so that its code (twice it) is an exact double. */
export const MAX_ZIGZAG_MAGNITUDE = 2 ** 52;
