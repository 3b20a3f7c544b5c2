// Per-version constants of CPython's pymalloc on 64-bit default builds
// (pymalloc-model.md §2.1, §2.5, §9). Everything version-dependent in the
// model and in the stats text comes from here.

export const PYTHON_VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];
export const DEFAULT_PYTHON_VERSION: PythonVersion = '3.11';

export interface RadixTreeGeometry {
  /** Shift and mask that select the top-level index (MAP_TOP_SHIFT, MAP_TOP_BITS). */
  readonly topShift: number;
  readonly topBits: number;
  readonly midShift: number;
  readonly midBits: number;
  /** sizeof(arena_map_root), sizeof(arena_map_mid_t), sizeof(arena_map_bot_t). */
  readonly rootBytes: number;
  readonly midBytes: number;
  readonly botBytes: number;
}

export interface PymallocGeometry {
  readonly version: PythonVersion;
  readonly alignmentShift: number;
  readonly alignment: number;
  readonly smallRequestThreshold: number;
  readonly sizeClasses: number;
  readonly poolSize: number;
  readonly arenaSize: number;
  readonly maxPoolsInArena: number;
  readonly poolOverhead: number;
  readonly initialArenaObjects: number;
  /** bpo-37257 (3.9+): a wholly free arena that is last in usable_arenas is kept. */
  readonly keepOneEmptyArena: boolean;
  /** 3.10+: the radix tree and its "arena map" stats section. */
  readonly radix: RadixTreeGeometry | null;
}

const KiB = 1024;

/** 3.10: ADDRESS_BITS 48 -> 10/10/8 bits. */
const RADIX_48: RadixTreeGeometry = {
  topShift: 38,
  topBits: 10,
  midShift: 28,
  midBits: 10,
  rootBytes: 8_192,
  midBytes: 8_192,
  botBytes: 2_048,
};

/** 3.11+: IGNORE_BITS 0, all 64 bits -> 15/15/14 bits. */
const RADIX_64: RadixTreeGeometry = {
  topShift: 49,
  topBits: 15,
  midShift: 34,
  midBits: 15,
  rootBytes: 262_144,
  midBytes: 262_144,
  botBytes: 131_072,
};

function geometry(version: PythonVersion): PymallocGeometry {
  const large = version !== '3.8' && version !== '3.9';
  const poolSize = large ? 16 * KiB : 4 * KiB;
  const arenaSize = large ? 1024 * KiB : 256 * KiB;
  return {
    version,
    alignmentShift: 4,
    alignment: 16,
    smallRequestThreshold: 512,
    sizeClasses: 32,
    poolSize,
    arenaSize,
    maxPoolsInArena: arenaSize / poolSize,
    poolOverhead: 48,
    initialArenaObjects: 16,
    keepOneEmptyArena: version !== '3.8',
    radix: version === '3.10' ? RADIX_48 : large ? RADIX_64 : null,
  };
}

const GEOMETRIES = new Map<PythonVersion, PymallocGeometry>(PYTHON_VERSIONS.map((v) => [v, geometry(v)]));

export function isPythonVersion(text: string): text is PythonVersion {
  return (PYTHON_VERSIONS as readonly string[]).includes(text);
}

export function geometryFor(version: PythonVersion): PymallocGeometry {
  return GEOMETRIES.get(version)!;
}

/**
 * True when two geometries place every block, pool and arena alike: all but
 * the radix tree (which changes only the stats' node counts) is the same.
 * A trace's arena addresses then fit the other version as well as its own.
 */
export function sameBlockPlacement(a: PymallocGeometry, b: PymallocGeometry): boolean {
  return (
    a.alignmentShift === b.alignmentShift &&
    a.smallRequestThreshold === b.smallRequestThreshold &&
    a.sizeClasses === b.sizeClasses &&
    a.poolSize === b.poolSize &&
    a.arenaSize === b.arenaSize &&
    a.poolOverhead === b.poolOverhead &&
    a.initialArenaObjects === b.initialArenaObjects &&
    a.keepOneEmptyArena === b.keepOneEmptyArena
  );
}

/**
 * The model version for a trace's `# python:` metadata ("3.11.7" -> "3.11"),
 * or undefined when it names no supported version.
 */
export function versionFromMeta(python: string | undefined): PythonVersion | undefined {
  if (python === undefined) return undefined;
  const m = /^\s*(\d+)\.(\d+)/.exec(python);
  if (m === null) return undefined;
  const v = `${m[1]}.${m[2]}`;
  return isPythonVersion(v) ? v : undefined;
}

/** INDEX2SIZE: block size of a size class. */
export function blockSize(g: PymallocGeometry, sizeClass: number): number {
  return (sizeClass + 1) << g.alignmentShift;
}

/** NUMBLOCKS: blocks in one pool of a size class. */
export function blocksPerPool(g: PymallocGeometry, sizeClass: number): number {
  return Math.floor((g.poolSize - g.poolOverhead) / blockSize(g, sizeClass));
}

/** Bytes of a used pool that no block can use. */
export function quantizationPerPool(g: PymallocGeometry, sizeClass: number): number {
  return (g.poolSize - g.poolOverhead) % blockSize(g, sizeClass);
}

/** The size class of a request, or -1 when pymalloc passes it to the C library (0 or > 512). */
export function sizeClassOf(g: PymallocGeometry, n: number): number {
  if (n === 0 || n > g.smallRequestThreshold) return -1;
  return (n - 1) >> g.alignmentShift;
}
