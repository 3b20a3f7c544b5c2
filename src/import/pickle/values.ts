// What the safe pickle reader builds: plain Python values and, for the few
// classes a policy allows, inert records of "an instance of class X with this
// state". Nothing here can run code: an allowed class is a name, never a
// constructor, and building an instance only stores the state it was given.
//
// Python's int and float are both JS numbers there, so floats are wrapped
// (a size of 1.0 is not a size of 1); ints beyond 2^53 stay exact as bigint.
// Tuples are plain arrays (snapshots hold millions of them); lists, dicts and
// the rest are small classes so that a shape check can tell them apart.

/** A Python float. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python list (mutable, unlike a tuple). */
export class PyList {
  constructor(readonly items: PickleValue[] = []) {}
}

/** bytes, or bytearray when `mutable`. */
export class PyBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly mutable = false,
  ) {}
}

/** A Python dict: insertion-ordered, keyed by value as Python hashes them. */
export class PyDict {
  private readonly entries = new Map<string, [PickleValue, PickleValue]>();

  get size(): number {
    return this.entries.size;
  }

  /** Set key to value; throws PickleValueError for an unhashable key. */
  set(key: PickleValue, value: PickleValue): void {
    const k = hashKey(key, 0);
    const known = this.entries.get(k);
    // Python keeps the first key object and replaces the value.
    if (known !== undefined) known[1] = value;
    else this.entries.set(k, [key, value]);
  }

  get(key: PickleValue): PickleValue | undefined {
    return this.entries.get(hashKey(key, 0))?.[1];
  }

  /** [key, value] pairs in insertion order. */
  items(): [PickleValue, PickleValue][] {
    return Array.from(this.entries.values(), ([k, v]) => [k, v]);
  }
}

/** A class or function named by GLOBAL / STACK_GLOBAL that the policy allowed. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of an allowed class: only its class name and the state BUILD gave it. */
export class PyInstance {
  /** The instance's __dict__ (from a dict state or the first item of a (dict, slots) state). */
  readonly dict = new PyDict();
  /** Slot values (the second item of a (dict, slots) state). */
  readonly slots = new PyDict();

  constructor(readonly cls: PyGlobal) {}
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | PyBytes
  | PyList
  | PyDict
  | PyGlobal
  | PyInstance
  | readonly PickleValue[];

/** A value misused the way Python would refuse (an unhashable dict key, too deep a key). */
export class PickleValueError extends Error {}

/** Deepest tuple accepted inside a dict key (keys in real pickles are flat). */
const MAX_KEY_DEPTH = 32;

let nextIdentity = 0;
const identities = new WeakMap<object, number>();

/**
 * A string that is equal for two keys exactly when Python's dict would treat
 * them as the same key: 1, 1.0 and True are one key; str and bytes never
 * equal; tuples compare by items; classes by name, instances by identity.
 */
export function hashKey(v: PickleValue, depth: number): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
      return v ? 'i1' : 'i0';
    case 'number':
      return `i${v}`;
    case 'bigint':
      return `i${v.toString()}`;
    case 'string':
      return `s${v}`;
  }
  if (v instanceof PyFloat) {
    return Number.isInteger(v.value) ? `i${BigInt(v.value).toString()}` : `f${v.value}`;
  }
  if (Array.isArray(v)) {
    if (depth >= MAX_KEY_DEPTH) throw new PickleValueError(`a dict key nests tuples more than ${MAX_KEY_DEPTH} deep`);
    return `t${JSON.stringify(v.map((item) => hashKey(item, depth + 1)))}`;
  }
  if (v instanceof PyBytes && !v.mutable) return `b${Buffer.from(v.bytes).toString('hex')}`;
  if (v instanceof PyGlobal) return `g${v.qualifiedName}`; // a class is one object per name
  if (v instanceof PyInstance) {
    let id = identities.get(v);
    if (id === undefined) {
      id = nextIdentity++;
      identities.set(v, id);
    }
    return `o${id}`;
  }
  throw new PickleValueError(`unhashable type: '${typeName(v as PickleValue)}' used as a dict key`);
}

/** Python's name for the type of a value, for messages. */
export function typeName(v: PickleValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
  }
  if (Array.isArray(v)) return 'tuple';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyBytes) return v.mutable ? 'bytearray' : 'bytes';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyGlobal) return `class ${v.qualifiedName}`;
  if (v instanceof PyInstance) return `${v.cls.qualifiedName} object`;
  return 'unknown';
}
