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
export const OP_COUNT = 7;

/** Names as they appear in traces, indexed by op code. */
export const OP_NAMES: readonly string[] = [
  'alloc',
  'calloc',
  'realloc',
  'free',
  'arena_alloc',
  'arena_free',
  'mark',
];

export const DOMAIN_OBJ = 0;
export const DOMAIN_MEM = 1;
export const DOMAIN_RAW = 2;
export const DOMAIN_COUNT = 3;

export const DOMAIN_NAMES: readonly string[] = ['obj', 'mem', 'raw'];

/** Column value meaning "field absent" for integer id columns (stack, thread). */
export const NO_ID = -1;
