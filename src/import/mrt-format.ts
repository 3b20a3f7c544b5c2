// The constants of the binary trace format (docs/trace-format-binary.md),
// shared by its reader (mrt.ts) and its writer (io/mrt-writer.ts): the
// file's magic and version, the chunk header, the chunk kinds and codecs,
// the bits of an event's two flag bytes, and the bounds a reader holds a
// hostile file to.

/** `\x89MRT\r\n\x1a\n`: non-ASCII first (never text), then the line ends a text transfer would mangle. */
export const MRT_MAGIC: readonly number[] = [0x89, 0x4d, 0x52, 0x54, 0x0d, 0x0a, 0x1a, 0x0a];
/** Magic, major version (u16 LE), minor version (u16 LE). */
export const FILE_HEADER_BYTES = 12;
/** The version written. 2.0 codes addresses by their role (ADDRESS_ROLES) and carries the native contract (domain 3, ops past mark through F0_OP_EXTENDED); 1.0 coded each address against the one before, and had neither. */
export const MRT_MAJOR_VERSION = 2;
export const MRT_MINOR_VERSION = 0;
/** The major versions a reader reads. */
export const MRT_READ_MAJOR_VERSIONS: readonly number[] = [1, 2];

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
 * Version 2: the op field's last value is an escape: the op code is
 * F0_OP_EXTENDED plus a varint that comes first in the references stream
 * (7 mmap, 8 munmap, 9 mremap), so the ops of a CPython trace keep their
 * two flag bytes. Version 1 has no escape: its op codes stop at mark.
 */
export const F0_OP_EXTENDED = 7;
/** Version 1's vocabulary: ops alloc to mark, domains obj, mem and raw. A version 1 file with another code is damaged. */
export const V1_OP_COUNT = 7;
export const V1_DOMAIN_COUNT = 3;
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

// How version 2 codes an event's low addresses (below LOW_ADDRESS_LIMIT),
// by the role of each (docs/trace-format-binary.md, "Addresses"):
/** A block or mapping that goes live (alloc, calloc, realloc, mmap, mremap): coded against the last new address of its size group in the chunk, or a realloc's or mremap's against its old address. */
export const ROLE_NEW = 0;
/** A block or range given back (free, munmap, the old address of realloc and mremap): a reference back to its birth in the chunk, or a delta from the last such address. */
export const ROLE_RELEASED = 1;
/** An arena's address: a delta from the last arena address of the chunk. */
export const ROLE_ARENA = 2;
/** No address (a mark). */
export const ROLE_NONE = 3;
/**
 * The role of the `addr` of each op code (the old address of realloc and
 * mremap is ROLE_RELEASED). An op added later gets its entry here. Any role
 * decodes soundly (a reference back names a birth by number, not by
 * meaning); these put each address where its likely neighbour is: an
 * mmap's new range is a birth, so a munmap of the whole of it refers back
 * to it; a munmap of part of a range, or of one made in an earlier chunk,
 * is a delta among releases.
 */
export const ADDRESS_ROLES: readonly number[] = [
  ROLE_NEW, // alloc
  ROLE_NEW, // calloc
  ROLE_NEW, // realloc
  ROLE_RELEASED, // free
  ROLE_ARENA, // arena_alloc
  ROLE_ARENA, // arena_free
  ROLE_NONE, // mark
  ROLE_NEW, // mmap
  ROLE_RELEASED, // munmap
  ROLE_NEW, // mremap
];
/** Size groups of new addresses: sizes 1-512 by 8 bytes (64 groups), and one for every other size or none. */
export const SIZE_GROUPS = 65;
/** The size group of a new block of `size` bytes (NaN: no size). */
export function sizeGroup(size: number): number {
  return size >= 1 && size <= 512 ? (size - 1) >> 3 : SIZE_GROUPS - 1;
}
