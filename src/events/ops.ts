// The event vocabulary every importer maps into (trace-format.md, "Records").
// Plain numeric constants rather than enums: they live in typed-array columns
// and are compared on the hot path.

export const OP_ALLOC = 0;
export const OP_CALLOC = 1;
export const OP_REALLOC = 2;
export const OP_FREE = 3;
export const OP_ARENA_ALLOC = 4;
export const OP_ARENA_FREE = 5;
export const OP_MARK = 6;
/** Anonymous mappings made directly by C code (the native contract): addr, size. */
export const OP_MMAP = 7;
/** Unmaps [addr, addr+size): part of a mapping, one, or several. */
export const OP_MUNMAP = 8;
/** The mapping at old_addr now is `size` bytes at addr. */
export const OP_MREMAP = 9;
export const OP_COUNT = 10;

/** Names as they appear in traces, indexed by op code. */
export const OP_NAMES: readonly string[] = [
  'alloc',
  'calloc',
  'realloc',
  'free',
  'arena_alloc',
  'arena_free',
  'mark',
  'mmap',
  'munmap',
  'mremap',
];

/** Whether an op is one of the mapping ops (mmap, munmap, mremap): always of the native domain. */
export function isMappingOp(op: number): boolean {
  return op >= OP_MMAP && op <= OP_MREMAP;
}

/** Whether an op carries old_addr (realloc, mremap). */
export function hasOldAddress(op: number): boolean {
  return op === OP_REALLOC || op === OP_MREMAP;
}

export const DOMAIN_OBJ = 0;
export const DOMAIN_MEM = 1;
export const DOMAIN_RAW = 2;
/**
 * A C-library block that C code obtained directly (an extension's malloc),
 * not through a Python allocator call: replayed as a C-library block like
 * raw, never in the pymalloc model. Also the domain of the mapping ops.
 */
export const DOMAIN_NATIVE = 3;
export const DOMAIN_COUNT = 4;

export const DOMAIN_NAMES: readonly string[] = ['obj', 'mem', 'raw', 'native'];

/** Whether blocks of a domain go to the C library whatever their size (raw, native); obj and mem go through pymalloc. */
export function isCLibraryDomain(domain: number): boolean {
  return domain >= DOMAIN_RAW;
}

/** Column value meaning "field absent" for integer id columns (stack, thread). */
export const NO_ID = -1;
