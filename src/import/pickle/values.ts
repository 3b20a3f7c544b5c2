// What the safe pickle reader builds: plain Python values and, for the few
// classes a policy allows, inert records of "an instance of class X with this
// state". Nothing here can run code: an allowed class is a name, never a
// constructor, and building an instance only stores the state it was given.
//
// Python's int and float are both JS numbers there, so floats are wrapped
// (a size of 1.0 is not a size of 1); ints beyond 2^53 stay exact as bigint.
// Tuples are plain arrays (snapshots hold millions of them); lists, dicts and
// the rest are small classes so that a shape check can tell them apart.

import { MAX_HASHED_KEY_CHARS, digestOf } from '../../events/long-keys.js';

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

  /** `keys` hashes the keys; the reader passes its own, whose work is bounded by the file's size. */
  constructor(private readonly keys: DictKeys = new DictKeys()) {}

  get size(): number {
    return this.entries.size;
  }

  /** Set key to value; throws PickleValueError for an unhashable key. */
  set(key: PickleValue, value: PickleValue): void {
    const k = this.keys.of(key);
    const known = this.entries.get(k);
    // Python keeps the first key object and replaces the value.
    if (known !== undefined) known[1] = value;
    else this.entries.set(k, [key, value]);
  }

  get(key: PickleValue): PickleValue | undefined {
    return this.entries.get(this.keys.of(key))?.[1];
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
  readonly dict: PyDict;
  /** Slot values (the second item of a (dict, slots) state). */
  readonly slots: PyDict;

  /** `keys`: the reader's, so that what BUILD stores is hashed within its bound too. */
  constructor(
    readonly cls: PyGlobal,
    keys: DictKeys = new DictKeys(),
  ) {
    this.dict = new PyDict(keys);
    this.slots = new PyDict(keys);
  }
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

/** Key text longer than this is replaced by its SHA-256, so that a tuple's key stays short however big its items. */
const MAX_PLAIN_KEY_CHARS = 64;

/** Characters every DictKeys may hash before its allowance counts (see DictKeys.allow). */
export const KEY_HASHING_BASE = 16 * 1024 * 1024;

/** Characters of key text hashed per byte of the pickle read so far, beyond the base. */
export const KEY_HASHING_PER_BYTE = 4;

let nextIdentity = 0;
const identities = new WeakMap<object, number>();

/**
 * Dict keys as strings that are equal for two keys exactly when Python's dict
 * would treat them as the same key: 1, 1.0 and True are one key; str and
 * bytes never equal; tuples compare by items; classes by name, instances by
 * identity.
 *
 * Linear however the pickle shares its objects: a tuple's key is worked out
 * once per tuple object (the pickle memo hands out the same object again),
 * and a key longer than MAX_PLAIN_KEY_CHARS becomes a fixed-size digest, so a
 * tuple of tuples built from one memoised tuple (each level doubling what it
 * would spell out) costs a few dozen characters a level, not 2^depth. What is
 * still hashed (a 64 MiB str used as a key a million times) is counted: past
 * KEY_HASHING_BASE + KEY_HASHING_PER_BYTE x the bytes read so far, a key is
 * refused, so hashing stays proportional to the file.
 */
export class DictKeys {
  private readonly tuples = new WeakMap<readonly PickleValue[], string>();
  private hashed = 0;
  private allowance = Number.POSITIVE_INFINITY;

  /** Bound the characters hashed by the bytes read so far (the reader calls this as it reads). */
  allow(bytesRead: number): void {
    this.allowance = KEY_HASHING_BASE + KEY_HASHING_PER_BYTE * bytesRead;
  }

  of(v: PickleValue): string {
    return this.key(v, 0);
  }

  private key(v: PickleValue, depth: number): string {
    if (v === null) return 'N';
    switch (typeof v) {
      case 'boolean':
        return v ? 'i1' : 'i0';
      case 'number':
        return `i${v}`;
      case 'bigint':
        return this.counted(`i${v.toString()}`);
      case 'string':
        this.count(v.length + 1);
        // `S` and a digest for a str too long for V8 to hash by content (events/long-keys.ts).
        return v.length < MAX_HASHED_KEY_CHARS ? `s${v}` : `S${digestOf(v)}`;
    }
    if (v instanceof PyFloat) {
      // 1e308 spells 309 digits: counted like a long int.
      return Number.isInteger(v.value) ? this.counted(`i${BigInt(v.value).toString()}`) : `f${v.value}`;
    }
    if (Array.isArray(v)) return this.tupleKey(v as readonly PickleValue[], depth);
    if (v instanceof PyBytes && !v.mutable) {
      this.count(v.bytes.length * 2);
      return v.bytes.length * 2 < MAX_HASHED_KEY_CHARS ? `b${Buffer.from(v.bytes).toString('hex')}` : `B${digestOf(Buffer.from(v.bytes).toString('latin1'))}`;
    }
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

  /** `t` and the items' keys, each length-prefixed (no item can forge a boundary), or `T` and their digest. */
  private tupleKey(t: readonly PickleValue[], depth: number): string {
    const known = this.tuples.get(t);
    if (known !== undefined) return known;
    if (depth >= MAX_KEY_DEPTH) throw new PickleValueError(`a dict key nests tuples more than ${MAX_KEY_DEPTH} deep`);
    let text = 't';
    for (const item of t) {
      const k = this.key(item, depth + 1);
      text += `${k.length}:${k}`;
    }
    this.count(text.length);
    const key = text.length <= MAX_PLAIN_KEY_CHARS ? text : `T${digestOf(text)}`;
    this.tuples.set(t, key);
    return key;
  }

  private counted(key: string): string {
    this.count(key.length);
    return key;
  }

  private count(chars: number): void {
    this.hashed += chars;
    if (this.hashed > this.allowance) {
      throw new PickleValueError(
        `dict keys need more than ${this.allowance} characters of hashing by this point, ${KEY_HASHING_PER_BYTE} per byte of the file ` +
          'and 16 Mi more (keys repeat long strings or bytes); refused to keep the work proportional to the file',
      );
    }
  }
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
